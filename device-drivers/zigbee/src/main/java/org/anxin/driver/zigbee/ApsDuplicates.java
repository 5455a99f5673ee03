package org.anxin.driver.zigbee;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;

/**
 * A device that heard no APS acknowledgement sends the same frame again with the same APS counter.
 * The library drops such a repeat, but only after the frame has been decoded for the converters
 * (see {@link ZigbeeNetwork}), so they need the same rule: a frame whose counter is the last one
 * heard from its sender within 15 s is a repeat. Called on the dongle's receive thread only.
 */
final class ApsDuplicates {

    /** As the library's own (ApsDataEntity). */
    static final long WINDOW_MILLIS = 15_000;

    private record Last(int counter, long millis) {
    }

    private final Clock clock;
    private final Map<Integer, Last> last = new ConcurrentHashMap<>();

    ApsDuplicates(Clock clock) {
        this.clock = clock;
    }

    boolean isDuplicate(ZigBeeApsFrame frame) {
        int counter = frame.getApsCounter();
        if (counter == -1) {
            // a dongle that does not pass the counter up: nothing to tell a repeat by
            return false;
        }
        long now = clock.millis();
        Last before = last.get(frame.getSourceAddress());
        if (before != null && before.counter() == counter && now - before.millis() < WINDOW_MILLIS) {
            return true;
        }
        last.put(frame.getSourceAddress(), new Last(counter, now));
        return false;
    }
}
