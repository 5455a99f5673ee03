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
        home.entrance = false;
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
        home.entrance = false;
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

    @Test
    void whereTheEntranceNeverReportsASilenceWhileUpMayBeAnOutingAndWaitsLongerButWithinADay() {
        Home seen = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, GapPrior.NONE));
        Home unseen = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, GapPrior.NONE));
        unseen.entrance = false;
        for (int day = 0; day < 10; day++) {
            // she fetches the post every morning through the entrance; in one home it is heard
            seen.ordinaryDay(MONDAY.plusDays(day));
            unseen.ordinaryDay(MONDAY.plusDays(day));
        }
        java.time.LocalDate day = MONDAY.plusDays(10);
        for (Home h : java.util.List.of(seen, unseen)) {
            h.alerts.clear();
            h.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
            h.advance(at(day.plusDays(1), "07:10"));
        }
        Alert inSight = seen.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        Alert outOfSight = unseen.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(inSight).isNotNull();
        assertThat(outOfSight).as("raised all the same, within a day").isNotNull();
        java.time.Duration a = java.time.Duration.between(at(day, "07:10"), inSight.time());
        java.time.Duration b = java.time.Duration.between(at(day, "07:10"), outOfSight.time());
        // a home this regular soon shows it does not go out then: the widening gives way to its
        // days as the prior does (EvidenceWeightTest); after 10 days it is still over 2 h
        assertThat(b).isGreaterThan(a.plusHours(2)).isLessThan(java.time.Duration.ofHours(24));
        assertThat(outOfSight.reason()).contains("the entrance never reports: it may be an outing");
        assertThat(inSight.reason()).doesNotContain("outing");
    }
}
