package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;

class WaterFlowRuleTest {

    private final Home home = new Home(DetectionOptions.DEFAULTS);

    private void flow(String from, int minutes, String litresPerMinute) {
        Instant start = at(MONDAY, from);
        for (int m = 0; m <= minutes; m++) {
            home.read(start.plusSeconds(60L * m), "tap", ReadingKind.WATER, litresPerMinute);
        }
    }

    @Test
    void waterRunningWithoutAPauseForMoreThan30MinutesIsRaisedOnceAndClearedWhenItStops() {
        flow("10:00", 30, "8");
        assertThat(home.of(AlertType.CONTINUOUS_WATER_FLOW)).isEmpty();
        flow("10:31", 10, "8");
        assertThat(home.of(AlertType.CONTINUOUS_WATER_FLOW)).hasSize(1);
        Alert raised = home.of(AlertType.CONTINUOUS_WATER_FLOW).get(0);
        assertThat(raised.time()).isEqualTo(at(MONDAY, "10:31"));
        assertThat(raised.device()).isEqualTo("tap");
        assertThat(raised.reason()).contains("tap", "31 min");
        home.read(MONDAY, "10:45", "tap", ReadingKind.WATER, "0");
        Alert cleared = home.first(AlertType.CONTINUOUS_WATER_FLOW, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.reason()).contains("water stopped");
    }

    @Test
    void aPauseOfFiveMinutesEndsAFlowAndSilenceClearsIt() {
        flow("10:00", 20, "5");
        flow("10:26", 20, "5");
        assertThat(home.of(AlertType.CONTINUOUS_WATER_FLOW)).as("two flows of 20 min").isEmpty();
        flow("11:00", 40, "5");
        home.advance(at(MONDAY, "11:50"));
        assertThat(home.events()).containsExactly("CONTINUOUS_WATER_FLOW raised", "CONTINUOUS_WATER_FLOW cleared");
    }

    @Test
    void aDaysTotalAbove2000LitresIsRaisedAndClearedByTheNextDay() {
        for (int h = 0; h < 11; h++) {
            home.read(at(MONDAY, String.format("%02d:00", h + 8)), "meter", ReadingKind.WATER, "190");
        }
        assertThat(home.events()).containsExactly("CONTINUOUS_WATER_FLOW raised");
        assertThat(home.alerts.get(0).reason()).contains("2090 L", "2000 L");
        home.advance(at(MONDAY.plusDays(1), "00:01"));
        assertThat(home.events()).contains("CONTINUOUS_WATER_FLOW cleared");
    }

    @Test
    void theFlowLimitIsConfigurable() {
        Home h = new Home(DetectionOptions.fromProperties(Map.of("continuousFlowMinutes", "10")));
        Instant start = at(MONDAY, "10:00");
        for (int m = 0; m <= 11; m++) {
            h.read(start.plusSeconds(60L * m), "tap", ReadingKind.WATER, "6");
        }
        assertThat(h.events()).containsExactly("CONTINUOUS_WATER_FLOW raised");
    }
}
