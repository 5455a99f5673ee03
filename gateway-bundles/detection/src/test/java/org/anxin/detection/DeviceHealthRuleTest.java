package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.junit.jupiter.api.Test;

class DeviceHealthRuleTest {

    private final Home home = new Home(DetectionOptions.DEFAULTS);

    private void checkIns(String device, ReadingKind kind, String value, int count, int everyMinutes) {
        Instant t = at(MONDAY, "00:00");
        for (int i = 0; i < count; i++) {
            home.read(t.plusSeconds(60L * everyMinutes * i), device, kind, value);
        }
    }

    @Test
    void aMainsDeviceSilentFor2HoursIsRaisedOnceAndItsNextReadingClearsIt() {
        checkIns("plug", ReadingKind.HEARTBEAT, "ok", 3, 60);
        home.advance(at(MONDAY, "04:00"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).isEmpty();
        home.advance(at(MONDAY, "09:00"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).hasSize(1);
        Alert raised = home.of(AlertType.DEVICE_SILENT).get(0);
        assertThat(raised.time()).isEqualTo(at(MONDAY, "04:01"));
        assertThat(raised.severity()).isEqualTo(Severity.MAINTENANCE);
        assertThat(raised.device()).isEqualTo("plug");
        assertThat(raised.reason()).contains("no reading from plug for 2 h 1 min", "mains");
        home.read(MONDAY, "09:30", "plug", ReadingKind.POWER, "on");
        Alert cleared = home.first(AlertType.DEVICE_SILENT, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.reason()).contains("reported again");
    }

    @Test
    void aBatteryDeviceIsSilentAfter26Hours() {
        checkIns("door", ReadingKind.BATTERY, "90", 2, 60);
        home.advance(at(MONDAY.plusDays(1), "03:00"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).isEmpty();
        home.advance(at(MONDAY.plusDays(1), "03:02"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).singleElement()
                .satisfies(a -> assertThat(a.reason()).contains("battery device"));
    }

    @Test
    void aDeviceThatNeverCheckedInIsNotWatched() {
        home.read(MONDAY, "08:00", "cupboard", ReadingKind.DOOR, "open");
        home.advance(at(MONDAY.plusDays(3), "08:00"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).isEmpty();
    }

    @Test
    void aDeviceThatChecksInEvery8HoursIsNotSilentAfter2() {
        checkIns("smoke", ReadingKind.HEARTBEAT, "ok", 2, 480);
        home.advance(at(MONDAY, "19:59"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).isEmpty();
        home.advance(at(MONDAY, "20:01"));
        assertThat(home.of(AlertType.DEVICE_SILENT)).hasSize(1);
    }

    @Test
    void lowBatteryIsRaisedBelow15PercentAndClearedByANewBattery() {
        home.read(MONDAY, "08:00", "door", ReadingKind.BATTERY, "16");
        home.read(MONDAY, "09:00", "door", ReadingKind.BATTERY, "14");
        home.read(MONDAY, "10:00", "door", ReadingKind.BATTERY, "13");
        home.read(MONDAY, "11:00", "door", ReadingKind.BATTERY, "20");
        assertThat(home.events()).containsExactly("LOW_BATTERY raised");
        assertThat(home.alerts.get(0).reason()).contains("door", "14%");
        home.read(MONDAY, "12:00", "door", ReadingKind.BATTERY, "100");
        assertThat(home.events()).containsExactly("LOW_BATTERY raised", "LOW_BATTERY cleared");
    }

    @Test
    void tamperIsRaisedAndClearedByTheDevice() {
        home.read(MONDAY, "08:00", "pir", ReadingKind.TAMPER, "on");
        home.read(MONDAY, "08:01", "pir", ReadingKind.TAMPER, "on");
        home.read(MONDAY, "08:05", "pir", ReadingKind.TAMPER, "off");
        assertThat(home.events()).containsExactly("TAMPER raised", "TAMPER cleared");
        assertThat(home.alerts.get(0).severity()).isEqualTo(Severity.MAINTENANCE);
    }
}
