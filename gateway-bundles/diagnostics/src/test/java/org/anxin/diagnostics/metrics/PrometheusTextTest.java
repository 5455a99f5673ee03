package org.anxin.diagnostics.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.anxin.protocol.MetricsSource.Metric;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void labelValuesAreEscapedAndWholeValuesHaveNoFraction() {
        String text = PrometheusText.format(List.of(
                Metric.counter("anxin_a_total", "a \\ help", Map.of("device", "hall \"2\"\nnew"), 7),
                Metric.gauge("anxin_b", "b", 0.25),
                Metric.gauge("anxin_c", "c", Double.NaN)));

        assertThat(text).isEqualTo("""
                # HELP anxin_a_total a \\\\ help
                # TYPE anxin_a_total counter
                anxin_a_total{device="hall \\"2\\"\\nnew"} 7
                # HELP anxin_b b
                # TYPE anxin_b gauge
                anxin_b 0.25
                # HELP anxin_c c
                # TYPE anxin_c gauge
                anxin_c NaN
                """);
    }

    @Test
    void oneNameGivenWithTwoTypesIsRefusedRatherThanWrittenAsAFileTheCollectorRejects() {
        assertThatThrownBy(() -> PrometheusText.format(List.of(
                Metric.gauge("anxin_x_total", "x", 1), Metric.counter("anxin_x_total", "x", 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anxin_x_total");
    }

    @Test
    void aCounterWhoseNameDoesNotEndInTotalIsRefused() {
        assertThatThrownBy(() -> Metric.counter("anxin_x", "x", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must end in _total");
        assertThatThrownBy(() -> Metric.gauge("anxin-x", "x", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must match");
    }
}
