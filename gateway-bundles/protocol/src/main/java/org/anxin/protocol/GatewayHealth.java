package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The gateway's own health, carried by every heartbeat: what is wrong now, and whether the alarm
 * path (a call press or a detector to the siren and the outbox) is impaired by it.
 *
 * @param alarmPathImpaired the gateway's judgement, by one rule ({@link #of}): some problem is of a
 *     kind that {@linkplain Code#impairsAlarmPath() impairs the alarm path}, or the last self-test failed
 * @param problems what is wrong now, in no particular order; empty when nothing is
 * @param selfTest the last periodic self-test, or {@code null} when none has run (or none is configured)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayHealth(boolean alarmPathImpaired, List<Problem> problems, SelfTest selfTest) {

    /** Problems past this many are dropped (and one says so): a heartbeat must stay small. */
    public static final int MAX_PROBLEMS = 50;

    public GatewayHealth {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /** The health of these problems and this self-test, judged by the one rule. */
    public static GatewayHealth of(List<Problem> problems, SelfTest selfTest) {
        List<Problem> kept = new ArrayList<>(problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems);
        if (problems.size() > MAX_PROBLEMS) {
            kept.add(new Problem(Code.OTHER, "health", (problems.size() - MAX_PROBLEMS) + " more problems not listed"));
        }
        boolean impaired = problems.stream().anyMatch(p -> p.code().impairsAlarmPath())
                || selfTest != null && !selfTest.ok();
        return new GatewayHealth(impaired, kept, selfTest);
    }

    /** Nothing wrong. */
    public static GatewayHealth healthy() {
        return new GatewayHealth(false, List.of(), null);
    }

    /** The problems that impair the alarm path, and a failed self-test, in words; empty when none does. */
    public List<String> impairments() {
        List<String> out = new ArrayList<>();
        for (Problem p : problems) {
            if (p.code().impairsAlarmPath()) {
                out.add(p.describe());
            }
        }
        if (selfTest != null && !selfTest.ok()) {
            out.add("the self-test at " + selfTest.time() + " failed: " + selfTest.detail());
        }
        return out;
    }

    /** What kind of problem; each kind says whether it impairs the alarm path. */
    public enum Code {
        /** A component is not active: unsatisfied, or it failed to activate. */
        COMPONENT_DOWN(true),
        /** A configuration file has an invalid value, an unknown property, or cannot be read. */
        CONFIG_INVALID(true),
        /** A driver reports its hardware or link as faulted. */
        DRIVER_FAULT(true),
        /** The data disk is full: readings are refused, alerts are kept in the store's reserve. */
        DISK_FULL(true),
        /** The store refused writes since the last heartbeat. */
        STORE_WRITE_FAILED(true),
        /** An alert could not be stored since the last heartbeat (the siren was driven first). */
        ALERT_NOT_STORED(true),
        /** A siren is configured and its output cannot be read back. */
        SIREN_UNKNOWN(true),
        /** Device readings were stamped far from the gateway's clock and re-stamped; the alarm path is not affected. */
        DEVICE_CLOCK_REFUSED(false),
        /** The gateway's wall clock jumped (NTP arriving late); detection times silence on its monotonic clock, so alarms are not affected. */
        GATEWAY_CLOCK_JUMPED(false),
        /**
         * A CoAP device opened more DTLS sessions than it may (its oldest were closed), or handshakes
         * were refused for room; life-safety devices keep their room, so the alarm path is not affected.
         */
        DEVICE_SESSIONS_LIMITED(false),
        /** A problem this side does not know by name (a newer gateway); taken as impairing, to be safe. */
        @JsonEnumDefaultValue
        OTHER(true);

        private final boolean impairsAlarmPath;

        Code(boolean impairsAlarmPath) {
            this.impairsAlarmPath = impairsAlarmPath;
        }

        public boolean impairsAlarmPath() {
            return impairsAlarmPath;
        }
    }

    /**
     * One thing wrong.
     *
     * @param code its kind
     * @param subject the component, file, driver or device it concerns
     * @param cause a sentence an installer can act on (a root cause, not a stack trace)
     */
    public record Problem(Code code, String subject, String cause) {

        public Problem {
            Objects.requireNonNull(code, "code");
            subject = subject == null ? "" : subject;
            cause = cause == null ? "" : cause;
        }

        /** The problem in words, for an alert's reason. */
        public String describe() {
            return subject.isEmpty() ? cause : subject + ": " + cause;
        }
    }

    /**
     * The last periodic self-test: a synthetic life-safety reading driven through detection to the outbox.
     *
     * @param time when it ran (the gateway's clock)
     * @param ok whether the alert reached the outbox and the siren decision was to sound
     * @param detail what happened, in words; why it failed when it did
     * @param everyMinutes the configured period, so the bridge can tell a missed test
     */
    public record SelfTest(Instant time, boolean ok, String detail, long everyMinutes) {

        public SelfTest {
            Objects.requireNonNull(time, "time");
            detail = detail == null ? "" : detail;
        }
    }
}
