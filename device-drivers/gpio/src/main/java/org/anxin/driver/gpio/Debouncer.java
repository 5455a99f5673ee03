package org.anxin.driver.gpio;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Debounces one input: a level counts once it has held for the debounce time. Bounces of a reed
 * contact and spikes picked up on a long cable never reach the detection engine, at the cost of the
 * debounce time's delay. The first edge of the level that held is when the change happened.
 */
final class Debouncer {

    /** A level that held, and when it began. */
    record Change(boolean active, Instant since) {
    }

    private final Duration hold;
    private boolean stable;
    private boolean raw;
    private Instant rawSince;

    Debouncer(Duration hold, boolean initial, Instant now) {
        if (hold.isNegative()) {
            throw new IllegalArgumentException("debounce must be >= 0");
        }
        this.hold = hold;
        this.stable = initial;
        this.raw = initial;
        this.rawSince = now;
    }

    /** Records the input's level as seen at {@code at}; a repeat of the current level changes nothing. */
    synchronized void edge(boolean active, Instant at) {
        if (active != raw) {
            raw = active;
            rawSince = at;
        }
    }

    /** The change, if the input has held a new level for the debounce time by {@code now}. */
    synchronized Optional<Change> settle(Instant now) {
        if (raw == stable || Duration.between(rawSince, now).compareTo(hold) < 0) {
            return Optional.empty();
        }
        stable = raw;
        return Optional.of(new Change(stable, rawSince));
    }

    /** How much longer a new level must hold, if one is waiting to count. */
    synchronized Optional<Duration> pending(Instant now) {
        if (raw == stable) {
            return Optional.empty();
        }
        Duration left = hold.minus(Duration.between(rawSince, now));
        return Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    synchronized boolean stable() {
        return stable;
    }

    Duration hold() {
        return hold;
    }
}
