package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;

/**
 * A gateway's answer to a {@link Command}: a result, or an error a person can read.
 *
 * @param id the command's id
 * @param name the command's name
 * @param ok whether it was carried out
 * @param result what it produced (a diagnostics report, the mode set), when ok
 * @param error why not, when not ok
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResult(String id, String name, boolean ok, Map<String, Object> result, String error)
        implements Body {

    public CommandResult {
        Objects.requireNonNull(id, "id");
        // not Map.copyOf: a report may hold nulls (a device never seen)
        result = result == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(result));
    }

    public static CommandResult done(String id, String name, Map<String, Object> result) {
        return new CommandResult(id, name, true, result, null);
    }

    public static CommandResult failed(String id, String name, String error) {
        return new CommandResult(id, name, false, null, error);
    }

    @Override
    public Channel channel() {
        return Channel.COMMAND_RESULT;
    }
}
