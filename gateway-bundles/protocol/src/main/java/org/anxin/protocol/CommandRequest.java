package org.anxin.protocol;

import java.util.Objects;

/**
 * A {@link Command} as the bridge sends it: its JSON text and the bridge's Ed25519 signature over
 * that text, like {@link ConfigDocument}.
 */
public record CommandRequest(String command, String signature) implements Body {

    public CommandRequest {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(signature, "signature");
    }

    @Override
    public Channel channel() {
        return Channel.COMMAND;
    }
}
