package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.anxin.detection.api.HomeMode;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daily "I'm fine" window: 07:00 to 10:00 here, in the gateway's zone (UTC unless said). */
class CheckInRuleTest {

    /** The silence rules off, so that a day of few readings is judged by this rule alone. */
    static final DetectionOptions ON = DetectionOptions.fromProperties(Map.of("checkInEnabled", "true",
            "noActivityEnabled", "false", "noWaterUseEnabled", "false", "deviceSilentEnabled", "false"));
    static final LocalDate TUESDAY = MONDAY.plusDays(1);

    @TempDir
    Path dir;

    /** A home the engine has watched since before the window: the pendant checked in at 05:00. */
    private static Home watched(DetectionOptions options) {
        Home home = new Home(options);
        home.read(MONDAY, "05:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        return home;
    }

    @Test
    void isOffByDefault() {
        Home home = watched(DetectionOptions.DEFAULTS);
        home.advance(at(TUESDAY, "12:00"));
        assertThat(home.of(AlertType.CHECK_IN_MISSED)).isEmpty();
    }

    @Test
    void noPressAndNoSignOfBeingUpInTheWindowRaisesAWarningAtItsEndAndALaterPressClearsIt() {
        Home home = watched(ON);
        home.advance(at(MONDAY, "09:59"));
        assertThat(home.alerts).isEmpty();
        home.advance(at(MONDAY, "10:00"));
        Alert missed = home.first(AlertType.CHECK_IN_MISSED, AlertState.RAISED);
        assertThat(missed).isNotNull();
        assertThat(missed.severity()).isEqualTo(Severity.WARNING);
        assertThat(missed.time()).isEqualTo(at(MONDAY, "10:00"));
        assertThat(missed.reason()).contains("no check-in", "between 07:00 and 10:00");

        home.read(MONDAY, "10:42", "pendant", ReadingKind.CHECK_IN, "pressed");
        Alert cleared = home.first(AlertType.CHECK_IN_MISSED, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(missed.id());
        assertThat(cleared.reason()).contains("checked in", "pendant", "10:42");
        assertThat(home.events()).containsExactly("CHECK_IN_MISSED raised", "CHECK_IN_MISSED cleared");
    }

    @Test
    void aPressInsideTheWindowAnswersItAndOnlyThatDay() {
        Home home = watched(ON);
        home.read(MONDAY, "08:30", "pendant", ReadingKind.CHECK_IN, "pressed");
        home.advance(at(MONDAY, "23:00"));
        assertThat(home.alerts).isEmpty();
        home.advance(at(TUESDAY, "10:00"));
        assertThat(home.events()).as("Tuesday's window is answered by nothing").containsExactly("CHECK_IN_MISSED raised");
    }

    @Test
    void aPressBeforeTheWindowDoesNotAnswerIt() {
        Home home = watched(ON);
        home.read(MONDAY, "06:59", "pendant", ReadingKind.CHECK_IN, "pressed");
        home.advance(at(MONDAY, "10:00"));
        assertThat(home.events()).containsExactly("CHECK_IN_MISSED raised");
    }

    @Test
    void motionADoorOrWaterInTheWindowShowHerUpAndAnswerIt() {
        for (Reading up : new Reading[] {
            new Reading("hall-pir", ReadingKind.MOTION, "on", at(MONDAY, "08:00")),
            new Reading("fridge", ReadingKind.DOOR, "open", at(MONDAY, "08:00")),
            new Reading("kitchen-tap", ReadingKind.WATER, "2", at(MONDAY, "08:00"))}) {
            Home home = watched(ON);
            home.read(up.time(), up.device(), up.kind(), up.value());
            home.advance(at(MONDAY, "12:00"));
            assertThat(home.of(AlertType.CHECK_IN_MISSED)).as(up.kind().wireName()).isEmpty();
        }
    }

    @Test
    void aMatADripMotionGoingQuietOrActivityBeforeTheWindowDoNotShowHerUp() {
        Home home = watched(ON);
        home.read(MONDAY, "06:30", "hall-pir", ReadingKind.MOTION, "on");
        home.read(MONDAY, "07:30", "bed", ReadingKind.PRESENCE, "off");
        home.read(MONDAY, "07:40", "bed", ReadingKind.PRESENCE, "on");
        home.read(MONDAY, "08:00", "hall-pir", ReadingKind.MOTION, "off");
        home.read(MONDAY, "08:10", "kitchen-tap", ReadingKind.WATER, "0.1");
        home.advance(at(MONDAY, "10:00"));
        Alert missed = home.first(AlertType.CHECK_IN_MISSED, AlertState.RAISED);
        assertThat(missed).isNotNull();
        assertThat(missed.reason()).contains("last activity: bed at 2024-03-04T07:40");

        home.read(MONDAY, "11:05", "hall-pir", ReadingKind.MOTION, "on");
        assertThat(home.first(AlertType.CHECK_IN_MISSED, AlertState.CLEARED).reason())
                .contains("up and about", "hall-pir", "11:05");
    }

    @Test
    void anEmergencyCallNeitherAnswersTheWindowNorClearsAMissedOne() {
        Home home = watched(ON);
        home.read(MONDAY, "08:00", "pendant", ReadingKind.CALL, "pressed");
        home.advance(at(MONDAY, "10:00"));
        assertThat(home.events()).containsExactly("EMERGENCY_CALL raised", "CHECK_IN_MISSED raised");
        home.read(MONDAY, "10:30", "pendant", ReadingKind.CALL, "pressed");
        assertThat(home.events()).as("a second emergency, the missed check-in still open")
                .containsExactly("EMERGENCY_CALL raised", "CHECK_IN_MISSED raised", "EMERGENCY_CALL raised");
    }

    @Test
    void aCheckInPressNeverRaisesAnEmergencyCall() {
        Home home = watched(ON);
        for (String t : new String[] {"07:10", "07:11", "13:00", "22:00"}) {
            home.read(MONDAY, t, "pendant", ReadingKind.CHECK_IN, "pressed");
        }
        home.advance(at(TUESDAY, "06:00"));
        assertThat(home.of(AlertType.EMERGENCY_CALL)).isEmpty();
        assertThat(DetectionEngine.isLifeSafety(ReadingKind.CHECK_IN)).isFalse();
    }

    @Test
    void aMissedCheckInIsOneEpisodeUntilASignOfLifeHoweverManyWindowsPass() {
        Home home = watched(ON);
        home.advance(at(TUESDAY, "12:00"));
        assertThat(home.events()).containsExactly("CHECK_IN_MISSED raised");
        home.read(TUESDAY, "12:01", "front", ReadingKind.ENTRY_DOOR, "open");
        assertThat(home.events()).containsExactly("CHECK_IN_MISSED raised", "CHECK_IN_MISSED cleared");
    }

    @Test
    void aModeHoldsItBackButAnOutingTheEngineInferredDoesNotAndIsNamed() {
        Home visiting = watched(ON);
        visiting.engine.setMode(HomeMode.VISIT, at(MONDAY, "18:00"));
        visiting.advance(at(MONDAY, "12:00"));
        assertThat(visiting.alerts).isEmpty();

        Home out = watched(ON);
        out.read(MONDAY, "06:40", "front", ReadingKind.ENTRY_DOOR, "open");
        out.read(MONDAY, "06:41", "front", ReadingKind.ENTRY_DOOR, "closed");
        out.advance(at(MONDAY, "10:00"));
        assertThat(out.engine.isAway()).isTrue();
        assertThat(out.first(AlertType.CHECK_IN_MISSED, AlertState.RAISED).reason()).contains("gone out at 06:41 (front)");
    }

    @Test
    void aWindowThatBeganBeforeTheEngineSawAnythingIsNotJudged() {
        Home home = new Home(ON);
        home.read(MONDAY, "08:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        home.advance(at(TUESDAY, "09:00"));
        assertThat(home.alerts).isEmpty();
        home.advance(at(TUESDAY, "10:00"));
        assertThat(home.events()).containsExactly("CHECK_IN_MISSED raised");
    }

    @Test
    void theWindowIsInTheGatewaysZone() {
        Home home = new Home(DetectionEngine.create(ON, ZoneId.of("Asia/Shanghai"), RoutineStore.inMemory()));
        // 07:00 to 10:00 in Shanghai is 23:00 to 02:00 UTC
        home.read(Instant.parse("2024-03-04T20:00:00Z"), "pendant", ReadingKind.HEARTBEAT, "ok");
        home.read(Instant.parse("2024-03-04T23:30:00Z"), "pendant", ReadingKind.CHECK_IN, "pressed");
        home.advance(Instant.parse("2024-03-05T12:00:00Z"));
        assertThat(home.alerts).isEmpty();
        home.advance(Instant.parse("2024-03-06T02:00:00Z"));
        assertThat(home.first(AlertType.CHECK_IN_MISSED, AlertState.RAISED).time()).isEqualTo(Instant.parse("2024-03-06T02:00:00Z"));
    }

    @Test
    void aWindowEndingBeforeItStartsIsRefusedAndFallsBackWhenReadLeniently() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DetectionOptions.fromProperties(
                Map.of("checkInStart", "10:00", "checkInEnd", "07:00"))).hasMessageContaining("checkInStart", "checkInEnd");
        DetectionOptions.Lenient read = DetectionOptions.fromPropertiesLeniently(Map.of("checkInEnabled", "true",
                "checkInStart", "10:00", "checkInEnd", "07:00"));
        assertThat(read.options().checkInEnabled()).isTrue();
        assertThat(read.options().checkInStart()).hasToString("07:00");
        assertThat(read.fallbacks()).isNotEmpty();
    }

    // across restarts: a new engine on the same detection.db, the first not closed (a power cut)

    private Home onDisk() {
        return new Home(DetectionEngine.create(ON, ZoneOffset.UTC, SqliteRoutineStore.open(dir.resolve("detection.db"))));
    }

    @Test
    void aPressBeforeARestartInsideTheWindowStillAnswersIt() {
        Home before = onDisk();
        before.read(MONDAY, "05:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        before.read(MONDAY, "07:05", "pendant", ReadingKind.CHECK_IN, "pressed");

        Home after = onDisk();
        after.read(MONDAY, "07:06", "pendant", ReadingKind.HEARTBEAT, "ok");
        after.advance(at(MONDAY, "12:00"));
        assertThat(after.alerts).isEmpty();
    }

    @Test
    void aWindowMissedBeforeARestartIsOneEpisodeClearedWithItsIdAfterIt() {
        Home before = onDisk();
        before.read(MONDAY, "05:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        before.advance(at(MONDAY, "10:00"));
        Alert missed = before.first(AlertType.CHECK_IN_MISSED, AlertState.RAISED);

        Home after = onDisk();
        assertThat(after.engine.openAlerts()).containsExactly(missed);
        after.read(MONDAY, "10:05", "pendant", ReadingKind.HEARTBEAT, "ok");
        after.advance(at(MONDAY, "11:00"));
        assertThat(after.alerts).as("not raised again").isEmpty();
        after.read(MONDAY, "11:30", "pendant", ReadingKind.CHECK_IN, "pressed");
        assertThat(after.first(AlertType.CHECK_IN_MISSED, AlertState.CLEARED).id()).isEqualTo(missed.id());
    }

    @Test
    void aRestartInsideAWindowWithNoPressStillJudgesItAtItsEnd() {
        Home before = onDisk();
        before.read(MONDAY, "05:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        before.advance(at(MONDAY, "08:00"));

        Home after = onDisk();
        after.read(MONDAY, "09:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        after.advance(at(MONDAY, "10:00"));
        assertThat(after.events()).containsExactly("CHECK_IN_MISSED raised");
    }

    @Test
    void aGatewayDownAcrossTheWindowsEndJudgesTheWindowAtItsFirstMinuteBack() {
        Home before = onDisk();
        before.read(MONDAY, "05:00", "pendant", ReadingKind.HEARTBEAT, "ok");
        before.advance(at(MONDAY, "09:50"));

        Home after = onDisk();
        after.read(MONDAY, "10:30", "pendant", ReadingKind.HEARTBEAT, "ok");
        after.advance(at(MONDAY, "10:31"));
        assertThat(after.events()).containsExactly("CHECK_IN_MISSED raised");
        assertThat(after.first(AlertType.CHECK_IN_MISSED, AlertState.RAISED).time()).isEqualTo(at(MONDAY, "10:31"));
    }
}
