package org.anxin.driver.zigbee;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import com.zsmartsystems.zigbee.zcl.ZclCommand;
import com.zsmartsystems.zigbee.zcl.ZclFieldSerializer;
import com.zsmartsystems.zigbee.zcl.ZclFrameType;
import com.zsmartsystems.zigbee.zcl.ZclHeader;
import com.zsmartsystems.zigbee.zcl.protocol.ZclCommandDirection;
import com.zsmartsystems.zigbee.zdo.ZdoCommand;

/** Builds APS frames as a device would send them, serialized by the library's own serializer. */
final class Frames {

    static final int PROFILE_ZDO = 0x0000;
    static final int PROFILE_HA = 0x0104;
    /** Each device counts its own APS frames, as real ones do: one device's repeat is told by its own last counter. */
    private static final Map<Integer, AtomicInteger> APS_COUNTERS = new ConcurrentHashMap<>();
    private static final AtomicInteger ZCL_SEQUENCE = new AtomicInteger(100);

    private Frames() {
    }

    /** A ZDO frame from {@code source} to the coordinator. */
    static ZigBeeApsFrame zdo(int source, ZdoCommand command, int transactionId) {
        command.setTransactionId(transactionId);
        ZclFieldSerializer serializer = new ZclFieldSerializer(new DefaultSerializer());
        command.serialize(serializer);
        return frame(source, 0, 0, PROFILE_ZDO, command.getClusterId(), serializer.getPayload());
    }

    /** A ZCL frame from a device's endpoint to the coordinator's endpoint 1, server to client. */
    static ZigBeeApsFrame zcl(int source, int endpoint, int cluster, ZclCommand command, int sequence) {
        return zcl(source, endpoint, cluster, command, sequence, ZclCommandDirection.SERVER_TO_CLIENT);
    }

    /** A cluster command from a device's client cluster to the coordinator's endpoint 1 (a button's press), client to server. */
    static ZigBeeApsFrame command(int source, int endpoint, int cluster, ZclCommand command) {
        return zcl(source, endpoint, cluster, command, ZCL_SEQUENCE.getAndIncrement() & 0xFF, ZclCommandDirection.CLIENT_TO_SERVER);
    }

    private static ZigBeeApsFrame zcl(int source, int endpoint, int cluster, ZclCommand command, int sequence,
            ZclCommandDirection direction) {
        ZclHeader header = new ZclHeader();
        header.setFrameType(command.isGenericCommand() ? ZclFrameType.ENTIRE_PROFILE_COMMAND : ZclFrameType.CLUSTER_SPECIFIC_COMMAND);
        header.setCommandId(command.getCommandId());
        header.setSequenceNumber(sequence);
        header.setDirection(direction);
        header.setDisableDefaultResponse(true);
        ZclFieldSerializer serializer = new ZclFieldSerializer(new DefaultSerializer());
        command.serialize(serializer);
        return frame(source, endpoint, 1, PROFILE_HA, cluster, header.serialize(serializer, serializer.getPayload()));
    }

    /** A ZCL frame the device starts itself (a report, a notification): a fresh sequence number. */
    static ZigBeeApsFrame zcl(int source, int endpoint, int cluster, ZclCommand command) {
        return zcl(source, endpoint, cluster, command, ZCL_SEQUENCE.getAndIncrement() & 0xFF);
    }

    static ZigBeeApsFrame frame(int source, int sourceEndpoint, int destinationEndpoint, int profile, int cluster, int[] payload) {
        ZigBeeApsFrame frame = new ZigBeeApsFrame();
        frame.setSourceAddress(source);
        frame.setSourceEndpoint(sourceEndpoint);
        frame.setDestinationAddress(0);
        frame.setDestinationEndpoint(destinationEndpoint);
        frame.setProfile(profile);
        frame.setCluster(cluster);
        frame.setApsCounter(APS_COUNTERS.computeIfAbsent(source, s -> new AtomicInteger()).getAndIncrement() & 0xFF);
        frame.setPayload(payload);
        return frame;
    }
}
