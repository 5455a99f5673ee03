package org.anxin.store.sqlite;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.anxin.protocol.Body;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
import org.anxin.protocol.MetricsSource;
import org.anxin.protocol.MetricsSource.Metric;
import org.anxin.store.Outbox;
import org.anxin.store.StoreStatus;
import org.anxin.store.StoredMessage;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Publishes the SQLite outbox as the gateway's {@link Outbox} service, and its part of the
 * heartbeat's health: a full disk, and writes refused in the last {@link #RECENT}.
 */
@Component(configurationPid = OutboxComponent.PID, service = {Outbox.class, HealthSource.class, MetricsSource.class},
        immediate = true)
@Designate(ocd = OutboxConfig.class)
public class OutboxComponent implements Outbox, HealthSource, MetricsSource {

    /** A refused write is a problem for this long after the last one. */
    static final Duration RECENT = Duration.ofMinutes(5);
    private final HealthSource.RecentIncrease failures = new HealthSource.RecentIncrease(RECENT);

    public static final String PID = "org.anxin.store";
    /** Framework or system property naming the gateway's data directory. */
    public static final String DATA_DIR_PROPERTY = "anxin.data";

    private final SqliteOutbox outbox;

    @Activate
    public OutboxComponent(BundleContext context, OutboxConfig config) {
        String dataDir = context.getProperty(DATA_DIR_PROPERTY);
        Path path = Path.of(config.path());
        if (!path.isAbsolute()) {
            path = Path.of(dataDir == null ? "data" : dataDir).resolve(path);
        }
        this.outbox = SqliteOutbox.open(path, Clock.systemUTC(), config.capacityMegabytes() * 1024L * 1024L,
                Math.max(0, config.reserveKilobytes()) * 1024L);
    }

    @Deactivate
    void close() {
        outbox.close();
    }

    @Override
    public StoredMessage append(Body body) {
        return outbox.append(body);
    }

    @Override
    public CompletableFuture<StoredMessage> submit(Body body) {
        return outbox.submit(body);
    }

    @Override
    public StoreStatus status() {
        return outbox.status();
    }

    @Override
    public List<GatewayHealth.Problem> problems() {
        return problemsOf(outbox.status(), failures, Clock.systemUTC().instant());
    }

    static List<GatewayHealth.Problem> problemsOf(StoreStatus status, HealthSource.RecentIncrease failures,
                                                  java.time.Instant now) {
        List<GatewayHealth.Problem> problems = new java.util.ArrayList<>();
        if (status.diskFull()) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.DISK_FULL, "outbox",
                    "the data disk is full (" + status.freeBytes() + " bytes free): readings are refused ("
                            + status.refusedTelemetry() + " so far), alerts are kept in the reserve"));
        }
        if (failures.rose(status.writeFailures(), now) && !status.diskFull()) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.STORE_WRITE_FAILED, "outbox",
                    status.writeFailures() + " writes refused since start, the last within " + RECENT.toMinutes() + " min"));
        }
        return problems;
    }

    @Override
    public List<Metric> metrics() {
        return metricsOf(outbox.status());
    }

    /** The store's part of the metrics file (docs/metrics.md). */
    static List<Metric> metricsOf(StoreStatus s) {
        return List.of(
                Metric.gauge("anxin_gateway_outbox_depth", "messages in the outbox waiting to be sent", s.queued()),
                Metric.gauge("anxin_gateway_outbox_alerts_depth", "of which alerts (never evicted)", s.queuedAlerts()),
                Metric.gauge("anxin_gateway_outbox_bytes", "the outbox database's pages in use", s.bytesUsed()),
                Metric.gauge("anxin_gateway_outbox_capacity_bytes", "the configured cap on the outbox; 0 for none",
                        s.capacityBytes()),
                Metric.counter("anxin_gateway_outbox_evicted_readings_total",
                        "readings dropped, oldest first, to stay under the cap", s.evictedTelemetry()),
                Metric.counter("anxin_gateway_store_write_failures_total",
                        "messages that could not be stored for any reason", s.writeFailures()),
                Metric.counter("anxin_gateway_store_disk_full_errors_total",
                        "writes refused because the disk was full", s.diskFullErrors()),
                Metric.counter("anxin_gateway_store_readings_refused_total",
                        "readings refused in full-disk mode", s.refusedTelemetry()),
                Metric.counter("anxin_gateway_store_quarantined_total",
                        "outbox rows moved aside because they could not be decoded", s.quarantined()),
                Metric.gauge("anxin_gateway_disk_full", "1 while the store is in its full-disk mode", s.diskFull() ? 1 : 0),
                Metric.gauge("anxin_gateway_disk_free_bytes", "bytes free on the data directory's file system",
                        s.freeBytes()));
    }

    @Override
    public List<StoredMessage> peek(int max, Collection<Long> exclude) {
        return outbox.peek(max, exclude);
    }

    @Override
    public void remove(Collection<Long> seqs) {
        outbox.remove(seqs);
    }

    @Override
    public boolean awaitMessages(Duration timeout) throws InterruptedException {
        return outbox.awaitMessages(timeout);
    }

    @Override
    public long size() {
        return outbox.size();
    }

    @Override
    public long lastSequence() {
        return outbox.lastSequence();
    }
}
