package org.anxin.driver.zigbee.converter;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclElectricalMeasurementCluster;

/**
 * Electrical measurement (0x0B04) on a smart plug: the appliance is in use ({@code power} on) while
 * its active power is at least {@code onWatts}, off below it. A kettle or rice cooker in use draws
 * hundreds of watts; a television on standby a watt or two, which is not use. Reported when it
 * changes. Active power is in the unit the plug reports (most plugs report watts directly; the
 * AC power multiplier and divisor are applied where the plug sets them).
 */
public final class ElectricalMeasurementConverter extends ZclConverter {

    public static final double DEFAULT_ON_WATTS = 5.0;
    private static final int ATTR_ACPOWERMULTIPLIER = 0x0604;
    private static final int ATTR_ACPOWERDIVISOR = 0x0605;

    private final double onWatts;
    private Boolean previous;

    public ElectricalMeasurementConverter(ZclCluster cluster, String device, double onWatts) {
        super(cluster, device);
        this.onWatts = onWatts;
    }

    @Override
    public Set<ReadingKind> kinds() {
        return Set.of(ReadingKind.POWER);
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of(ZclElectricalMeasurementCluster.ATTR_ACTIVEPOWER);
    }

    @Override
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        if (attribute.getId() != ZclElectricalMeasurementCluster.ATTR_ACTIVEPOWER || !(value instanceof Integer raw)) {
            return List.of();
        }
        double watts = raw * factor(ATTR_ACPOWERMULTIPLIER) / factor(ATTR_ACPOWERDIVISOR);
        boolean inUse = watts >= onWatts;
        if (Boolean.valueOf(inUse).equals(previous)) {
            return List.of();
        }
        previous = inUse;
        return List.of(reading(ReadingKind.POWER, inUse ? "on" : "off", time));
    }

    private double factor(int attributeId) {
        ZclAttribute attribute = cluster.getAttribute(attributeId);
        Object value = attribute == null ? null : attribute.getLastValue();
        return value instanceof Number n && n.doubleValue() > 0 ? n.doubleValue() : 1.0;
    }
}
