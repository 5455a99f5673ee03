package org.anxin.driver.coap;

import org.anxin.driver.api.Backoff;
import org.anxin.driver.api.DeviceHealthReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
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

/**
 * One CoAP server, per configuration. A port that cannot be bound (taken, an address that went
 * away) is a health fault of the server and retried, doubling from 5 s up to 5 minutes; the
 * component stays active. The key file is read again when it changes. Sessions closed over a
 * device's limit and refused handshakes go into the heartbeat's health, so the bridge sees a
 * cloned key at work even though the defence kept the alarm path whole.
 */
@Component(configurationPid = CoapDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = HealthSource.class,
        immediate = true)
@Designate(ocd = CoapDriverConfig.class, factory = true)
public class CoapDriver implements HealthSource {

    public static final String PID = "org.anxin.driver.coap";
    private static final Logger LOG = LoggerFactory.getLogger(CoapDriver.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LONGEST_RETRY = Duration.ofMinutes(5);
    static final Duration KEY_FILE_CHECK = Duration.ofSeconds(2);
    static final Duration SESSION_SWEEP = Duration.ofMinutes(1);
    /** A refusal is in the health this long after the last one. */
    static final Duration RECENT = Duration.ofMinutes(10);

    private final CoapOptions options;
    private final ReadingSink sink;
    private final Clock clock;
    private final DeviceHealthReporter health = new DeviceHealthReporter();
    private final ScheduledExecutorService worker;
    private final String name;
    private volatile CoapReadingServer server;
    private final Backoff.Schedule retry = Backoff.doubling(FIRST_RETRY, LONGEST_RETRY).schedule();
    private boolean faulty;
    private FileTime keysModified;
    private final RecentIncrease recentOverLimit = new RecentIncrease(RECENT);
    private final RecentIncrease recentRefused = new RecentIncrease(RECENT);

    @Activate
    public CoapDriver(@Reference ReadingSink sink, Map<String, Object> properties) {
        this(sink, CoapOptions.fromLeniently(properties), Clock.systemUTC());
    }

    CoapDriver(ReadingSink sink, CoapOptions options, Clock clock) {
        this.options = options;
        this.sink = sink;
        this.clock = clock;
        this.name = "coap-" + options.address().getPort();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "anxin-" + name);
            t.setDaemon(true);
            return t;
        });
        worker.execute(this::tryStart);
        // Scandium only drops a stale session when the table is full; removed here so that "idle
        // sessions expire" holds at any load, and the per-device counts stay true
        worker.scheduleWithFixedDelay(this::expireIdleSessions, SESSION_SWEEP.toMillis(), SESSION_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        options.keyFile().ifPresent(file -> {
            keysModified = modified(file);
            worker.scheduleWithFixedDelay(() -> reloadKeysIfChanged(file), KEY_FILE_CHECK.toMillis(), KEY_FILE_CHECK.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
    }

    /**
     * An installer adds a device by adding its line to the key file: the file is read again when
     * it changes. A file that no longer reads keeps the keys in place and says why in the log.
     */
    private void reloadKeysIfChanged(Path file) {
        FileTime now = modified(file);
        CoapReadingServer running = server;
        if (running == null || now == null || now.equals(keysModified)) {
            return;
        }
        keysModified = now;
        try {
            int devices = running.replaceKeys(CoapOptions.readKeys(file));
            LOG.info("CoAP key file {} read again: {} devices", file, devices);
        } catch (IllegalArgumentException e) {
            LOG.error("CoAP key file changed but cannot be used, the previous keys stay: {}", e.getMessage());
        }
    }

    private void expireIdleSessions() {
        CoapReadingServer running = server;
        try {
            if (running != null) {
                running.expireIdleSessions();
            }
        } catch (RuntimeException e) {
            LOG.error("idle DTLS sessions could not be removed: {}", e.toString());
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    private void tryStart() {
        CoapReadingServer candidate = null;
        try {
            candidate = new CoapReadingServer(options, sink, clock, health);
            candidate.start();
            server = candidate;
            retry.reset();
            if (faulty) {
                faulty = false;
                health.report(new DeviceHealth(name, PID, Optional.of(clock.instant()), java.util.OptionalInt.empty(), Optional.empty(), clock.instant()));
            }
        } catch (RuntimeException e) {
            if (candidate != null) {
                candidate.close();
            }
            Duration delay = retry.next();
            faulty = true;
            health.report(DeviceHealth.faulty(name, PID, Optional.empty(), "CoAP server cannot listen on " + options.address() + ": "
                    + e.getMessage() + "; retrying in " + delay.toSeconds() + " s", clock.instant()));
            worker.schedule(this::tryStart, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The running server, once it listens. */
    Optional<CoapReadingServer> server() {
        return Optional.ofNullable(server);
    }

    @Override
    public List<GatewayHealth.Problem> problems() {
        CoapReadingServer running = server;
        if (running == null) {
            return List.of(); // a server that cannot listen is a driver fault, reported as device health
        }
        Instant now = clock.instant();
        CoapCounters counters = running.counters();
        List<GatewayHealth.Problem> problems = new ArrayList<>();
        long overLimit = counters.sessionsEvictedOverLimit.get();
        if (recentOverLimit.rose(overLimit, now)) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.DEVICE_SESSIONS_LIMITED, counters.lastOverLimit,
                    overLimit + " DTLS sessions closed on " + name + " since start because a device held more than "
                            + options.sessionsPerDevice() + " at once (a cloned device, or its key in other hands); the last within "
                            + RECENT.toMinutes() + " min"));
        }
        long refused = counters.handshakesRefused.get();
        if (recentRefused.rose(refused, now)) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.DEVICE_SESSIONS_LIMITED, name,
                    refused + " DTLS handshakes refused since start: every session was held by a life-safety device or a"
                            + " handshake in progress; the last within " + RECENT.toMinutes() + " min"));
        }
        return problems;
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
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CoapReadingServer running = server;
        if (running != null) {
            running.close();
            LOG.info("CoAP server on {} stopped", options.address());
        }
    }
}
