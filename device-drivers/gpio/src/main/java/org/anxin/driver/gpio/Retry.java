package org.anxin.driver.gpio;

import java.time.Duration;

/** Waits between attempts to open a pin that failed: doubling from {@link #FIRST} up to {@link #LONGEST}. */
final class Retry {

    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration LONGEST = Duration.ofMinutes(5);

    private Duration next = FIRST;

    Duration nextDelay() {
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(LONGEST) > 0 ? LONGEST : next.multipliedBy(2);
        return delay;
    }

    void reset() {
        next = FIRST;
    }
}
