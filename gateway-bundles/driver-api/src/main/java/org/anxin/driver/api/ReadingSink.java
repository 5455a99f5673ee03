package org.anxin.driver.api;

import java.time.ZoneId;
import org.anxin.protocol.Reading;

/**
 * Where drivers deliver readings. The detection engine provides it as an OSGi service; every
 * driver references it.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface ReadingSink {

    /**
     * Takes one reading. Returns once the reading is stored, so a driver that got no exception knows
     * the reading will not be lost.
     */
    void accept(Reading reading);

    /**
     * Takes one reading of a recorded history played back (the replay driver). Its time is the
     * recorded one and is kept: a live device's time far from the gateway's clock is not trusted
     * and is replaced by the gateway's, but a replayed day is judged in that day's time.
     */
    default void acceptReplayed(Reading reading) {
        accept(reading);
    }

    /**
     * The home's time zone, in which the gateway reads local times (detection's {@code zone}
     * setting): a scenario's local times, which carry no zone, are placed in it unless the replay
     * names its own. A sink that has no zone of its own answers the JVM's.
     */
    default ZoneId zone() {
        return ZoneId.systemDefault();
    }
}
