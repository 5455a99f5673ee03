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
 * @param test {@code true} only on the gateway's periodic self-test ({@link #asSelfTest}): the bridge
 *     records it and never notifies or escalates it; {@code null} (absent on the wire) on every other
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(String id, AlertType type, AlertState state, Severity severity, String device,
                    Instant time, String reason, Boolean test) implements Body {

    /** The prefix of every self-test's id; a real alert's id starts with its type's name. */
    public static final String SELF_TEST_PREFIX = "SELFTEST/";

    public Alert {
        test = Boolean.TRUE.equals(test) ? Boolean.TRUE : null;
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(reason, "reason");
    }

    /** An alert that is not a self-test. */
    public Alert(String id, AlertType type, AlertState state, Severity severity, String device, Instant time,
                 String reason) {
        this(id, type, state, severity, device, time, reason, null);
    }

    /**
     * The self-test's copy of an alert the detection path produced for a synthetic reading: its id
     * prefixed with {@link #SELF_TEST_PREFIX}, marked as a test. Only the gateway's self-test calls it.
     */
    public Alert asSelfTest() {
        return new Alert(SELF_TEST_PREFIX + id, type, state, severity, device, time, reason, Boolean.TRUE);
    }

    /** Whether this is a self-test: marked as one, and with a self-test's id. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isSelfTest() {
        return Boolean.TRUE.equals(test) && id.startsWith(SELF_TEST_PREFIX);
    }

    /** Raises a new episode of {@code type}; its id is derived from type, device and time. */
    public static Alert raise(AlertType type, String device, Instant time, String reason) {
        String id = type.name() + "/" + (device == null ? "-" : device) + "/" + time.toEpochMilli();
        return new Alert(id, type, AlertState.RAISED, type.defaultSeverity(), device, time, reason);
    }

    /** The clear that ends this episode. */
    public Alert clear(Instant when, String why) {
        return new Alert(id, type, AlertState.CLEARED, severity, device, when, why, test);
    }

    @Override
    public Channel channel() {
        return Channel.ALERT;
    }
}
