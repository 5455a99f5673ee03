package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnedRoutinePersistenceTest {

    @TempDir
    Path dir;

    private Home open(Path file) {
        // the home's own routine, as it survives a restart; the population prior is pinned in InactivityRuleTest
        return new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, ZoneOffset.UTC, SqliteRoutineStore.open(file), GapPrior.NONE));
    }

    @Test
    void aRestartKeepsTheLearnedRoutineAndTheLastActivity() throws Exception {
        Path file = dir.resolve("detection.db");
        Home before = open(file);
        for (int d = 0; d < 8; d++) {
            before.ordinaryDay(MONDAY.plusDays(d));
        }
        LocalDate day = MONDAY.plusDays(8);
        before.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
        before.advance(at(day, "07:30"));
        int learned = before.engine.learnedDays();
        assertThat(learned).isGreaterThanOrEqualTo(7);
        before.engine.close();
        assertThat(Files.size(file)).isPositive();

        Home after = open(file);
        assertThat(after.engine.learnedDays()).as("nothing read yet, the clock is not set").isZero();
        after.read(day, "07:40", "hall-pir", ReadingKind.HEARTBEAT, "ok");
        assertThat(after.engine.learnedDays()).isEqualTo(learned);
        after.advance(at(day, "12:00"));
        Alert raised = after.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).as("the last activity before the restart still counts").isNotNull();
        assertThat(Duration.between(at(day, "07:10"), raised.time())).isLessThan(Duration.ofHours(3));
        assertThat(raised.reason()).contains("usually at most", "last: hall-pir at 07:10");
        after.engine.close();
    }

    @Test
    void resetForgetsTheRoutineAcrossARestart() {
        Path file = dir.resolve("detection.db");
        Home before = open(file);
        for (int d = 0; d < 8; d++) {
            before.ordinaryDay(MONDAY.plusDays(d));
        }
        before.advance(at(MONDAY.plusDays(8), "00:01"));
        assertThat(before.engine.learnedDays()).isGreaterThanOrEqualTo(7);
        before.engine.resetLearning();
        assertThat(before.engine.learnedDays()).isZero();
        before.engine.close();

        Home after = open(file);
        after.read(MONDAY.plusDays(8), "07:00", "hall-pir", ReadingKind.MOTION, "on");
        assertThat(after.engine.learnedDays()).isZero();
        after.engine.close();
    }

    @Test
    void aStoreThatCannotBeWrittenIsCountedAndDetectionGoesOn() throws Exception {
        Path file = dir.resolve("detection.db");
        SqliteRoutineStore store = SqliteRoutineStore.open(file);
        Home home = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, ZoneOffset.UTC, store));
        home.read(MONDAY, "07:00", "hall", ReadingKind.MOTION, "on");
        store.close(); // every later write fails
        home.advance(at(MONDAY, "19:01"));
        assertThat(home.events()).contains("NO_ACTIVITY raised");
        assertThat(home.engine.storeFailures()).isPositive();
    }

    @Test
    void anAlertOpenAtARestartIsNotRaisedAgainAndItsClearKeepsItsId() {
        Path file = dir.resolve("detection.db");
        Home before = open(file);
        before.read(MONDAY, "07:00", "hall", ReadingKind.MOTION, "on");
        before.advance(at(MONDAY, "19:30"));
        Alert raised = before.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).isNotNull();
        before.engine.close();

        Home after = open(file);
        after.read(MONDAY, "20:00", "hall", ReadingKind.HEARTBEAT, "ok");
        after.advance(at(MONDAY, "23:00"));
        assertThat(after.of(AlertType.NO_ACTIVITY)).as("still the same silence").isEmpty();
        after.read(MONDAY, "23:10", "hall", ReadingKind.MOTION, "on");
        Alert cleared = after.first(AlertType.NO_ACTIVITY, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.reason()).contains("after 16 h 10 min");
        after.engine.close();
    }
}
