package org.anxin.driver.zigbee;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthReporter;
import org.anxin.driver.api.ReadingSink;
import org.anxin.driver.api.PairedDevice;
import org.anxin.driver.api.PairingService;
import org.anxin.driver.zigbee.converter.IasZoneConverter;
import org.anxin.driver.zigbee.converter.ZclConverter;
import org.anxin.driver.zigbee.converter.ZclConverters;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeCommand;
import com.zsmartsystems.zigbee.ZigBeeCommandListener;
import com.zsmartsystems.zigbee.ZigBeeEndpoint;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNetworkState;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.app.discovery.ZigBeeDiscoveryExtension;
import com.zsmartsystems.zigbee.app.iasclient.ZclIasZoneClient;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrameFragment;
import com.zsmartsystems.zigbee.database.ZigBeeNetworkDataStore;
import com.zsmartsystems.zigbee.serialization.DefaultDeserializer;
import com.zsmartsystems.zigbee.serialization.DefaultSerializer;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclAttributeNormalizer;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclCommand;
import com.zsmartsystems.zigbee.zcl.ZclFieldDeserializer;
import com.zsmartsystems.zigbee.zcl.ZclFrameType;
import com.zsmartsystems.zigbee.zcl.ZclHeader;
import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReadAttributesResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.ReportAttributesCommand;
import com.zsmartsystems.zigbee.zcl.field.AttributeReport;
import com.zsmartsystems.zigbee.zcl.field.ReadAttributeStatusRecord;
import com.zsmartsystems.zigbee.zcl.protocol.ZclCommandDirection;
import com.zsmartsystems.zigbee.zcl.protocol.ZclDataType;
import com.zsmartsystems.zigbee.zcl.clusters.ZclBasicCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclIasZoneCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclMeteringCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclPowerConfigurationCluster;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneStateEnum;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneStatusChangeNotificationCommand;
import com.zsmartsystems.zigbee.zdo.command.NetworkAddressRequest;

/**
 * One Zigbee network on one coordinator: the library's network manager on a dongle (or, in tests,
 * a fake transport), with the gateway's side of it. Each device found gets one converter per
 * cluster it has that the gateway reads (a server cluster's reports, or a client cluster's
 * commands: a remote's buttons); IAS zone devices are enrolled (the coordinator's address
 * written as their CIE, enrol requests answered); other clusters are bound and asked to report.
 * Each frame heard from a device is its check-in (last seen). A device that joins while the gateway
 * runs is announced, in the log and as device health, with its model and the kinds of reading it
 * provides. Plain Java: {@link ZigbeeDriver} runs it in OSGi.
 *
 * <p>What the converters read (attribute reports and read responses, cluster commands such as an
 * IAS zone's status change) is decoded as each frame comes up from the dongle, not taken from the
 * library's listeners: the library hands received frames to its listeners on a thread pool, so an
 * alarm and its clear a few milliseconds apart could reach a converter swapped, leaving the zone in
 * the wrong state. Decoded here, they are converted and delivered one at a time, in the order the
 * dongle received them.
 *
 * <p>Each device is watched until it is set up: found out (its endpoints known), its clusters set
 * up and, for an alarm zone, its zone type said and its enrolment confirmed. The library keeps at
 * most five requests out at a time, and a device whose first request was queued while five were
 * out is not sent anything until a new request to that same device is queued
 * (ZigBeeTransactionManager.sendNextTransaction): when many devices join at once, some would wait
 * for ever. So a device being set up that answers nothing for {@link #SET_UP_SILENCE} (its own
 * reports do not count) is nudged with a request of its own, which gets its waiting ones sent too;
 * after {@link #SET_UP_NUDGES} nudges in one step of its set-up it is given up on and reported as
 * a device fault.
 */
public final class ZigbeeNetwork implements PairingService, AutoCloseable {

    public static final String DEVICE_PREFIX = "zb-";
    private static final Logger LOG = LoggerFactory.getLogger(ZigbeeNetwork.class);
    private static final int LOCAL_ENDPOINT = 1;
    private static final int BROADCAST_ENDPOINT = 0xFF;
    private static final long MODEL_READ_MAX_AGE = Long.MAX_VALUE;
    private static final long SCALE_READ_SECONDS = 30;
    /** How long a device being set up may answer nothing before it is nudged; the library times a request out after 8 s. */
    static final Duration SET_UP_SILENCE = Duration.ofSeconds(15);
    /** Nudges in one step of a device's set-up before it is reported as not set up. */
    static final int SET_UP_NUDGES = 5;
    /** The library's zone client answers a zone's enrolment unasked 2 s after setting it up; its state is read once that is out. */
    private static final long ENROLMENT_CHECK_DELAY_MILLIS = 3000;
    private static final long WATCH_PERIOD_MILLIS = 1000;

