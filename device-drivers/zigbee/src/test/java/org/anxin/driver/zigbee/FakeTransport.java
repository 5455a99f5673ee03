package org.anxin.driver.zigbee;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.ZigBeeNodeStatus;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.security.ZigBeeKey;
import com.zsmartsystems.zigbee.transport.TransportConfig;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportProgressState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportReceive;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportState;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;
import com.zsmartsystems.zigbee.zdo.ZdoStatus;
import com.zsmartsystems.zigbee.zdo.command.IeeeAddressResponse;

/**
 * The hardware boundary for tests: a coordinator dongle with a radio full of {@link FakeDevice}s.
 * It implements the library's transport interface, so the real network manager runs on top of
 * it; frames the manager sends are acknowledged as a dongle does (TX_ACK at once, the device's
 * answer and RX_ACK {@link #ANSWER_DELAY_MILLIS} later) on one "air" thread, and tests play frames
 * from devices up through it. While a request is on its way the library counts it outstanding, as
 * with a real radio. A test can hold every answer back (requests pile up, as when the air is busy)
 * and let a device sleep: what is sent to it waits, unanswered, until it wakes.
 */
public final class FakeTransport implements ZigBeeTransportTransmit {

    static final IeeeAddress COORDINATOR = new IeeeAddress("00124B0001ABCDEF");
    /** A device's answer comes this long after the dongle sent the request, as a sensor's does over the air. */
    static final long ANSWER_DELAY_MILLIS = 5;

