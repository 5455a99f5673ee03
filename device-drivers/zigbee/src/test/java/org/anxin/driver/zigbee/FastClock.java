package org.anxin.driver.zigbee;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code speed} times faster than real time, from now (the speed may change): what the network waits out
 * by its clock (a device's silence before it is nudged) passes in a fraction of the time, while the
 * library's own timeouts and the radio keep real time.
 */
final class FastClock extends Clock {

    private Instant base = Instant.now();
    private long baseNanos = System.nanoTime();
    private long speed;

    FastClock(long speed) {
        this.speed = speed;
    }

    /** From now on it runs {@code speed} times faster than real time, with no jump. */
    synchronized void speed(long speed) {
        base = instant();
        baseNanos = System.nanoTime();
        this.speed = speed;
    }

    @Override
    public synchronized Instant instant() {
        return base.plusNanos((System.nanoTime() - baseNanos) * speed);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock in UTC only");
    }
}
