package org.anxin.detection.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.anxin.detection.DetectionOptions;
import org.anxin.driver.api.LenientConfig;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's zone is the detection setting {@code zone}: the home's hours are read in it, messages stay UTC. */
class ZoneSettingTest {

    /** 23:30 in Shanghai, 15:30 in UTC (and on this machine's JVM, whatever its zone). */
    private static final Instant LATE_EVENING_IN_SHANGHAI = Instant.parse("2026-11-23T15:30:00Z");

    @TempDir
    Path dir;

    private final RecordingOutbox recording = new RecordingOutbox();
    private final List<Body> appended = recording.appended;
    private final Outbox outbox = recording.outbox;

    private List<Alert> nightDoorAlertsIn(String zone) throws Exception {
        appended.clear();
        MovableClock wall = new MovableClock(LATE_EVENING_IN_SHANGHAI);
        DetectionOptions options = DetectionOptions.fromProperties(Map.of("nightDoorEnabled", "true", "zone", zone));
        DetectionComponent component = new DetectionComponent(outbox, options, dir.resolve(zone.replace('/', '-') + ".db"), wall,
                GatewayTime.wallAsMonotonic(wall), Duration.ZERO);
        try {
            assertThat(component.zone()).as("the replay driver's, when it names none").isEqualTo(ZoneId.of(zone));
            component.accept(new Reading("front", ReadingKind.ENTRY_DOOR, "open", wall.now));
        } finally {
            component.close();
        }
        return appended.stream().filter(Alert.class::isInstance).map(Alert.class::cast)
                .filter(a -> a.type() == AlertType.NIGHT_DOOR).toList();
    }

    @Test
    void theNightIsReadInTheConfiguredZoneAndTheAlertKeepsItsUtcInstant() throws Exception {
        List<Alert> shanghai = nightDoorAlertsIn("Asia/Shanghai");
        assertThat(shanghai).hasSize(1);
        assertThat(shanghai.get(0).reason()).contains("23:30");
        assertThat(shanghai.get(0).time()).isEqualTo(LATE_EVENING_IN_SHANGHAI);
        assertThat(MessageCodec.mapper().writeValueAsString(shanghai.get(0))).as("on the wire")
                .contains("\"time\":\"2026-11-23T15:30:00Z\"");

        assertThat(nightDoorAlertsIn("UTC")).as("15:30 is afternoon in UTC").isEmpty();
    }

    @Test
    void theDefaultZoneIsAsiaShanghai() {
        assertThat(DetectionOptions.DEFAULTS.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @Test
    void anInvalidZoneFallsBackToTheDefaultNamedInTheFallbacksAndCounted() {
        long before = LenientConfig.fallbacksCounted();
        DetectionOptions.Lenient read = DetectionOptions.fromPropertiesLeniently(Map.of("zone", "Mars/Olympus", "nightStart", "21:00"));
        assertThat(read.options().zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(read.options().nightStart()).hasToString("21:00");
        assertThat(read.fallbacks()).containsExactly(
                "'zone': 'Mars/Olympus' is not a time zone id such as Asia/Shanghai; fell back to default Asia/Shanghai");
        assertThat(LenientConfig.fallbacksCounted() - before).isEqualTo(1);
    }

    @Test
    void aZoneGivenAsAnOffsetOrWithBlanksIsTaken() {
        assertThat(DetectionOptions.fromProperties(Map.of("zone", " +08:00 ")).zone()).isEqualTo(ZoneId.of("+08:00"));
        assertThat(DetectionOptions.fromProperties(Map.of("zone", "Europe/Berlin")).zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }
}
