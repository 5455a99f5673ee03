package org.anxin.protocol;

import java.util.Objects;

/**
 * A gateway's desired configuration as the bridge publishes it: the {@link DesiredConfig} as JSON
 * text, and the bridge's Ed25519 signature over that text's UTF-8 bytes. The text travels as it
 * was signed, so the gateway verifies exactly those bytes and needs no canonical JSON.
 *
 * @param document a {@link DesiredConfig} in JSON
 * @param signature Base64 Ed25519 signature of {@code document}
 */
public record ConfigDocument(String document, String signature) implements Body {

    public ConfigDocument {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(signature, "signature");
    }

    @Override
    public Channel channel() {
        return Channel.CONFIG_DESIRED;
    }
}
