package org.anxin.driver.zigbee;

import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeNetworkState;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportProgressState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;
import com.zsmartsystems.zigbee.zcl.protocol.ZclClusterType;
import com.zsmartsystems.zigbee.zdo.ZdoCommandType;
import com.zsmartsystems.zigbee.zdo.field.NodeDescriptor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits between the dongle and the network manager and looks at every frame coming up: a frame
 * that cannot be read (no payload, a ZCL header cut short, one the library fails to decode) is
 * counted and dropped, one of an unknown profile, cluster or ZDO command is counted and passed on.
 * An exception while decoding never reaches the dongle's receive thread, so a device sending
 * rubbish cannot stop the network. Everything going down is passed through unchanged.
 *
 * <p>Each readable ZCL frame is also shown to {@code arrivals} here, on the dongle's receive thread,
 * before the manager has it: this is the last point where frames are still in the order the dongle
 * received them, since the manager hands them on through a thread pool.
 */
final class GuardedTransport implements ZigBeeTransportTransmit, ZigBeeTransportReceive {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedTransport.class);
    private static final int PROFILE_ZDO = 0x0000;
    private static final int PROFILE_HOME_AUTOMATION = 0x0104;
    private static final int PROFILE_SMART_ENERGY = 0x0109;
    private static final int PROFILE_ZLL = 0xC05E;
    /** Frame control, sequence number, command: the shortest ZCL header. */
    private static final int ZCL_HEADER_BYTES = 3;

    private final ZigBeeTransportTransmit dongle;
    private final ZigbeeCounters counters;
    private final Consumer<ZigBeeApsFrame> arrivals;
    private volatile ZigBeeTransportReceive manager;

    GuardedTransport(ZigBeeTransportTransmit dongle, ZigbeeCounters counters) {
        this(dongle, counters, frame -> {
        });
    }

    /** @param arrivals shown every readable ZCL frame in arrival order; a frame it cannot decode is malformed */
    GuardedTransport(ZigBeeTransportTransmit dongle, ZigbeeCounters counters, Consumer<ZigBeeApsFrame> arrivals) {
        this.dongle = dongle;
        this.counters = counters;
        this.arrivals = arrivals;
    }

    @Override
    public void receiveCommand(ZigBeeApsFrame frame) {
        counters.frames.incrementAndGet();
        int[] payload = frame.getPayload();
        int profile = frame.getProfile();
        if (payload == null || payload.length == 0) {
            malformed(frame, "no payload");
            return;
        }
        if (profile == PROFILE_ZDO) {
            if (ZdoCommandType.getValueById(frame.getCluster()) == null) {
                unknown(frame, "unknown ZDO command");
            }
        } else if (profile == PROFILE_HOME_AUTOMATION || profile == PROFILE_SMART_ENERGY || profile == PROFILE_ZLL) {
            if (payload.length < ZCL_HEADER_BYTES || manufacturerSpecific(payload) && payload.length < ZCL_HEADER_BYTES + 2) {
                malformed(frame, "ZCL header cut short");
                return;
            }
            if (ZclClusterType.getValueById(frame.getCluster()) == null) {
                unknown(frame, "unknown cluster");
            }
            try {
                arrivals.accept(frame);
            } catch (RuntimeException e) {
                // the manager decodes with the same library code and would fail on it too: count it once
                malformed(frame, "cannot be decoded: " + e);
                return;
            }
        } else {
            unknown(frame, "unknown profile");
        }
        try {
            manager.receiveCommand(frame);
        } catch (RuntimeException e) {
            malformed(frame, "cannot be decoded: " + e);
        }
    }

    private static boolean manufacturerSpecific(int[] payload) {
        return (payload[0] & 0x04) != 0;
    }

    private void malformed(ZigBeeApsFrame frame, String why) {
        long n = counters.malformed.incrementAndGet();
        LOG.warn("malformed Zigbee frame from {} (profile {}, cluster {}) dropped, {} so far: {}",
                String.format("%04X", frame.getSourceAddress()), String.format("%04X", frame.getProfile()),
                String.format("%04X", frame.getCluster()), n, why);
    }

    private void unknown(ZigBeeApsFrame frame, String why) {
        long n = counters.unknown.incrementAndGet();
        LOG.info("Zigbee frame from {} (profile {}, cluster {}): {}, {} so far", String.format("%04X", frame.getSourceAddress()),
                String.format("%04X", frame.getProfile()), String.format("%04X", frame.getCluster()), why, n);
    }

    @Override
    public void setTransportState(ZigBeeTransportState state) {
        manager.setTransportState(state);
    }

    @Override
    public void nodeStatusUpdate(ZigBeeNodeStatus deviceStatus, Integer networkAddress, IeeeAddress ieeeAddress) {
        manager.nodeStatusUpdate(deviceStatus, networkAddress, ieeeAddress);
    }

    @Override
    public void receiveCommandState(int msgTag, ZigBeeTransportProgressState state) {
        manager.receiveCommandState(msgTag, state);
    }

    @Override
    public void setZigBeeTransportReceive(ZigBeeTransportReceive receiver) {
        this.manager = receiver;
        dongle.setZigBeeTransportReceive(this);
    }

    @Override
    public ZigBeeStatus initialize() {
        return dongle.initialize();
    }

    @Override
    public ZigBeeStatus startup(boolean reinitialize) {
        return dongle.startup(reinitialize);
    }

    @Override
    public void shutdown() {
        dongle.shutdown();
    }

    @Override
    public String getVersionString() {
        return dongle.getVersionString();
    }

    @Override
    public IeeeAddress getIeeeAddress() {
        return dongle.getIeeeAddress();
    }

    @Override
    public boolean setIeeeAddress(IeeeAddress ieeeAddress) {
        return dongle.setIeeeAddress(ieeeAddress);
    }

    @Override
    public Integer getNwkAddress() {
        return dongle.getNwkAddress();
    }

    @Override
    public boolean setNwkAddress(int networkAddress) {
        return dongle.setNwkAddress(networkAddress);
    }

    @Override
    public void sendCommand(int msgTag, ZigBeeApsFrame apsFrame) {
        dongle.sendCommand(msgTag, apsFrame);
    }

    @Override
    public ZigBeeChannel getZigBeeChannel() {
        return dongle.getZigBeeChannel();
    }

    @Override
    public ZigBeeStatus setZigBeeChannel(ZigBeeChannel channel) {
        return dongle.setZigBeeChannel(channel);
    }

    @Override
    public int getZigBeePanId() {
        return dongle.getZigBeePanId();
    }

    @Override
    public ZigBeeStatus setZigBeePanId(int panId) {
        return dongle.setZigBeePanId(panId);
    }

    @Override
    public ExtendedPanId getZigBeeExtendedPanId() {
        return dongle.getZigBeeExtendedPanId();
    }

    @Override
    public ZigBeeStatus setZigBeeExtendedPanId(ExtendedPanId panId) {
        return dongle.setZigBeeExtendedPanId(panId);
    }

    @Override
    public ZigBeeStatus setZigBeeNetworkKey(ZigBeeKey key) {
        return dongle.setZigBeeNetworkKey(key);
    }

    @Override
    public ZigBeeKey getZigBeeNetworkKey() {
        return dongle.getZigBeeNetworkKey();
    }

    @Override
    public ZigBeeStatus setTcLinkKey(ZigBeeKey key) {
        return dongle.setTcLinkKey(key);
    }

    @Override
    public ZigBeeKey getTcLinkKey() {
        return dongle.getTcLinkKey();
    }

    @Override
    public void updateTransportConfig(TransportConfig configuration) {
        dongle.updateTransportConfig(configuration);
    }

    @Override
    public void setDefaultProfileId(int defaultProfileId) {
        dongle.setDefaultProfileId(defaultProfileId);
    }

    @Override
    public void setDefaultDeviceId(int defaultDeviceId) {
        dongle.setDefaultDeviceId(defaultDeviceId);
    }

    @Override
    public void setDefaultLocalEndpointId(int localEndpointId) {
        dongle.setDefaultLocalEndpointId(localEndpointId);
    }

    @Override
    public void setNodeDescriptor(IeeeAddress ieeeAddress, NodeDescriptor nodeDescriptor) {
        dongle.setNodeDescriptor(ieeeAddress, nodeDescriptor);
    }

    @Override
    public ZigBeeStatus setNetworkState(ZigBeeNetworkState networkState) {
        return dongle.setNetworkState(networkState);
    }
}
