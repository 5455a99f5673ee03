package org.anxin.driver.zigbee.converter;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOnOffCluster;

/**
 * On/Off (0x0006) on a smart plug: the plug's relay is {@code power} on or off, reported when it
 * changes. A plug that also measures its load is read by {@link ElectricalMeasurementConverter}
 * instead, which tells whether the appliance is in use, not only switched.
 */
public final class OnOffConverter extends ZclConverter {

    private Boolean previous;

    public OnOffConverter(ZclCluster cluster, String device) {
        super(cluster, device);
    }

    @Override
    public Set<ReadingKind> kinds() {
        return Set.of(ReadingKind.POWER);
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of(ZclOnOffCluster.ATTR_ONOFF);
    }

    @Override
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        if (attribute.getId() != ZclOnOffCluster.ATTR_ONOFF || !(value instanceof Boolean on) || on.equals(previous)) {
            return List.of();
        }
        previous = on;
        return List.of(reading(ReadingKind.POWER, on ? "on" : "off", time));
    }
}