    final List<ZigBeeApsFrame> sent = new CopyOnWriteArrayList<>();
    private final Map<Integer, FakeDevice> devices = new ConcurrentHashMap<>();
    private final ScheduledExecutorService air = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fake-zigbee-air");
        t.setDaemon(true);
        return t;
    });
    private volatile ZigBeeTransportReceive receiver;
    volatile boolean dongleMissing;
    volatile boolean formed;
    /** Answers held back while {@link #holdAnswers()} is in force; guarded by this. */
    private final List<Runnable> heldAnswers = new ArrayList<>();
    private boolean holding;
    /** Requests to a sleeping device, by its network address, answered when it wakes; guarded by this. */
    private final Map<Integer, List<Runnable>> asleep = new HashMap<>();
    private ZigBeeChannel channel = ZigBeeChannel.CHANNEL_15;
    private int panId = 0x2B1A;
    private ExtendedPanId extendedPanId = new ExtendedPanId("00124B0001ABCDEF");
    private ZigBeeKey networkKey = new ZigBeeKey();
    private ZigBeeKey linkKey = new ZigBeeKey();

    void add(FakeDevice device) {
        devices.put(device.nwk, device);
    }

    /** What was sent from the {@code from}th frame on, copied: a view would throw while the network keeps sending. */
    List<ZigBeeApsFrame> sentSince(int from) {
        List<ZigBeeApsFrame> all = List.copyOf(sent);
        return all.subList(Math.min(from, all.size()), all.size());
    }

    /** A device joins: the trust centre tells of it, then it announces itself, as an EZSP dongle reports a join. */
    void join(FakeDevice device) {
        add(device);
        air.execute(() -> receiver.nodeStatusUpdate(ZigBeeNodeStatus.UNSECURED_JOIN, device.nwk, device.ieee));
        play(device.announce());
    }

    /** A frame arrives from the air. */
    void play(ZigBeeApsFrame frame) {
        air.execute(() -> receiver.receiveCommand(frame));
    }

    /** From now on no request is answered until {@link #releaseAnswers()}; each is acknowledged as sent. */
    synchronized void holdAnswers() {
        holding = true;
    }

    /** The held answers come, in the order their requests were sent. */
    synchronized void releaseAnswers() {
        holding = false;
        heldAnswers.forEach(this::answerLater);
        heldAnswers.clear();
    }

    /** The device sleeps: what is sent to it is acknowledged by its parent but not answered until it {@link #wake}s. */
    synchronized void sleep(FakeDevice device) {
        asleep.putIfAbsent(device.nwk, new ArrayList<>());
    }

    /** The device wakes and answers what waited for it. */
    synchronized void wake(FakeDevice device) {
        List<Runnable> waiting = asleep.remove(device.nwk);
        if (waiting != null) {
            waiting.forEach(this::answerLater);
        }
    }

    /** The dongle is pulled out. */
    void unplug() {
        air.execute(() -> receiver.setTransportState(ZigBeeTransportState.OFFLINE));
    }

    @Override
    public ZigBeeStatus initialize() {
        if (dongleMissing) {
            return ZigBeeStatus.COMMUNICATION_ERROR;
        }
        receiver.setTransportState(ZigBeeTransportState.INITIALISING);
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeStatus startup(boolean reinitialize) {
        formed |= reinitialize;
        receiver.setTransportState(ZigBeeTransportState.ONLINE);
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public void shutdown() {
        air.shutdownNow();
    }

    @Override
    public String getVersionString() {
        return "fake-coordinator";
    }

    @Override
    public IeeeAddress getIeeeAddress() {
        return COORDINATOR;
    }

    @Override
    public Integer getNwkAddress() {
        return 0;
    }

    @Override
    public void sendCommand(int msgTag, ZigBeeApsFrame frame) {
        sent.add(frame);
        air.execute(() -> receiver.receiveCommandState(msgTag, ZigBeeTransportProgressState.TX_ACK));
        Runnable reply = () -> {
            try {
                for (ZigBeeApsFrame answer : answer(frame)) {
                    receiver.receiveCommand(answer);
                }
            } catch (RuntimeException e) {
                // a fake device that cannot answer is a broken test, not a radio fault: say so loudly
                new AssertionError("fake device cannot answer " + frame, e).printStackTrace();
            }
            receiver.receiveCommandState(msgTag, ZigBeeTransportProgressState.RX_ACK);
        };
        synchronized (this) {
            List<Runnable> sleeping = asleep.get(frame.getDestinationAddress());
            if (sleeping != null) {
                sleeping.add(reply);
            } else if (holding) {
                heldAnswers.add(reply);
            } else {
                answerLater(reply);
            }
        }
    }

    private void answerLater(Runnable reply) {
        try {
            air.schedule(reply, ANSWER_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the dongle was shut down: nothing more comes over the air
        }
    }

    private List<ZigBeeApsFrame> answer(ZigBeeApsFrame frame) {
        if (frame.getDestinationAddress() == 0 && frame.getProfile() == Frames.PROFILE_ZDO && frame.getCluster() == 0x0001) {
            // the coordinator asked about itself (network discovery starts at the root): no children
            return List.of(Frames.zdo(0, new IeeeAddressResponse(ZdoStatus.SUCCESS, COORDINATOR, 0, 0, List.of()), frame.getPayload()[0]));
        }
        FakeDevice device = devices.get(frame.getDestinationAddress());
        return device == null ? List.of() : device.answer(frame);
    }

    @Override
    public void setZigBeeTransportReceive(ZigBeeTransportReceive receiver) {
        this.receiver = receiver;
    }

    @Override
    public ZigBeeChannel getZigBeeChannel() {
        return channel;
    }

    @Override
    public ZigBeeStatus setZigBeeChannel(ZigBeeChannel channel) {
        this.channel = channel;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public int getZigBeePanId() {
        return panId;
    }

    @Override
    public ZigBeeStatus setZigBeePanId(int panId) {
        this.panId = panId;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ExtendedPanId getZigBeeExtendedPanId() {
        return extendedPanId;
    }

    @Override
    public ZigBeeStatus setZigBeeExtendedPanId(ExtendedPanId panId) {
        this.extendedPanId = panId;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeStatus setZigBeeNetworkKey(ZigBeeKey key) {
        this.networkKey = key;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeKey getZigBeeNetworkKey() {
        return networkKey;
    }

    @Override
    public ZigBeeStatus setTcLinkKey(ZigBeeKey key) {
        this.linkKey = key;
        return ZigBeeStatus.SUCCESS;
    }

    @Override
    public ZigBeeKey getTcLinkKey() {
        return linkKey;
    }

    @Override
    public void updateTransportConfig(TransportConfig configuration) {
    }
}
