package org.anxin.driver.zigbee.converter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.anxin.protocol.Reading;
import org.junit.jupiter.api.Test;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclElectricalMeasurementCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOccupancySensingCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOnOffCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclPowerConfigurationCluster;

/** Power configuration, occupancy, on/off and electrical measurement. */
class SimpleConvertersTest {

    private static final Instant T = Instant.parse("2024-03-04T08:00:00Z");
    private static final String DEVICE = "zb-0015bc001a000001";

    private static List<String> update(ZclConverter converter, ZclCluster cluster, int attribute, Object value) {
        return converter.attributeUpdated(cluster.getAttribute(attribute), value, T).stream().map(Reading::value).toList();
    }

    @Test
    void batteryPercentageRemainingIsCountedInHalfPercentAndUnknownIsNoReading() {
        ZclPowerConfigurationCluster cluster = new ZclPowerConfigurationCluster(Endpoints.endpoint());
        PowerConfigurationConverter battery = new PowerConfigurationConverter(cluster, DEVICE);
        int attribute = ZclPowerConfigurationCluster.ATTR_BATTERYPERCENTAGEREMAINING;
        assertThat(update(battery, cluster, attribute, 200)).containsExactly("100");
        assertThat(update(battery, cluster, attribute, 151)).containsExactly("75.5");
        assertThat(update(battery, cluster, attribute, 0xFF)).isEmpty();
        // a report of the same level is still a check-in
        assertThat(update(battery, cluster, attribute, 151)).containsExactly("75.5");
    }

    @Test
    void occupancyBitIsMotionOnAndOffWhenItChanges() {
        ZclOccupancySensingCluster cluster = new ZclOccupancySensingCluster(Endpoints.endpoint());
        OccupancyConverter motion = new OccupancyConverter(cluster, DEVICE);
        int attribute = ZclOccupancySensingCluster.ATTR_OCCUPANCY;
        assertThat(update(motion, cluster, attribute, 1)).containsExactly("on");
        assertThat(update(motion, cluster, attribute, 1)).isEmpty();
        assertThat(update(motion, cluster, attribute, 0)).containsExactly("off");
    }

    @Test
    void plugRelayIsPowerOnAndOff() {
        ZclOnOffCluster cluster = new ZclOnOffCluster(Endpoints.endpoint());
        OnOffConverter plug = new OnOffConverter(cluster, DEVICE);
        assertThat(update(plug, cluster, ZclOnOffCluster.ATTR_ONOFF, true)).containsExactly("on");
        assertThat(update(plug, cluster, ZclOnOffCluster.ATTR_ONOFF, true)).isEmpty();
        assertThat(update(plug, cluster, ZclOnOffCluster.ATTR_ONOFF, false)).containsExactly("off");
    }

    @Test
    void measuredLoadAtOrAboveTheThresholdIsPowerOnAndStandbyIsOff() {
        ZclElectricalMeasurementCluster cluster = new ZclElectricalMeasurementCluster(Endpoints.endpoint());
        ElectricalMeasurementConverter kettle = new ElectricalMeasurementConverter(cluster, DEVICE, 5.0);
        int attribute = ZclElectricalMeasurementCluster.ATTR_ACTIVEPOWER;
        assertThat(update(kettle, cluster, attribute, 1800)).containsExactly("on");
        assertThat(update(kettle, cluster, attribute, 1700)).isEmpty();
        assertThat(update(kettle, cluster, attribute, 2)).containsExactly("off");
        // a plug that reports deciwatts: 45 x 1 / 10 = 4.5 W is standby
        cluster.getAttribute(0x0605).updateValue(10);
        assertThat(update(kettle, cluster, attribute, 45)).isEmpty();
        assertThat(update(kettle, cluster, attribute, 60)).containsExactly("on");
    }
}
