package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every open episode outlives a restart: a "restart" here is a new engine on the same
 * {@code detection.db}, without the first being closed, as after a power cut.
 */
class EpisodesAcrossRestartTest {

    @TempDir
    Path dir;

    private Home open() {
        return new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, ZoneOffset.UTC,
                SqliteRoutineStore.open(dir.resolve("detection.db"))));
    }

    @Test
    void aFireOpenAtARestartIsClearedByTheDetectorsClearWithItsOwnId() {
        Home before = open();
        before.read(MONDAY, "11:45", "kitchen-smoke", ReadingKind.SMOKE, "alarm");
        Alert raised = before.first(AlertType.FIRE, AlertState.RAISED);

        Home after = open();
        assertThat(after.engine.openAlerts()).containsExactly(raised);
        after.read(MONDAY, "11:58", "kitchen-smoke", ReadingKind.SMOKE, "clear");
        assertThat(after.events()).containsExactly("FIRE cleared");
        Alert cleared = after.first(AlertType.FIRE, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.device()).isEqualTo("kitchen-smoke");
        assertThat(after.engine.openAlerts()).isEmpty();

        Home third = open();
        assertThat(third.engine.openAlerts()).as("the clear was saved too").isEmpty();
        third.read(MONDAY, "12:30", "kitchen-smoke", ReadingKind.SMOKE, "alarm");
        assertThat(third.events()).as("a later alarm is a new episode").containsExactly("FIRE raised");
        assertThat(third.first(AlertType.FIRE, AlertState.RAISED).id()).isNotEqualTo(raised.id());
    }

    @Test
    void aDetectorStillInAlarmAfterARestartDoesNotOpenASecondEpisode() {
        Home before = open();
        before.read(MONDAY, "11:45", "kitchen-smoke", ReadingKind.SMOKE, "alarm");
        before.read(MONDAY, "11:45", "boiler-gas", ReadingKind.GAS, "alarm");
        before.read(MONDAY, "11:46", "bath-leak", ReadingKind.LEAK, "alarm");
        assertThat(before.events()).hasSize(3);

        Home after = open();
        after.read(MONDAY, "11:50", "kitchen-smoke", ReadingKind.SMOKE, "alarm");
        after.read(MONDAY, "11:50", "boiler-gas", ReadingKind.GAS, "alarm");
        after.read(MONDAY, "11:50", "bath-leak", ReadingKind.LEAK, "alarm");
        assertThat(after.alerts).isEmpty();
        after.read(MONDAY, "12:00", "boiler-gas", ReadingKind.GAS, "clear");
        assertThat(after.first(AlertType.GAS_LEAK, AlertState.CLEARED).id())
                .isEqualTo(before.first(AlertType.GAS_LEAK, AlertState.RAISED).id());
    }

    @Test
    void lowBatteryAndTamperOpenAtARestartAreNotRaisedAgainAndKeepTheirIds() {
        Home before = open();
        before.read(MONDAY, "08:00", "door", ReadingKind.BATTERY, "12");
        before.read(MONDAY, "08:05", "pir", ReadingKind.TAMPER, "on");
        Alert battery = before.first(AlertType.LOW_BATTERY, AlertState.RAISED);
        Alert tamper = before.first(AlertType.TAMPER, AlertState.RAISED);

        Home after = open();
        after.read(MONDAY, "09:00", "door", ReadingKind.BATTERY, "11");
        after.read(MONDAY, "09:01", "pir", ReadingKind.TAMPER, "on");
        assertThat(after.alerts).isEmpty();
        after.read(MONDAY, "10:00", "door", ReadingKind.BATTERY, "100");
        after.read(MONDAY, "10:01", "pir", ReadingKind.TAMPER, "off");
        assertThat(after.events()).containsExactly("LOW_BATTERY cleared", "TAMPER cleared");
        assertThat(after.first(AlertType.LOW_BATTERY, AlertState.CLEARED).id()).isEqualTo(battery.id());
        assertThat(after.first(AlertType.TAMPER, AlertState.CLEARED).id()).isEqualTo(tamper.id());
    }

    @Test
    void aSilentDeviceAtARestartIsClearedWithItsIdAndTheWholeSilenceWhenItReportsAgain() {
        Home before = open();
        for (int h = 0; h < 3; h++) {
            before.read(MONDAY, String.format("%02d:00", h), "plug", ReadingKind.HEARTBEAT, "ok");
        }
        before.advance(at(MONDAY, "05:00"));
        Alert silent = before.first(AlertType.DEVICE_SILENT, AlertState.RAISED);
        assertThat(silent).isNotNull();

        Home after = open();
        after.read(MONDAY, "06:00", "hall", ReadingKind.MOTION, "on");
        after.advance(at(MONDAY, "09:00"));
        assertThat(after.of(AlertType.DEVICE_SILENT)).as("not raised again").isEmpty();
        after.read(MONDAY, "09:30", "plug", ReadingKind.POWER, "on");
        Alert cleared = after.first(AlertType.DEVICE_SILENT, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(silent.id());
        assertThat(cleared.reason()).contains("after 7 h 30 min of silence");
    }

    @Test
    void aRunningTapAtARestartIsOneEpisodeThatEndsWhenTheWaterStops() {
        Home before = open();
        for (int m = 0; m <= 32; m += 2) {
            before.read(MONDAY, String.format("10:%02d", m), "tap", ReadingKind.WATER, "8");
        }
        Alert flow = before.first(AlertType.CONTINUOUS_WATER_FLOW, AlertState.RAISED);
        assertThat(flow).isNotNull();

        Home after = open();
        for (int m = 40; m <= 58; m += 2) {
            after.read(MONDAY, String.format("10:%02d", m), "tap", ReadingKind.WATER, "8");
        }
        assertThat(after.alerts).as("the same flow, still running").isEmpty();
        after.advance(at(MONDAY, "11:10"));
        assertThat(after.events()).containsExactly("CONTINUOUS_WATER_FLOW cleared");
        assertThat(after.alerts.get(0).id()).isEqualTo(flow.id());
    }

    @Test
    void aFlowOpenAtARestartAfterWhichNoWaterCameIsClearedOnePauseLater() {
        Home before = open();
        for (int m = 0; m <= 32; m += 2) {
            before.read(MONDAY, String.format("10:%02d", m), "tap", ReadingKind.WATER, "8");
        }
        Home after = open();
        after.read(MONDAY, "12:00", "hall", ReadingKind.MOTION, "on");
        after.advance(at(MONDAY, "12:07"));
        assertThat(after.events()).containsExactly("CONTINUOUS_WATER_FLOW cleared");
        assertThat(after.alerts.get(0).id()).isEqualTo(before.first(AlertType.CONTINUOUS_WATER_FLOW, AlertState.RAISED).id());
    }

    @Test
    void aNoActivityEpisodeKeptByAnEarlierVersionInTheEngineStateIsTakenOver() {
        Path file = dir.resolve("detection.db");
        SqliteRoutineStore old = SqliteRoutineStore.open(file);
        String id = "NO_ACTIVITY/-/1709582400000";
        old.saveState(Map.of("start", at(MONDAY, "07:00").toString(), "lastActivity", at(MONDAY, "07:00").toString(),
                "seesMoreThanWater", "true",
                "open.NO_ACTIVITY", String.join(OpenEpisodes.LEGACY_SEPARATOR, id, at(MONDAY, "19:01").toString(), "",
                        "no activity for 12 h 1 min"),
                "openGap.NO_ACTIVITY", Long.toString(12 * 3600 + 60)));
        old.close();

        Home after = open();
        after.read(MONDAY, "20:00", "hall", ReadingKind.HEARTBEAT, "ok");
        after.advance(at(MONDAY, "22:00"));
        assertThat(after.of(AlertType.NO_ACTIVITY)).isEmpty();
        Home third = open();
        third.read(MONDAY, "22:10", "hall", ReadingKind.MOTION, "on");
        assertThat(third.first(AlertType.NO_ACTIVITY, AlertState.CLEARED).id()).isEqualTo(id);
    }

    @Test
    void aFileWrittenBeforeTheSchemaHadAVersionKeepsItsRoutineAndGainsTheEpisodes() throws Exception {
        Path file = dir.resolve("detection.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE routine_day (signal TEXT NOT NULL, day TEXT NOT NULL,"
                    + " slots TEXT NOT NULL, PRIMARY KEY (signal, day))");
            st.execute("CREATE TABLE engine_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
            st.execute("INSERT INTO routine_day VALUES ('water', '2024-03-04', '5,10,15')");
        }
        SqliteRoutineStore store = SqliteRoutineStore.open(file);
        assertThat(store.loadDays("water")).containsOnlyKeys(LocalDate.parse("2024-03-04"));
        Alert fire = Alert.raise(AlertType.FIRE, "smoke", at(MONDAY, "11:45"), "smoke alarm from smoke");
        store.saveEpisodes(java.util.List.of(new Episode(fire)));
        store.close();
        SqliteRoutineStore again = SqliteRoutineStore.open(file);
        assertThat(again.loadEpisodes()).containsExactly(new Episode(fire));
        again.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }

    @Test
    void anEngineWithoutAStoreStillKeepsItsEpisodesInMemory() {
        Home home = new Home(DetectionOptions.DEFAULTS);
        home.read(MONDAY, "11:45", "s", ReadingKind.SMOKE, "alarm");
        assertThat(home.engine.openAlerts()).extracting(Alert::type).containsExactly(AlertType.FIRE);
        home.read(MONDAY, "11:46", "s", ReadingKind.SMOKE, "clear");
        assertThat(home.engine.openAlerts()).isEmpty();
    }
}
