package org.anxin.diagnostics.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.MetricsSource;
import org.anxin.protocol.MetricsSource.Metric;
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

/**
 * Writes every {@link MetricsSource}'s values to one file in the Prometheus text format every
 * {@code intervalSeconds}, for the node exporter's textfile collector: off by default (it needs
 * its configuration, {@value #PID}), since most gateways are watched through the bridge alone.
 * The file is replaced whole, so the collector never reads half of one.
 */
@Component(configurationPid = MetricsFileWriter.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = MetricsFileConfig.class)
public class MetricsFileWriter {

    public static final String PID = "org.anxin.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(MetricsFileWriter.class);

    private final Path file;
    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "anxin-metrics");
        t.setDaemon(true);
        return t;
    });
    private long writes;
    private long writeFailures;
    private boolean failing;

    @Activate
    public MetricsFileWriter(BundleContext context, MetricsFileConfig config) {
        this(resolve(context.getProperty("anxin.data"), config.path()));
        int every = Math.max(1, config.intervalSeconds());
        timer.scheduleWithFixedDelay(this::write, 0, every, TimeUnit.SECONDS);
        LOG.info("writing metrics to {} every {} s", file, every);
    }

    /** For tests: nothing is written until {@link #write()} is called. */
    MetricsFileWriter(Path file) {
        if (!file.getFileName().toString().endsWith(".prom")) {
            throw new IllegalArgumentException("the metrics file " + file
                    + " must end in .prom: the textfile collector reads no other");
        }
        this.file = file;
    }

    static Path resolve(String dataDir, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : Path.of(dataDir == null ? "data" : dataDir).resolve(p);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeSource")
    void addSource(MetricsSource source) {
        sources.add(source);
    }

    void removeSource(MetricsSource source) {
        sources.remove(source);
    }

    @Deactivate
    void stop() {
        timer.shutdownNow();
    }

    /**
     * Writes the file once. A source that fails is left out (and logged) rather than costing the
     * others their values; a write refused (a full disk) is tried again next period.
     */
    synchronized void write() {
        List<Metric> metrics = new ArrayList<>();
        for (MetricsSource source : sources) {
            try {
                metrics.addAll(source.metrics());
            } catch (RuntimeException e) {
                LOG.warn("metrics of {} left out: {}", source.getClass().getName(), e.toString());
            }
        }
        metrics.add(Metric.counter("anxin_gateway_metrics_write_failures_total",
                "writes of this file that failed (the file then holds the previous values)", writeFailures));
        metrics.add(Metric.gauge("anxin_gateway_metrics_sources", "parts of the gateway whose metrics are here",
                sources.size()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            String text = PrometheusText.format(metrics);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writes++;
            if (failing) {
                LOG.info("metrics written to {} again", file);
            }
            failing = false;
        } catch (IOException | RuntimeException e) {
            writeFailures++;
            if (!failing) {
                LOG.warn("cannot write metrics to {}: {}; trying again each period", file, e.toString());
            }
            failing = true;
            try {
                Files.deleteIfExists(tmp); // a partial file on a full disk holds space the alarms need
            } catch (IOException ignored) {
                // the next write tries again
            }
        }
    }

    /** Files written since start. */
    synchronized long writes() {
        return writes;
    }
}
