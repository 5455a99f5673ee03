package org.anxin.diagnostics.watchdog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.anxin.protocol.GatewayHealth;

/**
 * Whether the gateway is healthy enough to alarm, which is when the watchdog may be fed: the
 * detection engine is running, answers a call that takes its lock within {@link #answerWithin},
 * and its self-test timer is still going. A JVM that is up while the engine is wedged (a
 * deadlock, a thread stuck in the store) is not alive, so systemd restarts it.
 *
 * <p>A self-test that ran and failed still counts as alive: it fails on a full disk or a siren
 * that cannot be read back, which a restart does not mend and the heartbeat already reports, and a
 * gateway restarting in a loop would alarm less, not more. A self-test that stops coming means its
 * timer thread is stuck, and that a restart does mend.
 *
 * <p>The clock is monotonic in the gateway ({@link MonotonicClock}): a Pi has no battery-backed
 * clock, and NTP setting the wall clock hours ahead after boot must not make the last self-test
 * look stale. That is also why a self-test's age is counted from when this saw it change, not
 * from the time it carries.
 */
final class Liveness {

    /** The first self-test comes a minute after detection starts; this leaves room for a slow Pi. */
    static final Duration FIRST_SELF_TEST_WITHIN = Duration.ofMinutes(3);
    /** A self-test is late after two of its periods and this. */
    static final Duration SELF_TEST_SLACK = Duration.ofMinutes(1);

    /** What the watchdog is told: feed it or not, and why, for the log and systemd's STATUS. */
    record Verdict(boolean alive, String reason) {
    }

    private final Clock clock;
    private final Duration answerWithin;

    private Object engine;
    private Instant engineSince;
    private Object probed;
    private Instant probeStarted;
    private boolean probeOutstanding;
    /** The engine that last answered a probe. */
    private Object answered;
    private GatewayHealth.SelfTest selfTest;
    private Instant selfTestSeen;

    Liveness(Clock clock, Duration answerWithin) {
        this.clock = clock;
        this.answerWithin = answerWithin;
    }

    /** A probe of this engine is sent now; one at a time. */
    synchronized void probeStarted(Object engine) {
        probed = engine;
        probeStarted = clock.instant();
        probeOutstanding = true;
    }

    /** The engine answered the probe (or threw: it answered, it is not stuck). */
    synchronized void probeAnswered() {
        probeOutstanding = false;
        answered = probed;
    }

    /**
     * Judges the gateway now.
     *
     * @param engine the detection engine's service object, {@code null} while none is bound; a new
     *               one (detection restarted with a new configuration) starts its grace again
     * @param latest its last self-test, {@code null} before the first
     */
    synchronized Verdict judge(Object engine, GatewayHealth.SelfTest latest) {
        Instant now = clock.instant();
        if (engine == null) {
            this.engine = null;
            return new Verdict(false, "the detection engine is not running");
        }
        if (engine != this.engine) {
            this.engine = engine;
            engineSince = now;
            selfTest = null;
            selfTestSeen = null;
        }
        // an engine replaced while its probe hangs is stuck all the same: a thread of the gateway is
        if (probeOutstanding && Duration.between(probeStarted, now).compareTo(answerWithin) > 0) {
            return new Verdict(false, "the detection engine has not answered for " + Duration.between(probeStarted, now).toSeconds()
                    + " s (it is stuck)");
        }
        if (answered != engine) {
            return new Verdict(false, "the detection engine has not answered yet");
        }
        if (latest != selfTest && latest != null) {
            selfTest = latest;
            selfTestSeen = now;
        }
        if (selfTest == null) {
            if (Duration.between(engineSince, now).compareTo(FIRST_SELF_TEST_WITHIN) > 0) {
                return new Verdict(false, "the detection engine ran no self-test in its first "
                        + FIRST_SELF_TEST_WITHIN.toMinutes() + " min (its timer is stuck)");
            }
            return new Verdict(true, "the detection engine answers; its first self-test is due");
        }
        Duration late = Duration.ofMinutes(2 * selfTest.everyMinutes()).plus(SELF_TEST_SLACK);
        Duration since = Duration.between(selfTestSeen, now);
        if (since.compareTo(late) > 0) {
            return new Verdict(false, "the detection engine's last self-test was " + since.toMinutes() + " min ago, every "
                    + selfTest.everyMinutes() + " min is due (its timer is stuck)");
        }
        return new Verdict(true, "the detection engine answers; last self-test " + (selfTest.ok() ? "passed" : "FAILED: "
                + selfTest.detail()));
    }
}
