package org.anxin.driver.zigbee.converter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.ZigBeeEndpoint;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclElectricalMeasurementCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclIasAceCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclIasZoneCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclMeteringCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOccupancySensingCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOnOffCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclPowerConfigurationCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclScenesCluster;

/**
 * Which converters a device endpoint gets, from the server (input) clusters it has, and the
 * client (output) clusters whose commands are a button's presses.
 */
public final class ZclConverters {

    /** The clusters the coordinator listens to as a client. */
    public static final Set<Integer> CLIENT_CLUSTERS = Set.of(ZclIasZoneCluster.CLUSTER_ID, ZclMeteringCluster.CLUSTER_ID,
            ZclPowerConfigurationCluster.CLUSTER_ID, ZclOccupancySensingCluster.CLUSTER_ID, ZclOnOffCluster.CLUSTER_ID,
            ZclElectricalMeasurementCluster.CLUSTER_ID);

    /** The clusters the coordinator serves, so that a button's commands bound to it are sent to it. */
    public static final List<Integer> SERVER_CLUSTERS = List.of(ZclOnOffCluster.CLUSTER_ID, ZclScenesCluster.CLUSTER_ID,
            ZclIasAceCluster.CLUSTER_ID);

    private ZclConverters() {
    }

    /**
     * @param role the device's configured role, if any
     */
    public static List<ZclConverter> forEndpoint(ZigBeeEndpoint endpoint, String device, Optional<ReadingKind> role) {
        List<ZclConverter> converters = new ArrayList<>(3);
        ZclCluster ias = endpoint.getInputCluster(ZclIasZoneCluster.CLUSTER_ID);
        if (ias != null) {
            converters.add(new IasZoneConverter(ias, device, role, hasBatteryLevel(endpoint.getParentNode())));
        }
        ZclCluster metering = endpoint.getInputCluster(ZclMeteringCluster.CLUSTER_ID);
        if (metering != null) {
            converters.add(new MeteringConverter(metering, device));
        }
        ZclCluster power = endpoint.getInputCluster(ZclPowerConfigurationCluster.CLUSTER_ID);
        if (power != null) {
            converters.add(new PowerConfigurationConverter(power, device));
        }
        ZclCluster occupancy = endpoint.getInputCluster(ZclOccupancySensingCluster.CLUSTER_ID);
        if (occupancy != null) {
            converters.add(new OccupancyConverter(occupancy, device));
        }
        ZclCluster electrical = endpoint.getInputCluster(ZclElectricalMeasurementCluster.CLUSTER_ID);
        ZclCluster onOff = endpoint.getInputCluster(ZclOnOffCluster.CLUSTER_ID);
        if (electrical != null) {
            // a plug that measures its load says whether the appliance is in use, not only switched on
            converters.add(new ElectricalMeasurementConverter(electrical, device, ElectricalMeasurementConverter.DEFAULT_ON_WATTS));
        } else if (onOff != null) {
            converters.add(new OnOffConverter(onOff, device));
        }
        for (int id : SERVER_CLUSTERS) {
            ZclCluster button = endpoint.getOutputCluster(id);
            if (button != null) {
                converters.add(new ButtonConverter(button, device));
            }
        }
        return converters;
    }

    private static boolean hasBatteryLevel(ZigBeeNode node) {
        if (node == null) {
            return false;
        }
        return node.getEndpoints().stream().anyMatch(e -> e.getInputCluster(ZclPowerConfigurationCluster.CLUSTER_ID) != null);
    }
}
