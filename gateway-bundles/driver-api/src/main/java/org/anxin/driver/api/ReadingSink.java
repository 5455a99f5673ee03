package org.anxin.driver.api;

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
}
