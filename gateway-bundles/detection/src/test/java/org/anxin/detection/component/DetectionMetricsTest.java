package org.anxin.detection.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.anxin.detection.DetectionOptions;
import org.anxin.protocol.MetricsSource.Metric;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionMetricsTest {

    @TempDir
    Path dir;

    private final Outbox outbox = (Outbox) Proxy.newProxyInstance(Outbox.class.getClassLoader(),
            new Class<?>[] {Outbox.class}, (proxy, method, args) -> {
                if (method.getName().equals("append")) {
                    return null;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private static double value(DetectionComponent component, String name, String label, String value) {
        return component.metrics().stream()
                .filter(m -> m.name().equals(name) && m.labels().equals(label == null ? Map.of() : Map.of(label, value)))
                .mapToDouble(Metric::value).findFirst().orElseThrow();
    }

    @Test
    void readingsAreCountedByKindAndACallPressAsAnEmergencyCallRaised() throws Exception {
        Instant now = Instant.parse("2026-11-23T08:00:00Z");
        MovableClock clock = new MovableClock(now);
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS,
                dir.resolve("detection.db"), clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            component.accept(new Reading("hall", ReadingKind.MOTION, "on", now));
            component.accept(new Reading("hall", ReadingKind.MOTION, "off", now));
            component.accept(new Reading("call-1", ReadingKind.CALL, "pressed", now));
            // a device clock a year behind is re-stamped and counted
            component.accept(new Reading("tap", ReadingKind.WATER, "1", now.minus(Duration.ofDays(365))));

            assertThat(value(component, "anxin_gateway_readings_total", "kind", "motion")).isEqualTo(2);
            assertThat(value(component, "anxin_gateway_readings_total", "kind", "call")).isEqualTo(1);
            assertThat(value(component, "anxin_gateway_readings_total", "kind", "smoke")).isZero();
            assertThat(value(component, "anxin_gateway_alerts_raised_total", "type", "EMERGENCY_CALL")).isEqualTo(1);
            assertThat(value(component, "anxin_gateway_readings_restamped_total", null, null)).isEqualTo(1);
        } finally {
            component.close();
        }
    }
}
