package org.anxin.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.junit.jupiter.api.Test;

class ImmediateAlarmRuleTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");
    private final DetectionEngine engine = DetectionEngine.create(DetectionOptions.DEFAULTS);

    private List<Alert> feed(String device, ReadingKind kind, String value, long secondsAfter) {
        return engine.onReading(new Reading(device, kind, value, T.plusSeconds(secondsAfter)));
    }

    @Test
    void eachDetectorAlarmRaisesItsCriticalAlertAtOnce() {
        assertThat(feed("s", ReadingKind.SMOKE, "alarm", 0)).extracting(Alert::type).containsExactly(AlertType.FIRE);
        assertThat(feed("g", ReadingKind.GAS, "alarm", 0)).extracting(Alert::type).containsExactly(AlertType.GAS_LEAK);
        assertThat(feed("l", ReadingKind.LEAK, "alarm", 0)).extracting(Alert::type).containsExactly(AlertType.WATER_LEAK);
        List<Alert> call = feed("b", ReadingKind.CALL, "pressed", 0);
        assertThat(call).extracting(Alert::type).containsExactly(AlertType.EMERGENCY_CALL);
        assertThat(call.get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(call.get(0).device()).isEqualTo("b");
        assertThat(call.get(0).time()).isEqualTo(T);
        assertThat(call.get(0).reason()).contains("b", "pressed");
    }

    @Test
    void aRepeatedAlarmIsOneEpisodeAndTheDetectorsClearEndsIt() {
        Alert raised = feed("s", ReadingKind.SMOKE, "alarm", 0).get(0);
        assertThat(feed("s", ReadingKind.SMOKE, "alarm", 10)).isEmpty();
        List<Alert> cleared = feed("s", ReadingKind.SMOKE, "clear", 60);
        assertThat(cleared).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(raised.id());
            assertThat(c.state()).isEqualTo(AlertState.CLEARED);
        });
        assertThat(feed("s", ReadingKind.SMOKE, "clear", 70)).as("a clear without an episode").isEmpty();
        assertThat(feed("s", ReadingKind.SMOKE, "alarm", 80)).as("a new episode").hasSize(1);
    }

    @Test
    void callPressesWithinTheRearmWindowAreOneEmergencyButALaterPressIsANewOne() {
        assertThat(feed("b", ReadingKind.CALL, "pressed", 0)).hasSize(1);
        assertThat(feed("b", ReadingKind.CALL, "pressed", 30)).isEmpty();
        assertThat(feed("b", ReadingKind.CALL, "pressed", 30 + 301)).hasSize(1);
    }

    @Test
    void otherReadingsRaiseNothing() {
        assertThat(feed("d", ReadingKind.ENTRY_DOOR, "open", 0)).isEmpty();
        assertThat(feed("m", ReadingKind.WATER, "2", 0)).isEmpty();
    }

    @Test
    void advancingTheClockTenYearsIsBoundedWorkNotAMinuteByMinuteLoop() {
        int[] ticks = {0};
        Rule counting = new Rule() {
            @Override
            public List<org.anxin.protocol.Alert> onReading(org.anxin.protocol.Reading reading) {
                return List.of();
            }

            @Override
            public List<org.anxin.protocol.Alert> onTick(java.time.Instant now) {
                ticks[0]++;
                return List.of();
            }
        };
        DetectionEngine engine = new DetectionEngine(List.of(counting));
        java.time.Instant start = java.time.Instant.parse("2026-11-23T08:00:00Z");
        engine.advanceTo(start);
        java.time.Instant later = start.plus(java.time.Duration.ofDays(3653));
        engine.advanceTo(later);
        assertThat(engine.now()).isEqualTo(later);
        assertThat(ticks[0]).isLessThanOrEqualTo(72 * 60 + 1);
        assertThat(engine.fastForwards()).isEqualTo(1);

        // an ordinary gap is still ticked minute by minute
        ticks[0] = 0;
        engine.advanceTo(later.plus(java.time.Duration.ofHours(48)));
        assertThat(ticks[0]).isEqualTo(48 * 60);
    }

    @Test
    void theFullEngineOverTenYearsOfSilenceRaisesEachAlertOnce() {
        DetectionEngine engine = DetectionEngine.create(DetectionOptions.DEFAULTS);
        java.time.Instant start = java.time.Instant.parse("2026-11-23T08:00:00Z");
        engine.onReading(new org.anxin.protocol.Reading("hall", org.anxin.protocol.ReadingKind.MOTION, "on", start));
        List<org.anxin.protocol.Alert> alerts = engine.advanceTo(start.plus(java.time.Duration.ofDays(3653)));
        // one silence of the whole home, said once (NO_WATER_USE holds back while NO_ACTIVITY is open)
        assertThat(alerts).extracting(org.anxin.protocol.Alert::type).containsExactly(org.anxin.protocol.AlertType.NO_ACTIVITY);
    }
}
