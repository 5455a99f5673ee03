package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;

class NightDoorRuleTest {

    @Test
    void isOffByDefault() {
        Home home = new Home(DetectionOptions.DEFAULTS);
        home.read(MONDAY, "02:00", "front", ReadingKind.ENTRY_DOOR, "open");
        assertThat(home.of(AlertType.NIGHT_DOOR)).isEmpty();
    }

    @Test
    void whenOnTheEntranceOpeningInTheNightHoursIsRaisedAndActivityInsideClearsIt() {
        Home home = new Home(DetectionOptions.fromProperties(Map.of("nightDoorEnabled", "true")));
        home.read(MONDAY, "21:50", "front", ReadingKind.ENTRY_DOOR, "open");
        assertThat(home.of(AlertType.NIGHT_DOOR)).as("before 22:00").isEmpty();
        home.read(MONDAY, "23:30", "hall", ReadingKind.MOTION, "on");
        home.read(MONDAY.plusDays(1), "02:13", "front", ReadingKind.ENTRY_DOOR, "open");
        home.read(MONDAY.plusDays(1), "02:14", "front", ReadingKind.ENTRY_DOOR, "open");
        assertThat(home.of(AlertType.NIGHT_DOOR)).as("once per episode").hasSize(1);
        assertThat(home.of(AlertType.NIGHT_DOOR).get(0).reason()).contains("front", "02:13", "22:00-06:00");
        home.read(MONDAY.plusDays(1), "02:20", "hall", ReadingKind.MOTION, "on");
        assertThat(home.first(AlertType.NIGHT_DOOR, AlertState.CLEARED).reason()).contains("hall");
        home.read(MONDAY.plusDays(1), "06:00", "front", ReadingKind.ENTRY_DOOR, "open");
        assertThat(home.of(AlertType.NIGHT_DOOR)).as("06:00 is morning").hasSize(2);
    }

    @Test
    void nightHoursAreConfigurable() {
        Home home = new Home(DetectionOptions.fromProperties(Map.of("nightDoorEnabled", "true",
                "nightStart", "20:00", "nightEnd", "23:00")));
        home.read(MONDAY, "20:30", "front", ReadingKind.ENTRY_DOOR, "open");
        assertThat(home.of(AlertType.NIGHT_DOOR)).hasSize(1);
    }
}
