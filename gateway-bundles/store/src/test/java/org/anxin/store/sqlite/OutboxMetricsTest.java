package org.anxin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.MetricsSource.Metric;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxMetricsTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    @TempDir
    Path dir;

    private static Map<String, Double> byName(List<Metric> metrics) {
        return metrics.stream().collect(Collectors.toMap(Metric::name, Metric::value));
    }

    @Test
    void theOutboxDepthIsWhatIsQueuedAndFallsAsMessagesAreRemoved() {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.fixed(T, ZoneOffset.UTC))) {
            long first = outbox.append(new Reading("meter", ReadingKind.WATER, "1.5", T)).seq();
            outbox.append(new Reading("meter", ReadingKind.WATER, "2.5", T));
            outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "smoke alarm"));

            Map<String, Double> metrics = byName(OutboxComponent.metricsOf(outbox.status()));
            assertThat(metrics).containsEntry("anxin_gateway_outbox_depth", 3.0)
                    .containsEntry("anxin_gateway_outbox_alerts_depth", 1.0)
                    .containsEntry("anxin_gateway_store_write_failures_total", 0.0)
                    .containsEntry("anxin_gateway_disk_full", 0.0);

            outbox.remove(List.of(first));
            assertThat(byName(OutboxComponent.metricsOf(outbox.status())))
                    .containsEntry("anxin_gateway_outbox_depth", 2.0);
        }
    }
}
