package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.junit.jupiter.api.Test;

class CoverageTest {

    @Test
    void aHomesCoverageIsJudgedByItsReadingsADayAndTheKindsThatReport() {
        Coverage coverage = new Coverage(ZoneOffset.UTC);
        for (int day = 0; day < 10; day++) {
            for (int k = 0; k < 12; k++) {
                coverage.observeActivity(new Reading("cupboard", ReadingKind.DOOR, "open", at(MONDAY.plusDays(day), String.format("%02d:00", 8 + k))));
            }
            if (day < 2) {
                coverage.observeActivity(new Reading("hall", ReadingKind.MOTION, "on", at(MONDAY.plusDays(day), "09:30")));
            }
        }
        // 12 cupboard readings a day over the last week; the hall's motion sensor fell silent on day 3
        assertThat(coverage.readingsPerDay(at(MONDAY.plusDays(10), "00:00"))).isBetween(11.9, 12.1);
        assertThat(coverage.kinds(at(MONDAY.plusDays(10), "00:00"))).containsExactly(ReadingKind.DOOR);
        assertThat(coverage.kinds(at(MONDAY.plusDays(2), "00:00"))).containsExactlyInAnyOrder(ReadingKind.DOOR, ReadingKind.MOTION);
        assertThat(coverage.seesOutings(at(MONDAY.plusDays(10), "00:00"))).as("no entrance ever reported").isFalse();
    }

    @Test
    void aHomeWhoseEntranceNeverReportsGetsAMaintenanceAlertAfterAWeekOfOtherSensorsReporting() {
        Home home = new Home(DetectionOptions.DEFAULTS);
        for (int day = 0; day < 7; day++) {
            home.ordinaryDay(MONDAY.plusDays(day));
        }
        assertThat(home.of(AlertType.ENTRANCE_SILENT)).as("not before seven whole days").isEmpty();
        home.ordinaryDay(MONDAY.plusDays(7));
        Alert raised = home.first(AlertType.ENTRANCE_SILENT, AlertState.RAISED);
        assertThat(raised).isNotNull();
        assertThat(raised.severity()).isEqualTo(Severity.MAINTENANCE);
        assertThat(raised.time()).as("a week after the first activity").isEqualTo(at(MONDAY.plusDays(7), "07:10"));
        assertThat(raised.reason()).contains("no entrance contact has reported in 7 d", "outings cannot be seen");
        assertThat(home.of(AlertType.ENTRANCE_SILENT)).as("once per episode").hasSize(1);

        home.read(MONDAY.plusDays(8), "10:00", "front", ReadingKind.ENTRY_DOOR, "open");
        Alert cleared = home.first(AlertType.ENTRANCE_SILENT, AlertState.CLEARED);
        assertThat(cleared).isNotNull();
        assertThat(cleared.id()).isEqualTo(raised.id());
    }

    @Test
    void anEntranceThatFallsSilentIsNamedInItsAlert() {
        Home home = new Home(DetectionOptions.DEFAULTS);
        home.read(MONDAY, "06:50", "front", ReadingKind.ENTRY_DOOR, "open");
        for (int day = 0; day < 9; day++) {
            home.ordinaryDay(MONDAY.plusDays(day));
        }
        Alert raised = home.first(AlertType.ENTRANCE_SILENT, AlertState.RAISED);
        assertThat(raised).isNotNull();
        assertThat(raised.device()).isEqualTo("front");
        assertThat(raised.time()).as("a week after its last report").isEqualTo(at(MONDAY.plusDays(7), "06:50"));
        assertThat(raised.reason()).contains("the entrance front has not reported since 2024-03-04T06:50");
    }

    @Test
    void anEntranceInUseAndAHomeWithOnlyAMeterRaiseNoEntranceAlert() {
        Home used = new Home(DetectionOptions.DEFAULTS);
        for (int day = 0; day < 14; day++) {
            used.read(MONDAY.plusDays(day), "09:00", "front", ReadingKind.ENTRY_DOOR, "open");
            used.ordinaryDay(MONDAY.plusDays(day));
        }
        assertThat(used.of(AlertType.ENTRANCE_SILENT)).isEmpty();

        Home meterOnly = new Home(DetectionOptions.DEFAULTS);
        for (int day = 0; day < 14; day++) {
            for (int h = 7; h < 22; h++) {
                meterOnly.read(MONDAY.plusDays(day), String.format("%02d:05", h), "meter", ReadingKind.WATER, "3");
            }
        }
        assertThat(meterOnly.of(AlertType.ENTRANCE_SILENT)).as("a meter alone has no entrance to miss").isEmpty();
    }
}
