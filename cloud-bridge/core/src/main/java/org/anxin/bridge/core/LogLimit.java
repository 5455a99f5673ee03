package org.anxin.bridge.core;

import java.time.Clock;

/**
 * At most {@code perMinute} log lines a minute for one kind of event, so whoever can publish cannot
 * flood the log; what was held back is said on the next line let through. Thread-safe.
 */
public final class LogLimit {

    private final int perMinute;
    private final Clock clock;
    private long windowStart = Long.MIN_VALUE;
    private int inWindow;
    private long suppressed;

    public LogLimit(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /**
     * Whether to log this one: -1 when not, else how many were held back since the last line let
     * through (to be said in it).
     */
    public synchronized long admit() {
        long now = clock.millis();
        if (windowStart == Long.MIN_VALUE || now - windowStart >= 60_000) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= perMinute) {
            suppressed++;
            return -1;
        }
        inWindow++;
        long held = suppressed;
        suppressed = 0;
        return held;
    }
}
