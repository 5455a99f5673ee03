package org.anxin.detection.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.detection.DetectionOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health monitors through the component, on the wall clock it is given. */
class HealthMonitorComponentTest {

    @TempDir
    Path dir;

    private final RecordingOutbox recording = new RecordingOutbox();
    private final List<Body> appended = recording.appended;
    private final Outbox outbox = recording.outbox;

    @Test
    void aHighReadingIsStoredAfterItsAlertAndTheMissedMeasurementIsRaisedByTheClock() throws Exception {
        Instant evening = Instant.parse("2026-11-22T20:00:00Z");
        MovableClock clock = new MovableClock(evening);
        DetectionOptions options = DetectionOptions.fromProperties(Map.of("measurementKind", "spo2", "measurementBy", "09:00",
                "noActivityEnabled", "false", "noWaterUseEnabled", "false"));
        DetectionComponent component = new DetectionComponent(outbox, options, dir.resolve("detection.db"), clock,
                ZoneOffset.UTC, Duration.ZERO);
        try {
            Reading low = new Reading("oximeter", ReadingKind.SPO2, "88", evening);
            component.accept(low);
            assertThat(appended).hasSize(2);
            assertThat(((Alert) appended.get(0)).type()).isEqualTo(AlertType.HEALTH_READING_CRITICAL);
            assertThat(appended.get(1)).isEqualTo(low);

            clock.now = Instant.parse("2026-11-23T08:59:30Z");
            component.tick();
            assertThat(appended).hasSize(2);
            clock.now = Instant.parse("2026-11-23T09:00:30Z");
            component.tick();
            assertThat(appended.get(2)).isInstanceOfSatisfying(Alert.class,
                    a -> assertThat(a.type()).isEqualTo(AlertType.MEASUREMENT_MISSED));
            assertThat(component.tickFailures()).isZero();
        } finally {
            component.close();
        }
    }
}
