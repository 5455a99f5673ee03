package org.anxin.driver.zigbee.converter;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclPowerConfigurationCluster;

/**
 * Power configuration (0x0001): battery percentage remaining, which ZCL counts in half percent
 * (200 is 100 %; 0xFF is "unknown" and no reading). Every report is a {@code battery} reading, a
 * check-in that shows the device alive.
 */
public final class PowerConfigurationConverter extends ZclConverter {

    static final int UNKNOWN = 0xFF;

    public PowerConfigurationConverter(ZclCluster cluster, String device) {
        super(cluster, device);
    }

    @Override
    public Set<ReadingKind> kinds() {
        return Set.of(ReadingKind.BATTERY);
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of(ZclPowerConfigurationCluster.ATTR_BATTERYPERCENTAGEREMAINING);
    }

    @Override
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        if (attribute.getId() != ZclPowerConfigurationCluster.ATTR_BATTERYPERCENTAGEREMAINING || !(value instanceof Integer halfPercent)
                || halfPercent < 0 || halfPercent == UNKNOWN) {
            return List.of();
        }
        BigDecimal percent = BigDecimal.valueOf(Math.min(halfPercent, 200)).divide(BigDecimal.valueOf(2));
        return List.of(reading(ReadingKind.BATTERY, percent.toPlainString(), time));
    }
}
