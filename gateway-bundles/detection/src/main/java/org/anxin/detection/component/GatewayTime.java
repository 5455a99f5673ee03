package org.anxin.detection.component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detection's time: how much time passed comes from a monotonic source, the wall clock only says
 * what time it is. A Pi has no real-time clock: it boots on the time it last saved, and NTP,
 * arriving minutes or hours later, steps the wall clock by hours either way. A silence judged on
 * the wall clock would then be hours longer (an alarm nobody needed) or shorter (an alarm late by
 * the jump) than it was.
 *
 * <p>So the engine's clock ({@link #now}) is the monotonic source, anchored to the wall clock once,
 * at start. The wall clock's difference from it (the skew) is watched: a change of more than
 * {@link #JUMP} is a jump, counted and logged. The wall clock is trusted again once the new skew
 * has held, within {@link #JUMP}, for {@link #SETTLE} of monotonic time: NTP's step is final, a
 * clock still being set by hand is not. What leaves the gateway is stamped with the trusted wall
 * time ({@link #toWall}); a reading a driver stamped with the wall clock is placed on the engine's
 * clock with the present skew ({@link #fromWall}).
 *
 * <p>A clock that is both the wall and the monotonic one (a replay's virtual clock, the tests'
 * movable clock) has no skew: {@link #wallAsMonotonic}.
 */
final class GatewayTime {

    /** A change of the skew larger than this is a jump; NTP slews anything smaller, and so does the skew. */
    static final Duration JUMP = Duration.ofMinutes(1);
    /** A new skew held this long is trusted. */
    static final Duration SETTLE = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(GatewayTime.class);

    private final Clock wall;
    private final LongSupplier nanos;
    private final Instant anchor;
    private final long anchorNanos;
    /** Wall minus the engine's clock, as last trusted: zero at start, the wall being all there is to go by. */
    private Duration trusted = Duration.ZERO;
    /** A skew differing from the trusted one by more than {@link #JUMP}, not yet settled; null when none. */
    private Duration pending;
    private long pendingSince;
    private long jumps;
    private String lastJump;

    GatewayTime(Clock wall, LongSupplier nanos) {
        this.wall = wall;
        this.nanos = nanos;
        this.anchor = wall.instant();
        this.anchorNanos = nanos.getAsLong();
    }

    /** The wall clock read as its own monotonic source, for a clock that never jumps (a replay's, a test's). */
    static LongSupplier wallAsMonotonic(Clock clock) {
        return () -> {
            Instant t = clock.instant();
            return t.getEpochSecond() * 1_000_000_000L + t.getNano();
        };
    }

    /** The engine's clock: the wall time at start plus the monotonic time elapsed since. */
    synchronized Instant now() {
        return anchor.plusNanos(nanos.getAsLong() - anchorNanos);
    }

    /** A time the wall clock gave (a reading a driver stamped) on the engine's clock. */
    synchronized Instant fromWall(Instant wallTime) {
        return wallTime.minus(observe());
    }

    /** A time on the engine's clock as the trusted wall time: what an alert leaving the gateway carries. */
    synchronized Instant toWall(Instant engineTime) {
        observe();
        return engineTime.plus(trusted);
    }

    /** Wall time minus the engine's clock, as last trusted. */
    synchronized Duration trustedSkew() {
        observe();
        return trusted;
    }

    /** Jumps of the wall clock seen since start; each was logged. */
    synchronized long jumps() {
        return jumps;
    }

    /** The last jump, as logged; null when there was none. */
    synchronized String lastJump() {
        return lastJump;
    }

    /** Whether the wall clock's present time is trusted: no jump is waiting to settle. */
    synchronized boolean trusted() {
        observe();
        return pending == null;
    }

    /** Compares the wall clock with the engine's clock, notes a jump or its settling; the present skew. */
    synchronized Duration observe() {
        long n = nanos.getAsLong();
        Duration skew = Duration.between(anchor.plusNanos(n - anchorNanos), wall.instant());
        if (near(skew, trusted)) {
            if (pending != null) {
                LOG.warn("detection: the wall clock is back at {} within {} of the monotonic clock; its jump is undone",
                        wall.instant(), JUMP.toSeconds() + " s");
                pending = null;
            }
            trusted = skew;
            return skew;
        }
        if (pending == null || !near(skew, pending)) {
            jumps++;
            Duration by = skew.minus(pending == null ? trusted : pending);
            lastJump = "the wall clock jumped " + (by.isNegative() ? "back" : "ahead") + " by " + by.abs().toHours() + " h " + by.abs().toMinutesPart() + " min"
                    + " to " + wall.instant();
            LOG.warn("detection: {} ({} jumps since start); silence is timed on the monotonic clock, and the new wall time is"
                    + " trusted once it holds for {} min", lastJump, jumps, SETTLE.toMinutes());
            pending = skew;
            pendingSince = n;
            return skew;
        }
        pending = skew;
        if (n - pendingSince >= SETTLE.toNanos()) {
            trusted = skew;
            pending = null;
            LOG.info("detection: the wall clock held for {} min after its jump and is trusted: alerts are stamped {} (skew {})",
                    SETTLE.toMinutes(), wall.instant(), skew);
        }
        return skew;
    }

    private static boolean near(Duration a, Duration b) {
        return a.minus(b).abs().compareTo(JUMP) <= 0;
    }
}
