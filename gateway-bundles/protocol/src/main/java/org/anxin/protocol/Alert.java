package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * An alert raised or cleared by a gateway's detection engine.
 *
 * @param id the episode: the raise and its clear share it
 * @param type what happened
 * @param state raised or cleared
 * @param severity how urgent it is
 * @param device the device concerned, or {@code null} where none applies
 * @param time when the gateway raised or cleared it
 * @param reason a sentence a person can read
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(String id, AlertType type, AlertState state, Severity severity, String device,
                    Instant time, String reason) implements Body {

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
    }

    /** Raises a new episode of {@code type}; its id is derived from type, device and time. */
    public static Alert raise(AlertType type, String device, Instant time, String reason) {
        String id = type.name() + "/" + (device == null ? "-" : device) + "/" + time.toEpochMilli();
        return new Alert(id, type, AlertState.RAISED, type.defaultSeverity(), device, time, reason);
    }

    /** The clear that ends this episode. */
    public Alert clear(Instant when, String why) {
        return new Alert(id, type, AlertState.CLEARED, severity, device, when, why);
    }

    @Override
    public Channel channel() {
        return Channel.ALERT;
    }
}
