package org.anxin.driver.api;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Waits between attempts that grow by {@code multiplier} from {@code initial} up to {@code max},
 * so a component that cannot reach its dongle, pins, port or broker neither spins nor gives up.
 * The gateway's one backoff: the drivers and the uplink share it (the bridge keeps its own, as it
 * sees only the protocol jar).
 *
 * <p>The record is the immutable policy; {@link #schedule(RandomGenerator)} starts the mutable
 * sequence one retry loop walks through and resets after a success.
 *
 * @param initial the first wait
 * @param max the longest wait; the waits stay there once they reach it
 * @param multiplier how much each wait grows on the one before (at least 1)
 * @param jitter the part of each wait, 0 to 1, that is drawn at random (0.5: between half the
 *        wait and all of it), so gateways that lost the same broker do not all come back at once
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial wait must be positive, not " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max wait " + max + " is shorter than the initial " + initial);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, not " + multiplier);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be 0 to 1, not " + jitter);
        }
    }

    /** Doubling from {@code initial} up to {@code max}, without jitter. */
    public static Backoff doubling(Duration initial, Duration max) {
        return new Backoff(initial, max, 2, 0);
    }

    /** This policy with {@code jitter} in place of its own. */
    public Backoff withJitter(double jitter) {
        return new Backoff(initial, max, multiplier, jitter);
    }

    /** The wait before retry {@code n} (1 for the first), before jitter. */
    public Duration delay(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("retries count from 1, not " + n);
        }
        double millis = initial.toMillis() * Math.pow(multiplier, n - 1);
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }

    /** A sequence without jitter (the jitter, if any, needs a random source: {@link #schedule(RandomGenerator)}). */
    public Schedule schedule() {
        if (jitter > 0) {
            throw new IllegalStateException("a backoff with jitter needs a random source");
        }
        return new Schedule(this, null);
    }

    /** A sequence that draws its jitter from {@code random}. */
    public Schedule schedule(RandomGenerator random) {
        return new Schedule(this, Objects.requireNonNull(random, "random"));
    }

    /** One retry loop's place in a backoff. Safe to use from several threads. */
    public static final class Schedule {

        private final Backoff policy;
        private final RandomGenerator random;
        private int retries;

        private Schedule(Backoff policy, RandomGenerator random) {
            this.policy = policy;
            this.random = random;
        }

        /** The wait before the next attempt; each call moves one step on. */
        public synchronized Duration next() {
            if (retries < Integer.MAX_VALUE) {
                retries++;
            }
            Duration full = policy.delay(retries);
            if (random == null || policy.jitter == 0) {
                return full;
            }
            long fullMillis = full.toMillis();
            long drawn = (long) (fullMillis * policy.jitter);
            return Duration.ofMillis(fullMillis - drawn + random.nextLong(drawn + 1));
        }

        /** After a success: the next wait is the initial one again. */
        public synchronized void reset() {
            retries = 0;
        }

        /** Waits handed out since the start or the last reset. */
        public synchronized int retries() {
            return retries;
        }
    }
}
