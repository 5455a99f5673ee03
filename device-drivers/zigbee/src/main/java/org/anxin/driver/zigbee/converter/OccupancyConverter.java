package org.anxin.driver.zigbee.converter;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOccupancySensingCluster;

/** Occupancy sensing (0x0406): bit 0 of occupancy is {@code motion} on or off, reported when it changes. */
public final class OccupancyConverter extends ZclConverter {

    private Boolean previous;

    public OccupancyConverter(ZclCluster cluster, String device) {
        super(cluster, device);
    }

    @Override
    public Set<ReadingKind> kinds() {
        return Set.of(ReadingKind.MOTION);
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of(ZclOccupancySensingCluster.ATTR_OCCUPANCY);
    }

    @Override
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        if (attribute.getId() != ZclOccupancySensingCluster.ATTR_OCCUPANCY || !(value instanceof Integer bits)) {
            return List.of();
        }
        boolean occupied = (bits & 0x01) != 0;
        if (Boolean.valueOf(occupied).equals(previous)) {
            return List.of();
        }
        previous = occupied;
        return List.of(reading(ReadingKind.MOTION, occupied ? "on" : "off", time));
    }
}
