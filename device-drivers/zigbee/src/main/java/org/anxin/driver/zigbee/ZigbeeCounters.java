package org.anxin.driver.zigbee;

import java.util.concurrent.atomic.AtomicLong;

/** What one Zigbee network received, for the log and diagnostics. */
public final class ZigbeeCounters {

    final AtomicLong frames = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong readings = new AtomicLong();
    final AtomicLong unstored = new AtomicLong();
    final AtomicLong heldAlarms = new AtomicLong();
    final AtomicLong setUpRetries = new AtomicLong();
    final AtomicLong notSetUp = new AtomicLong();

    /** APS frames the dongle passed up. */
    public long frames() {
        return frames.get();
    }

    /** Frames that could not be read (empty, truncated, failing to decode); dropped. */
    public long malformed() {
        return malformed.get();
    }

    /** Frames of a profile, cluster or ZDO command the library does not know; passed on, nothing comes of them. */
    public long unknown() {
        return unknown.get();
    }

    /** Readings delivered to the gateway. */
    public long readings() {
        return readings.get();
    }

    /** Readings the gateway could not store (the sink threw). */
    public long unstored() {
        return unstored.get();
    }

    /** Alarms from a zone that had not yet said its zone type: held, and reported once it did. */
    public long heldAlarms() {
        return heldAlarms.get();
    }

    /** Nudges sent to devices whose discovery or set-up made no progress for a while (see {@link ZigbeeNetwork}). */
    public long setUpRetries() {
        return setUpRetries.get();
    }

    /** Devices given up on: their set-up did not finish after every nudge; each is reported as a device fault. */
    public long notSetUp() {
        return notSetUp.get();
    }

    @Override
    public String toString() {
        return "frames=" + frames() + ", malformed=" + malformed() + ", unknown=" + unknown() + ", readings=" + readings()
                + ", unstored=" + unstored() + ", heldAlarms=" + heldAlarms() + ", setUpRetries=" + setUpRetries() + ", notSetUp=" + notSetUp();
    }
}
