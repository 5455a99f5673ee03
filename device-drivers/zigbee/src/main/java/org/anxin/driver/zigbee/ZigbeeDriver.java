package org.anxin.driver.zigbee;

import org.anxin.driver.api.Backoff;
import org.anxin.driver.api.DeviceHealthReporter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.ReadingSink;
import org.anxin.driver.api.PairedDevice;
import org.anxin.driver.api.PairingService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.zsmartsystems.zigbee.dongle.cc2531.ZigBeeDongleTiCc2531;
import com.zsmartsystems.zigbee.dongle.ember.ZigBeeDongleEzsp;
import com.zsmartsystems.zigbee.transport.ZigBeeTransportTransmit;

/**
 * One Zigbee network per configuration (one dongle). A dongle that is missing, unplugged or does
 * not answer is a health fault of the network and a retry, doubling from 5 s up to 5 minutes;
 * the component stays active and the gateway keeps running. The first start on a network
 * directory forms a new network; later starts take up the network the dongle keeps.
 */
// immediate: the network must run whether or not anyone uses the pairing service
@Component(configurationPid = ZigbeeDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = PairingService.class,
        immediate = true)
@Designate(ocd = ZigbeeDriverConfig.class, factory = true)
public class ZigbeeDriver implements PairingService {

    public static final String PID = "org.anxin.driver.zigbee";
    public static final String DATA_DIR_PROPERTY = "anxin.data";
    static final String FORMED_FILE = "network.txt";
    private static final Logger LOG = LoggerFactory.getLogger(ZigbeeDriver.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    private final ZigbeeOptions options;
    private final ReadingSink sink;
    private final Clock clock;
    private final Function<ZigbeeOptions, ZigBeeTransportTransmit> dongles;
    private final DeviceHealthReporter health = new DeviceHealthReporter();
    private final ZigbeeCounters counters = new ZigbeeCounters();
    private final FileNetworkDataStore store;
    private final ScheduledExecutorService worker;
    private final String name;
    private volatile ZigbeeNetwork network;
    private final Backoff.Schedule retry = Backoff.doubling(FIRST_RETRY, LONGEST_RETRY).schedule();
    private boolean faulty;
    private volatile boolean closed;

    @Activate
    public ZigbeeDriver(@Reference ReadingSink sink, Map<String, Object> properties, BundleContext context) {
        this(sink, ZigbeeOptions.fromLeniently(properties, Path.of(Optional.ofNullable(context.getProperty(DATA_DIR_PROPERTY)).orElse("data"))),
                Clock.systemUTC(), ZigbeeDriver::openDongle);
    }

    ZigbeeDriver(ReadingSink sink, ZigbeeOptions options, Clock clock, Function<ZigbeeOptions, ZigBeeTransportTransmit> dongles) {
        this.options = options;
        this.sink = sink;
        this.clock = clock;
        this.dongles = dongles;
        this.store = new FileNetworkDataStore(options.networkDir());
        this.name = "zigbee-" + Path.of(options.port()).getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "anxin-" + name);
            t.setDaemon(true);
            return t;
        });
        worker.execute(this::tryStart);
    }

    static ZigBeeTransportTransmit openDongle(ZigbeeOptions options) {
        JSerialCommPort port = new JSerialCommPort(options.port(), options.baud(), options.flowControl());
        return switch (options.dongle()) {
            case EZSP -> new ZigBeeDongleEzsp(port);
            case ZNP -> new ZigBeeDongleTiCc2531(port);
        };
    }

    private void tryStart() {
        if (closed) {
            return;
        }
        ZigbeeNetwork candidate = null;
        try {
            Path formed = options.networkDir().resolve(FORMED_FILE);
            boolean form = !Files.exists(formed);
            Optional<NetworkParameters> parameters = form ? Optional.of(NetworkParameters.random(options.channel())) : Optional.empty();
            candidate = new ZigbeeNetwork(dongles.apply(options), store, options::role, sink, health, clock, PID, this::offline, counters);
            candidate.start(parameters);
            if (form) {
                Files.writeString(formed, parameters.get() + System.lineSeparator(), StandardCharsets.UTF_8);
            }
            network = candidate;
            retry.reset();
            if (faulty) {
                faulty = false;
                health.report(new DeviceHealth(name, PID, Optional.of(clock.instant()), java.util.OptionalInt.empty(), Optional.empty(),
                        clock.instant()));
            }
        } catch (RuntimeException | IOException | LinkageError e) {
            if (candidate != null) {
                candidate.close();
            }
            retryLater("Zigbee dongle on " + options.port() + " (" + options.dongle().name().toLowerCase() + "): " + e.getMessage());
        }
    }

    /** The dongle went away after the network was up: take the network down and start again later. */
    private void offline(String reason) {
        if (closed) {
            return;
        }
        worker.execute(() -> {
            ZigbeeNetwork running = network;
            network = null;
            if (running != null) {
                running.close();
            }
            retryLater(reason + " on " + options.port());
        });
    }

    private void retryLater(String what) {
        if (closed) {
            return;
        }
        Duration delay = retry.next();
        faulty = true;
        health.report(DeviceHealth.faulty(name, PID, Optional.empty(), what + "; retrying in " + delay.toSeconds() + " s", clock.instant()));
        worker.schedule(this::tryStart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private PairingService running() {
        ZigbeeNetwork n = network;
        if (n == null) {
            throw new IllegalStateException("the Zigbee network on " + options.port() + " is not up");
        }
        return n;
    }

    @Override
    public void permitJoin(int seconds) {
        running().permitJoin(seconds);
    }

    @Override
    public boolean remove(String device) {
        return running().remove(device);
    }

    @Override
    public List<PairedDevice> devices() {
        ZigbeeNetwork n = network;
        return n == null ? List.of() : n.devices();
    }

    /** The network, once it is up. */
    Optional<ZigbeeNetwork> network() {
        return Optional.ofNullable(network);
    }

    ZigbeeCounters counters() {
        return counters;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHealthListener(DeviceHealthListener listener) {
        health.add(listener);
    }

    void removeHealthListener(DeviceHealthListener listener) {
        health.remove(listener);
    }

    @Deactivate
    void close() {
        closed = true;
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ZigbeeNetwork running = network;
        network = null;
        if (running != null) {
            running.close();
            LOG.info("Zigbee network on {} stopped ({})", options.port(), counters);
        }
    }
}
