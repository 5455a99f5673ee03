package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An operator's command to one gateway, signed inside a {@link CommandRequest}.
 *
 * @param id unique per command; a gateway runs each id once
 * @param gateway the gateway it is for
 * @param name {@code permit-join}, {@code mode}, {@code test-siren}, {@code diagnostics} or {@code rollback}
 * @param args the command's arguments
 * @param issued when the bridge issued it
 * @param expires after this the gateway refuses it, so a command held up somewhere is not run late
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Command(String id, String gateway, String name, Map<String, Object> args, Instant issued,
                      Instant expires) {

    public Command {
        Objects.requireNonNull(id, "id");
        Reading.requireDeviceId(gateway);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(issued, "issued");
        Objects.requireNonNull(expires, "expires");
        args = args == null ? Map.of() : Map.copyOf(args);
    }
}