    private final GuardedTransport transport;
    private final ZigBeeNetworkDataStore store;
    private final Function<String, Optional<ReadingKind>> roles;
    private final ReadingSink sink;
    private final DeviceHealthReporter health;
    private final Clock clock;
    private final String driverPid;
    private final Consumer<String> onOffline;
    private final ZigbeeCounters counters;
    private final ExecutorService worker;
    private final ExecutorService setup;
    /** Converts and delivers readings, one at a time, in the order their frames arrived. */
    private final ExecutorService readings;
    /** Watches the devices being set up, and nudges them. */
    private final ScheduledExecutorService watch;
    private final ApsDuplicates duplicates;
    private final Map<IeeeAddress, DeviceState> devices = new ConcurrentHashMap<>();
    private final Set<IeeeAddress> knownAtStart = new HashSet<>();
    private final Set<Integer> zoneIds = ConcurrentHashMap.newKeySet();
    /** Devices asked to leave and not yet gone: what the library still tells of them does not bring them back. */
    private final Set<IeeeAddress> leaving = ConcurrentHashMap.newKeySet();
    private volatile ZigBeeNetworkManager manager;
    private volatile boolean closed;
    /** Counted down once the library has started its extensions and told its listeners the network is up. */
    private final CountDownLatch online = new CountDownLatch(1);
    private static final long ONLINE_WAIT_SECONDS = 30;

    /** Where a device is in being set up, and what the log says while it waits there, once it is given up on, and what to do. */
    private enum SetUpStep {
        DISCOVERY("has not yet said what it is", "joined but never said what it is", SetUpStep.PAIR_AGAIN),
        SET_UP("has not yet taken its settings", "was found but never took its settings", SetUpStep.PAIR_AGAIN),
        /** Without its zone type an alarm zone's alarm cannot be told apart (smoke? a call?) and is held. */
        ZONE_TYPE("has not yet said what kind of alarm zone it is", "never said what kind of alarm zone it is",
                "give it its role in the 'roles' setting (smoke, gas, leak, call, door, entry_door, motion), or remove it and pair it again"),
        ENROLMENT("has not yet confirmed its enrolment as an alarm zone", "never confirmed its enrolment as an alarm zone", SetUpStep.PAIR_AGAIN),
        DONE("", "", "");

        private static final String PAIR_AGAIN = "remove it and pair it again";

        final String waiting;
        final String stalled;
        final String remedy;

        SetUpStep(String waiting, String stalled, String remedy) {
            this.waiting = waiting;
            this.stalled = stalled;
            this.remedy = remedy;
        }
    }

    /** What the gateway keeps of one device; guarded by itself. */
    private final class DeviceState {
        final IeeeAddress ieee;
        final String device;
        final Map<Long, Attached> converters = new ConcurrentHashMap<>();
        volatile String manufacturer = "";
        volatile String model = "";
        volatile Instant lastSeen;
        volatile Integer batteryPercent;
        boolean announced;
        boolean enrolling;
        /** Its endpoints are known and its converters attached. */
        volatile boolean discovered;
        /** Set-ups under way: a node updated while it is set up starts another. */
        final AtomicInteger settingUp = new AtomicInteger();
        /** When it last answered, was nudged or took a step of its set-up, by the network's clock. */
        volatile Instant progressAt;
        SetUpStep watchedStep = SetUpStep.DISCOVERY;
        int nudges;
        /** Why it is not set up, once given up on; kept in its health until it is. */
        volatile String fault;

        DeviceState(IeeeAddress ieee) {
            this.ieee = ieee;
            this.device = deviceId(ieee);
            this.progressAt = clock.instant();
        }

        SetUpStep step() {
            if (!discovered) {
                return SetUpStep.DISCOVERY;
            }
            synchronized (this) {
                if (settingUp.get() > 0 || !announced) {
                    return SetUpStep.SET_UP;
                }
            }
            if (!zonesWithoutType().isEmpty()) {
                return SetUpStep.ZONE_TYPE;
            }
            return unenrolledZones().isEmpty() ? SetUpStep.DONE : SetUpStep.ENROLMENT;
        }

        List<IasZoneConverter> zonesWithoutType() {
            return zones(zone -> !zoneTypeKnown(zone));
        }

        List<IasZoneConverter> unenrolledZones() {
            return zones(zone -> !enrolled(zone));
        }

        List<IasZoneConverter> zones(Predicate<IasZoneConverter> which) {
            List<IasZoneConverter> zones = new ArrayList<>();
            for (Attached a : converters.values()) {
                if (a.converter() instanceof IasZoneConverter zone && which.test(zone)) {
                    zones.add(zone);
                }
            }
            return zones;
        }

