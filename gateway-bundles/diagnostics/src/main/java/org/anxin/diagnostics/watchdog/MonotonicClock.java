package org.anxin.diagnostics.watchdog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves forward at the pace of {@link System#nanoTime}, whatever happens to the
 * wall clock: intervals measured with it survive NTP setting the time of a Pi that booted without
 * a real-time clock. Its instants are meaningful only relative to each other.
 */
final class MonotonicClock extends Clock {

    private final long origin = System.nanoTime();

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a monotonic clock has no zone");
    }

    @Override
    public Instant instant() {
        return Instant.EPOCH.plusNanos(System.nanoTime() - origin);
    }
}
