package org.anxin.bridge.core;

import java.time.Duration;

/** Exponentially growing waits between attempts, capped, restarting after a success. */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    public synchronized Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    public synchronized void reset() {
        next = first;
    }

    /** The wait before retry {@code n} (1 for the first retry) of a schedule starting at {@code base}. */
    public static Duration nth(Duration base, int n) {
        return base.multipliedBy(1L << Math.min(n - 1, 20));
    }
}