        Set<ReadingKind> kinds() {
            Set<ReadingKind> kinds = new LinkedHashSet<>();
            converters.values().stream().sorted(Comparator.comparingLong(a -> a.key)).forEach(a -> kinds.addAll(a.converter.kinds()));
            return kinds;
        }
    }

    private record Attached(long key, ZclConverter converter) {
    }

    /** An attribute value as a frame carried it, for a converter. */
    private record AttributeValue(ZclAttribute attribute, Object value) {
    }

    /**
     * @param transport the dongle (or a fake one)
     * @param roles the configured role of a device, by its IEEE address
     * @param onOffline told, with the reason, when the dongle goes away after the network was up
     */
    public ZigbeeNetwork(ZigBeeTransportTransmit transport, ZigBeeNetworkDataStore store, Function<String, Optional<ReadingKind>> roles,
                         ReadingSink sink, Clock clock, String driverPid, Consumer<String> onOffline) {
        this(transport, store, roles, sink, new DeviceHealthReporter(), clock, driverPid, onOffline, new ZigbeeCounters());
    }

    ZigbeeNetwork(ZigBeeTransportTransmit transport, ZigBeeNetworkDataStore store, Function<String, Optional<ReadingKind>> roles,
                  ReadingSink sink, DeviceHealthReporter health, Clock clock, String driverPid, Consumer<String> onOffline,
                  ZigbeeCounters counters) {
        this.counters = counters;
        this.transport = new GuardedTransport(transport, counters, this::arrived);
        this.duplicates = new ApsDuplicates(clock);
        this.store = store;
        this.roles = roles;
        this.sink = sink;
        this.health = health;
        this.clock = clock;
        this.driverPid = driverPid;
        this.onOffline = onOffline;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "anxin-zigbee-devices");
            t.setDaemon(true);
            return t;
        });
        this.setup = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "anxin-zigbee-setup");
            t.setDaemon(true);
            return t;
        });
        this.readings = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "anxin-zigbee-readings");
            t.setDaemon(true);
            return t;
        });
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "anxin-zigbee-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The id a device has in readings. */
    public static String deviceId(IeeeAddress ieee) {
        return DEVICE_PREFIX + ieee.toString().toLowerCase(Locale.ROOT);
    }

    public ZigbeeCounters counters() {
        return counters;
    }

    /**
     * Brings the network up: the devices kept in the store come back without pairing again.
     *
     * @param form network parameters for a dongle that has no network yet; empty to use the
     *     network the dongle has
     * @throws IllegalStateException if the dongle does not start
     */
    public void start(Optional<NetworkParameters> form) {
        knownAtStart.addAll(store.readNetworkNodes());
        ZigBeeNetworkManager m = new ZigBeeNetworkManager(transport);
        manager = m;
        m.setNetworkDataStore(store);
        m.setSerializer(DefaultSerializer.class, DefaultDeserializer.class);
        m.addNetworkNodeListener(nodeListener);
        m.addCommandListener(checkIns);
        m.addNetworkStateListener(this::networkStateUpdated);
        ZigBeeStatus status = m.initialize();
        if (status != ZigBeeStatus.SUCCESS) {
            throw new IllegalStateException("the Zigbee dongle did not initialise (" + status + ")");
        }
        // the library takes extensions and clusters only once initialised, before startup
        m.addExtension(new ZigBeeDiscoveryExtension());
        m.addSupportedClientCluster(ZclBasicCluster.CLUSTER_ID);
        ZclConverters.CLIENT_CLUSTERS.forEach(m::addSupportedClientCluster);
        ZclConverters.SERVER_CLUSTERS.forEach(m::addSupportedServerCluster);
        form.ifPresent(p -> {
            m.setZigBeeChannel(p.channel());
            m.setZigBeePanId(p.panId());
            m.setZigBeeExtendedPanId(p.extendedPanId());
            m.setZigBeeNetworkKey(p.networkKey());
            m.setZigBeeLinkKey(NetworkParameters.ZIGBEE_ALLIANCE_09);
            LOG.info("forming a new Zigbee network: channel {}, PAN {}, extended PAN {}", p.channel(), String.format("%04X", p.panId()),
                    p.extendedPanId());
        });
        status = m.startup(form.isPresent());
        if (status != ZigBeeStatus.SUCCESS) {
            throw new IllegalStateException("the Zigbee network did not start (" + status + ")");
        }
        try {
            if (!online.await(ONLINE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Zigbee network did not come online within " + ONLINE_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the Zigbee network started");
        }
        LOG.info("Zigbee network up on {}: channel {}, PAN {}, {} devices kept", m.getTransportVersionString(), m.getZigBeeChannel(),
                String.format("%04X", m.getZigBeePanId()), knownAtStart.size());
        watch.scheduleWithFixedDelay(this::watchSetUps, WATCH_PERIOD_MILLIS, WATCH_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    public boolean online() {
        ZigBeeNetworkManager m = manager;
        return m != null && m.getNetworkState() == ZigBeeNetworkState.ONLINE;
    }

    @Override
    public void permitJoin(int seconds) {
        if (seconds < 0 || seconds > MAX_PERMIT_JOIN_SECONDS) {
            throw new IllegalArgumentException("permit join takes 0 to " + MAX_PERMIT_JOIN_SECONDS + " seconds, got " + seconds);
        }
        ZigBeeNetworkManager m = requireOnline();
        ZigBeeStatus status = m.permitJoin(seconds);
        if (status != ZigBeeStatus.SUCCESS) {
            throw new IllegalStateException("the coordinator refused to permit joining (" + status + ")");
        }
        LOG.info(seconds == 0 ? "Zigbee network closed for joining" : "Zigbee network open for joining for {} s", seconds);
    }

    @Override
    public boolean remove(String device) {
        ZigBeeNetworkManager m = requireOnline();
        Optional<DeviceState> state = devices.values().stream().filter(d -> d.device.equals(device)).findFirst();
        if (state.isEmpty()) {
            return false;
        }
        IeeeAddress ieee = state.get().ieee;
        ZigBeeNode node = m.getNode(ieee);
        if (node == null) {
            detach(ieee);
            return false;
        }
        LOG.info("removing Zigbee device {} from the network", device);
        leaving.add(ieee);
        // the library sends the leave on its own thread and then removes the node (forced, should
        // the device not answer); removing it here too could drop the node's queue before the
        // request went out, leaving the device joined
        m.leave(node.getNetworkAddress(), ieee, true);
        detach(ieee);
        return true;
    }

    @Override
    public List<PairedDevice> devices() {
        List<PairedDevice> list = new ArrayList<>();
        for (DeviceState d : devices.values()) {
            list.add(new PairedDevice(d.device, d.ieee.toString(), d.manufacturer, d.model, d.kinds(), Optional.ofNullable(d.lastSeen)));
        }
        list.sort(Comparator.comparing(PairedDevice::device));
        return list;
    }

    private ZigBeeNetworkManager requireOnline() {
        ZigBeeNetworkManager m = manager;
        if (closed || m == null || m.getNetworkState() != ZigBeeNetworkState.ONLINE) {
            throw new IllegalStateException("the Zigbee network is not up");
        }
        return m;
    }

    private final ZigBeeNetworkNodeListener nodeListener = new ZigBeeNetworkNodeListener() {
        @Override
        public void nodeAdded(ZigBeeNode node) {
            attachLater(node);
        }

        @Override
        public void nodeUpdated(ZigBeeNode node) {
            attachLater(node);
        }

        @Override
        public void nodeRemoved(ZigBeeNode node) {
            detach(node.getIeeeAddress());
            leaving.remove(node.getIeeeAddress());
        }
    };

    private final ZigBeeCommandListener checkIns = this::checkIn;

    private void networkStateUpdated(ZigBeeNetworkState state) {
        if (state == ZigBeeNetworkState.ONLINE) {
            online.countDown();
        } else if (state == ZigBeeNetworkState.OFFLINE && online.getCount() == 0 && !closed) {
            // only a network that was up can go away; a failed start is the caller's to handle
            onOffline.accept("the Zigbee dongle went offline");
        }
    }

    private void attachLater(ZigBeeNode node) {
        if (closed) {
            return;
        }
        try {
            worker.execute(() -> attach(node));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void attach(ZigBeeNode node) {
        ZigBeeNetworkManager m = manager;
        // a node removed while this waited its turn is not attached again
        if (m == null || closed || node.getIeeeAddress().equals(m.getLocalIeeeAddress()) || m.getNode(node.getIeeeAddress()) == null
                || leaving.contains(node.getIeeeAddress())) {
            return;
        }
        DeviceState state = devices.computeIfAbsent(node.getIeeeAddress(), DeviceState::new);
        if (node.getEndpoints().isEmpty()) {
            // announced, not yet discovered: listed (an installer sees it joined) and watched until its endpoints are known
            return;
        }
        List<ZclConverter> added = new ArrayList<>();
        Optional<ReadingKind> role = roles.apply(node.getIeeeAddress().toString());
        synchronized (state) {
            for (ZigBeeEndpoint endpoint : node.getEndpoints()) {
                for (ZclConverter converter : ZclConverters.forEndpoint(endpoint, state.device, role)) {
                    long key = converterKey(endpoint.getEndpointId(), converter.cluster().getClusterId(), converter.sendsCommands());
                    if (!state.converters.containsKey(key)) {
                        state.converters.put(key, new Attached(key, converter));
                        added.add(converter);
                    }
                }
            }
        }
        state.discovered = true;
        // The converters (above) read the very next frame, so no report is missed; setting a device up talks to
        // it and may wait on a sleepy one for seconds, so it runs apart and never holds up another device.
        state.settingUp.incrementAndGet();
        try {
            setup.execute(() -> {
                try {
                    setUp(m, node, state, added);
                } finally {
                    state.settingUp.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            state.settingUp.decrementAndGet();
        }
    }

    private void setUp(ZigBeeNetworkManager m, ZigBeeNode node, DeviceState state, List<ZclConverter> added) {
        for (ZclConverter converter : added) {
            configure(m, node, state, converter);
        }
        boolean announce;
        synchronized (state) {
            announce = !state.announced && !node.getEndpoints().isEmpty();
            state.announced |= announce;
        }
        if (m.getNode(node.getIeeeAddress()) == null) {
            detach(node.getIeeeAddress());
            return;
        }
        if (announce) {
            readModel(node, state);
            if (knownAtStart.contains(node.getIeeeAddress())) {
                LOG.info("Zigbee device {} ({} {}) back: reads {}", state.device, state.manufacturer, state.model, wireNames(state.kinds()));
            } else {
                LOG.info("Zigbee device {} joined: {} {}, reads {}", state.device, state.manufacturer.isEmpty() ? "unknown maker" : state.manufacturer,
                        state.model.isEmpty() ? "unknown model" : state.model, wireNames(state.kinds()));
                Instant now = clock.instant();
                health.report(new DeviceHealth(state.device, driverPid, Optional.ofNullable(state.lastSeen).or(() -> Optional.of(now)),
                        battery(state), Optional.empty(), now));
            }
        }
        if (!state.unenrolledZones().isEmpty()) {
            try {
                watch.schedule(() -> readZoneStates(state), ENROLMENT_CHECK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    private static boolean enrolled(IasZoneConverter zone) {
        ZclAttribute state = zone.cluster().getAttribute(ZclIasZoneCluster.ATTR_ZONESTATE);
        return state != null && Integer.valueOf(ZoneStateEnum.ENROLLED.getKey()).equals(state.getLastValue());
    }

    /** The answer, read by the library into its copy of the attribute, tells {@link #enrolled} the zone is. */
    private void readZoneStates(DeviceState state) {
        if (closed) {
            return;
        }
        for (IasZoneConverter zone : state.unenrolledZones()) {
            zone.cluster().readAttributes(List.of(ZclIasZoneCluster.ATTR_ZONESTATE));
        }
    }

    private void watchSetUps() {
        ZigBeeNetworkManager m = manager;
        if (m == null || closed) {
            return;
        }
        for (DeviceState state : devices.values()) {
            try {
                watchSetUp(m, state);
            } catch (RuntimeException e) {
                // one device's trouble must not end the watch over the others
                LOG.warn("Zigbee device {}: its set-up could not be checked: {}", state.device, e.toString());
            }
        }
    }

    private void watchSetUp(ZigBeeNetworkManager m, DeviceState state) {
        SetUpStep step = state.step();
        Instant now = clock.instant();
        boolean stepTaken;
        boolean setUpAfterAll = false;
        boolean givenUp = false;
        boolean nudge = false;
        synchronized (state) {
            stepTaken = step != state.watchedStep;
            if (stepTaken) {
                // a step taken is progress: the next one has its own nudges
                state.watchedStep = step;
                state.nudges = 0;
                state.progressAt = now;
                setUpAfterAll = step == SetUpStep.DONE && state.fault != null;
                if (setUpAfterAll) {
                    state.fault = null;
                }
            } else if (step == SetUpStep.DONE || state.fault != null
                    || Duration.between(state.progressAt, now).compareTo(SET_UP_SILENCE) < 0) {
                return;
            } else if (state.nudges == SET_UP_NUDGES) {
                state.fault = "not set up: it " + step.stalled + " (asked " + SET_UP_NUDGES + " times); " + step.remedy;
                givenUp = true;
            } else {
                state.nudges++;
                state.progressAt = now;
                nudge = true;
            }
        }
        if (stepTaken) {
            releaseHeldAlarms(state);
        }
        if (setUpAfterAll) {
            LOG.info("Zigbee device {} is set up after all", state.device);
            reportHealth(state, now);
        } else if (givenUp) {
            counters.notSetUp.incrementAndGet();
            // a zone that answers all but its zone type is in range; one that went silent may not be
            String check = step == SetUpStep.ZONE_TYPE ? ""
                    : "check that it is in range of the gateway or of a mains-powered Zigbee device and that its battery is good, then ";
            LOG.error("Zigbee device {} {}, though asked {} times, {} s apart: it is not set up and may send no readings; {}{}",
                    state.device, step.stalled, SET_UP_NUDGES, SET_UP_SILENCE.toSeconds(), check, step.remedy);
            reportHealth(state, now);
        } else if (nudge) {
            nudge(m, state, step);
        }
    }

    /**
     * A new request to a device gets the library to send it what it has waiting: its answer does
     * not matter. A zone waiting for enrolment is asked its state, which also tells when it is.
     */
    private void nudge(ZigBeeNetworkManager m, DeviceState state, SetUpStep step) {
        ZigBeeNode node = m.getNode(state.ieee);
        if (node == null) {
            return;
        }
        counters.setUpRetries.incrementAndGet();
        LOG.info("Zigbee device {} {} and answered nothing for {} s: nudged ({} of {})", state.device, step.waiting,
                SET_UP_SILENCE.toSeconds(), state.nudges, SET_UP_NUDGES);
        if (step == SetUpStep.ZONE_TYPE) {
            readZoneTypes(state);
            return;
        }
        if (step == SetUpStep.ENROLMENT) {
            readZoneStates(state);
            return;
        }
        NetworkAddressRequest request = new NetworkAddressRequest(state.ieee, 0, 0);
        request.setDestinationAddress(new ZigBeeEndpointAddress(node.getNetworkAddress()));
        m.sendTransaction(request, request);
    }

    private static boolean zoneTypeKnown(IasZoneConverter zone) {
        synchronized (zone) {
            return zone.knowsZoneType();
        }
    }

    /** The answer reaches the converters as every frame does, through {@link #arrived}, and releases a held alarm. */
    private void readZoneTypes(DeviceState state) {
        if (closed) {
            return;
        }
        for (IasZoneConverter zone : state.zonesWithoutType()) {
            zone.cluster().readAttributes(List.of(ZclIasZoneCluster.ATTR_ZONETYPE));
        }
    }

    /** A zone type the library heard in a frame that did not reach a converter still lets a held alarm out. */
    private void releaseHeldAlarms(DeviceState state) {
        for (IasZoneConverter zone : state.zones(any -> true)) {
            try {
                readings.execute(() -> deliver(state, zone, c -> zone.releaseHeldAlarm()));
            } catch (RejectedExecutionException e) {
                return; // closing
            }
        }
    }

    private static List<String> wireNames(Set<ReadingKind> kinds) {
        return kinds.stream().map(ReadingKind::wireName).toList();
    }

    /** A device's On/Off server (a plug's relay) and its On/Off client (a remote's button) are two converters. */
    private static long converterKey(int endpoint, int cluster, boolean client) {
        return ((long) endpoint << 16) | cluster | (client ? 1L << 32 : 0);
    }

    /**
     * Runs on the dongle's receive thread for every readable ZCL frame, in the order the dongle
     * received them: decodes what a converter of the sending device reads, with the library's own
     * decoder, and queues its conversion. The library still gets every frame (it answers, completes
     * its transactions, keeps its attribute values); only the converters no longer hear from it.
     *
     * @throws RuntimeException if the frame cannot be decoded (the transport counts it malformed)
     */
    private void arrived(ZigBeeApsFrame frame) {
        ZigBeeNetworkManager m = manager;
        if (m == null || closed || frame instanceof ZigBeeApsFrameFragment || duplicates.isDuplicate(frame)) {
            return;
        }
        if (frame.getDestinationEndpoint() != LOCAL_ENDPOINT && frame.getDestinationEndpoint() != BROADCAST_ENDPOINT) {
            return;
        }
        ZigBeeNode node = m.getNode(frame.getSourceAddress());
        DeviceState state = node == null ? null : devices.get(node.getIeeeAddress());
        if (state == null || !state.converters.containsKey(converterKey(frame.getSourceEndpoint(), frame.getCluster(), false))
                && !state.converters.containsKey(converterKey(frame.getSourceEndpoint(), frame.getCluster(), true))) {
            return;
        }
        Instant time = clock.instant();
        ZclFieldDeserializer in = new ZclFieldDeserializer(new DefaultDeserializer(frame.getPayload()));
        ZclHeader header = new ZclHeader(in);
        // what a client cluster sends (a button's command) goes to the server: the converter of the device's client side
        boolean fromClient = header.getDirection() == ZclCommandDirection.CLIENT_TO_SERVER;
        Attached attached = state.converters.get(converterKey(frame.getSourceEndpoint(), frame.getCluster(), fromClient));
        if (attached == null) {
            return;
        }
        ZclCluster cluster = attached.converter().cluster();
        ZclCommand command = fromClient ? cluster.getCommandFromId(header.getFrameType(), header.getCommandId())
                : cluster.getResponseFromId(header.getFrameType(), header.getCommandId());
        if (command == null) {
            return;
        }
        command.deserialize(in);
        Function<ZclConverter, List<Reading>> convert;
        if (command instanceof ReportAttributesCommand report) {
            List<AttributeValue> values = new ArrayList<>();
            for (AttributeReport r : report.getReports() == null ? List.<AttributeReport>of() : report.getReports()) {
                attributeValue(cluster, r.getAttributeIdentifier(), r.getAttributeValue()).ifPresent(values::add);
            }
            convert = c -> attributesUpdated(c, values, time);
        } else if (command instanceof ReadAttributesResponse response) {
            List<AttributeValue> values = new ArrayList<>();
            for (ReadAttributeStatusRecord r : response.getRecords() == null ? List.<ReadAttributeStatusRecord>of() : response.getRecords()) {
                if (r.getStatus() == ZclStatus.SUCCESS) {
                    attributeValue(cluster, r.getAttributeIdentifier(), r.getAttributeValue()).ifPresent(values::add);
                }
            }
            convert = c -> attributesUpdated(c, values, time);
        } else if (header.getFrameType() == ZclFrameType.CLUSTER_SPECIFIC_COMMAND) {
            convert = c -> c.commandReceived(command, time);
        } else {
            return;
        }
        try {
            readings.execute(() -> deliver(state, attached.converter(), convert));
        } catch (RejectedExecutionException e) {
            LOG.warn("Zigbee device {}: a report arrived while the network closed and is not read", state.device);
        }
    }

    /**
     * The value as the library keeps it. It is kept at once (the library does so too, later, on its
     * own threads): a meter's multiplier and divisor must be known when its summation is converted.
     */
    private static Optional<AttributeValue> attributeValue(ZclCluster cluster, int id, Object raw) {
        ZclAttribute attribute = cluster.getAttribute(id);
        if (attribute == null || raw == null) {
            return Optional.empty();
        }
        Object value = NORMALIZER.normalize(attribute.getDataType(), raw);
        attribute.updateValue(value);
        return Optional.of(new AttributeValue(attribute, value));
    }

    private static List<Reading> attributesUpdated(ZclConverter converter, List<AttributeValue> values, Instant time) {
        List<Reading> all = new ArrayList<>();
        for (AttributeValue v : values) {
            all.addAll(converter.attributeUpdated(v.attribute(), v.value(), time));
        }
        return all;
    }

    /** The library's own normalising of reported values (a boolean sent as a number, say), which it keeps protected. */
    private static final class Normalizer extends ZclAttributeNormalizer {
        Object normalize(ZclDataType type, Object value) {
            return normalizeZclData(type, value);
        }
    }

    private static final Normalizer NORMALIZER = new Normalizer();

    /**
     * IAS zones are enrolled: the library's zone client writes our address as the CIE and answers
     * the enrol request. Other clusters are bound to the coordinator and asked to report, and
     * their current values read, which gives the first readings (and a meter's baseline).
     */
    private void configure(ZigBeeNetworkManager m, ZigBeeNode node, DeviceState state, ZclConverter converter) {
        ZclCluster cluster = converter.cluster();
        try {
            if (converter instanceof IasZoneConverter) {
                ZigBeeEndpoint endpoint = node.getEndpoint(cluster.getZigBeeAddress().getEndpoint());
                if (endpoint != null && endpoint.getApplication(ZclIasZoneCluster.CLUSTER_ID) == null) {
                    int zoneId = nextZoneId();
                    LOG.info("enrolling Zigbee zone {} as zone {}", state.device, zoneId);
                    endpoint.addApplication(new ZclIasZoneClient(m, m.getLocalIeeeAddress(), zoneId));
                }
                cluster.readAttributes(converter.reportedAttributes());
                return;
            }
            if (!converter.scaleAttributes().isEmpty()) {
                try {
                    cluster.readAttributes(converter.scaleAttributes()).get(SCALE_READ_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warn("Zigbee device {}: cluster {} did not say its scale; its values are read unscaled until it does",
                            state.device, String.format("%04X", cluster.getClusterId()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            cluster.bind(m.getLocalIeeeAddress(), LOCAL_ENDPOINT);
            for (int id : converter.reportedAttributes()) {
                ZclAttribute attribute = cluster.getAttribute(id);
                if (attribute == null) {
                    continue;
                }
                switch (cluster.getClusterId()) {
                    case ZclPowerConfigurationCluster.CLUSTER_ID -> attribute.setReporting(3600, 21600, 2);
                    case ZclMeteringCluster.CLUSTER_ID -> attribute.setReporting(60, 3600, 1L);
                    case 0x0B04 -> attribute.setReporting(5, 600, 5);
                    default -> attribute.setReporting(1, 900);
                }
            }
            if (!converter.reportedAttributes().isEmpty()) {
                cluster.readAttributes(converter.reportedAttributes());
            }
        } catch (RuntimeException e) {
            LOG.warn("Zigbee device {}: cannot set up cluster {}: {}", state.device, String.format("%04X", cluster.getClusterId()), e.toString());
        }
    }

    private int nextZoneId() {
        for (int id = 0; id < 0xFF; id++) {
            if (zoneIds.add(id)) {
                return id;
            }
        }
        return 0;
    }

    private void readModel(ZigBeeNode node, DeviceState state) {
        for (ZigBeeEndpoint endpoint : node.getEndpoints()) {
            ZclCluster basic = endpoint.getInputCluster(ZclBasicCluster.CLUSTER_ID);
            if (basic == null) {
                continue;
            }
            try {
                Object manufacturer = basic.getAttribute(ZclBasicCluster.ATTR_MANUFACTURERNAME).readValue(MODEL_READ_MAX_AGE);
                Object model = basic.getAttribute(ZclBasicCluster.ATTR_MODELIDENTIFIER).readValue(MODEL_READ_MAX_AGE);
                state.manufacturer = manufacturer instanceof String s ? s.trim() : "";
                state.model = model instanceof String s ? s.trim() : "";
            } catch (RuntimeException e) {
                LOG.debug("Zigbee device {}: no model: {}", state.device, e.toString());
            }
            return;
        }
    }

    private void deliver(DeviceState state, ZclConverter converter, Function<ZclConverter, List<Reading>> convert) {
        List<Reading> readings;
        boolean newlyHeld;
        try {
            synchronized (converter) {
                boolean heldBefore = converter instanceof IasZoneConverter zone && zone.holdsAlarm();
                readings = convert.apply(converter);
                newlyHeld = !heldBefore && converter instanceof IasZoneConverter zone && zone.holdsAlarm();
            }
        } catch (RuntimeException e) {
            counters.malformed.incrementAndGet();
            LOG.warn("Zigbee device {}: a report could not be read: {}", state.device, e.toString());
            return;
        }
        if (newlyHeld) {
            counters.heldAlarms.incrementAndGet();
            LOG.warn("Zigbee zone {} raised an alarm before it said its zone type: held until it does, and asked", state.device);
            readZoneTypes(state);
        }
        for (Reading reading : readings) {
            if (reading.kind() == ReadingKind.BATTERY) {
                state.batteryPercent = new java.math.BigDecimal(reading.value()).intValue();
            }
            try {
                sink.accept(reading);
                counters.readings.incrementAndGet();
            } catch (RuntimeException e) {
                counters.unstored.incrementAndGet();
                LOG.error("reading {} {} {} could not be stored: {}", reading.device(), reading.kind().wireName(), reading.value(), e.toString());
            }
        }
    }

    /** Every frame from a device is a check-in: the device is alive. */
    private void checkIn(ZigBeeCommand command) {
        ZigBeeNetworkManager m = manager;
        if (m == null || command.getSourceAddress() == null) {
            return;
        }
        ZigBeeNode node = m.getNode(command.getSourceAddress().getAddress());
        if (node == null || node.getIeeeAddress().equals(m.getLocalIeeeAddress())) {
            return;
        }
        // frames after removal are not check-ins
        DeviceState state = devices.get(node.getIeeeAddress());
        if (state == null) {
            return;
        }
        Instant now = clock.instant();
        state.lastSeen = now;
        if (!unasked(command)) {
            // only an answer shows its set-up moving: a device that keeps reporting may still have its requests stuck
            state.progressAt = now;
        }
        // health hears of a device once its endpoints are known (a joining device is announced soon after), or once given up on
        if (state.discovered || state.fault != null) {
            reportHealth(state, now);
        }
    }

    /** What a device sends of itself, not in answer to a request. */
    private static boolean unasked(ZigBeeCommand command) {
        return command instanceof ReportAttributesCommand || command instanceof ZoneStatusChangeNotificationCommand;
    }

    /** When the device was last heard from, its battery, and why it is not set up, if it is not. */
    private void reportHealth(DeviceState state, Instant now) {
        health.report(new DeviceHealth(state.device, driverPid, Optional.ofNullable(state.lastSeen), battery(state),
                Optional.ofNullable(state.fault), now));
    }

    private static OptionalInt battery(DeviceState state) {
        Integer percent = state.batteryPercent;
        return percent == null ? OptionalInt.empty() : OptionalInt.of(percent);
    }

    private void detach(IeeeAddress ieee) {
        DeviceState state = devices.remove(ieee);
        if (state == null) {
            return;
        }
        LOG.info("Zigbee device {} left the network", state.device);
    }

    /** Stops the network; the devices stay in the store. */
    @Override
    public void close() {
        closed = true;
        watch.shutdownNow();
        worker.shutdownNow();
        setup.shutdownNow();
        ZigBeeNetworkManager m = manager;
        if (m != null) {
            try {
                m.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("Zigbee network did not shut down cleanly: {}", e.toString());
            }
        }
        // what arrived before the dongle stopped is still delivered
        readings.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
            if (!readings.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.error("Zigbee readings not delivered within 5 s of closing: {} dropped", readings.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
