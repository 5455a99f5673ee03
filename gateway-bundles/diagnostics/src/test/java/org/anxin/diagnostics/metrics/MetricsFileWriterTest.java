package org.anxin.diagnostics.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.protocol.MetricsSource;
import org.anxin.protocol.MetricsSource.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsFileWriterTest {

    @TempDir
    Path dir;

    @Test
    void eachWriteReplacesTheFileWithEverySourcesCurrentValues() throws Exception {
        AtomicLong depth = new AtomicLong(3);
        Path file = dir.resolve("textfile/anxin_gateway.prom");
        MetricsFileWriter writer = new MetricsFileWriter(file);
        writer.addSource(() -> List.of(Metric.gauge("anxin_gateway_outbox_depth", "queued", depth.get())));
        writer.addSource(() -> List.of(
                Metric.counter("anxin_gateway_readings_total", "by kind", Map.of("kind", "water"), 2),
                Metric.counter("anxin_gateway_readings_total", "by kind", Map.of("kind", "call"), 1)));

        writer.write();
        assertThat(Files.readString(file)).contains("""
                # HELP anxin_gateway_outbox_depth queued
                # TYPE anxin_gateway_outbox_depth gauge
                anxin_gateway_outbox_depth 3
                """, """
                # TYPE anxin_gateway_readings_total counter
                anxin_gateway_readings_total{kind="water"} 2
                anxin_gateway_readings_total{kind="call"} 1
                """, "anxin_gateway_metrics_sources 2\n");

        depth.set(0);
        writer.write();
        assertThat(Files.readString(file)).contains("\nanxin_gateway_outbox_depth 0\n");
        assertThat(writer.writes()).isEqualTo(2);
        assertThat(Files.list(file.getParent())).containsExactly(file);
    }

    @Test
    void aSourceThatFailsIsLeftOutAndTheOthersAreStillWritten() throws Exception {
        Path file = dir.resolve("anxin_gateway.prom");
        MetricsFileWriter writer = new MetricsFileWriter(file);
        writer.addSource(() -> {
            throw new IllegalStateException("closed");
        });
        writer.addSource(() -> List.of(Metric.gauge("anxin_gateway_outbox_depth", "queued", 5)));

        writer.write();

        assertThat(Files.readString(file)).contains("\nanxin_gateway_outbox_depth 5\n");
    }

    @Test
    void aWriteThatFailsKeepsThePreviousFileAndIsCountedInTheNext() throws Exception {
        Path file = dir.resolve("anxin_gateway.prom");
        MetricsFileWriter writer = new MetricsFileWriter(file);
        MetricsSource clash = () -> List.of(Metric.gauge("anxin_x", "a", 1), Metric.gauge("anxin_x", "a", 2));
        writer.write();
        String before = Files.readString(file);

        writer.addSource(clash);
        writer.write();
        assertThat(Files.readString(file)).isEqualTo(before);

        writer.removeSource(clash);
        writer.write();
        assertThat(Files.readString(file)).contains("\nanxin_gateway_metrics_write_failures_total 1\n");
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Test
    void aFileNotEndingInPromIsRefusedSinceTheCollectorWouldNeverReadIt() {
        assertThatThrownBy(() -> new MetricsFileWriter(dir.resolve("metrics.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must end in .prom");
    }

    @Test
    void aRelativePathIsUnderTheDataDirectory() {
        assertThat(MetricsFileWriter.resolve("/var/lib/anxin", "metrics/a.prom"))
                .isEqualTo(Path.of("/var/lib/anxin/metrics/a.prom"));
        assertThat(MetricsFileWriter.resolve("/var/lib/anxin", "/srv/textfile/a.prom"))
                .isEqualTo(Path.of("/srv/textfile/a.prom"));
    }
}
