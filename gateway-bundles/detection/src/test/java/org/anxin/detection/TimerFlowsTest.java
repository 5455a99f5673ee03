package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimerFlowsTest {

    @TempDir
    Path dir;

    /** The garden's sprinklers: 5 L a minute through the house meter from 03:45 for an hour. */
    private static void sprinklers(Home home, LocalDate day) {
        flow(home, day, 60, "5");
    }

    /**
     * Sprinklers every night and her water every hour from 07:00 to 22:00, until on the third day
     * she stops after 08:00: by 20:00 she has used less than 10 L in 12 h.
     */
    private static Home sprinklersThenSilence(Home home) {
        for (int d = 0; d < 3; d++) {
            LocalDate day = MONDAY.plusDays(d);
            sprinklers(home, day);
            for (int hour = 7; hour <= (d < 2 ? 22 : 8); hour++) {
                home.read(day.atTime(hour, 0).toInstant(ZoneOffset.UTC), "meter", ReadingKind.WATER, "4");
            }
        }
        home.advance(at(MONDAY.plusDays(2), "20:01"));
        assertThat(home.of(AlertType.NO_WATER_USE)).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.RAISED));
        return home;
    }

    @Test
    void aTimerRunningAtItsUsualMinuteDoesNotClearNoWaterUse() {
        Home home = sprinklersThenSilence(new Home(DetectionOptions.DEFAULTS));
        LocalDate thursday = MONDAY.plusDays(3);
        sprinklers(home, thursday);
        home.advance(at(thursday, "07:00"));
        assertThat(home.of(AlertType.NO_WATER_USE)).as("300 L of sprinklers is no sign that she is up").hasSize(1);
    }

    @Test
    void aTimerRunningItsUsualLengthIsNoTapLeftOpenButAValveStuckOpenIs() {
        Home home = new Home(DetectionOptions.DEFAULTS);
        for (int d = 0; d < 2; d++) {
            flow(home, MONDAY.plusDays(d), 60, "40");
        }
        home.advance(at(MONDAY.plusDays(2), "00:01"));
        assertThat(flowAlerts(home)).as("before it is known as a timer: 30 min, and 2400 L in a day")
                .containsExactly("raised", "raised", "cleared", "cleared", "raised", "raised", "cleared", "cleared");
        home.alerts.clear();

        flow(home, MONDAY.plusDays(2), 60, "40");
        home.advance(at(MONDAY.plusDays(3), "00:01"));
        assertThat(flowAlerts(home)).as("its usual run, and its water out of the day's total").isEmpty();

        LocalDate thursday = MONDAY.plusDays(3);
        flow(home, thursday, 120, "5");
        assertThat(flowAlerts(home)).containsExactly("raised");
        Alert stuck = home.of(AlertType.CONTINUOUS_WATER_FLOW).get(0);
        assertThat(stuck.time()).as("its longest run, 59 min, and 30 more").isEqualTo(at(thursday, "05:15"));
        assertThat(stuck.reason()).contains("usual run of 59 min", "valve stuck open");
    }

    private static List<String> flowAlerts(Home home) {
        return home.of(AlertType.CONTINUOUS_WATER_FLOW).stream().map(a -> a.state().wireName()).toList();
    }

    private static void flow(Home home, LocalDate day, int minutes, String litresPerMinute) {
        for (int m = 0; m < minutes; m++) {
            home.read(at(day, "03:45").plusSeconds(60L * m), "meter", ReadingKind.WATER, litresPerMinute);
        }
    }

    @Test
    void aFlowAtAnotherMinuteIsStillSomeonesUse() {
        Home home = sprinklersThenSilence(new Home(DetectionOptions.DEFAULTS));
        home.read(MONDAY.plusDays(3), "03:30", "meter", ReadingKind.WATER, "2");
        assertThat(home.first(AlertType.NO_WATER_USE, AlertState.CLEARED)).isNotNull();
    }

    @Test
    void oneEarlierRunIsNotYetATimer() {
        Home home = new Home(DetectionOptions.DEFAULTS);
        sprinklers(home, MONDAY);
        home.read(MONDAY, "08:00", "meter", ReadingKind.WATER, "3");
        home.advance(at(MONDAY, "20:01"));
        assertThat(home.first(AlertType.NO_WATER_USE, AlertState.RAISED)).isNotNull();
        home.read(MONDAY.plusDays(1), "03:45", "meter", ReadingKind.WATER, "5");
        assertThat(home.first(AlertType.NO_WATER_USE, AlertState.CLEARED))
                .as("a long flow at this minute on one day only may be a person's").isNotNull();
    }

    @Test
    void timerFlowMinutesZeroTakesEveryFlowAsSomeonesUse() {
        Home home = sprinklersThenSilence(new Home(DetectionOptions.fromProperties(Map.of("timerFlowMinutes", "0"))));
        sprinklers(home, MONDAY.plusDays(3));
        assertThat(home.first(AlertType.NO_WATER_USE, AlertState.CLEARED)).isNotNull();
    }

    @Test
    void aRestartKeepsTheTimersLearnedAndAResetForgetsThem() {
        Path file = dir.resolve("detection.db");
        Home before = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, ZoneOffset.UTC, SqliteRoutineStore.open(file)));
        sprinklersThenSilence(before);
        before.engine.close();

        Home after = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, ZoneOffset.UTC, SqliteRoutineStore.open(file)));
        sprinklers(after, MONDAY.plusDays(3));
        assertThat(after.first(AlertType.NO_WATER_USE, AlertState.CLEARED)).isNull();
        after.engine.resetLearning();
        after.read(MONDAY.plusDays(4), "03:45", "meter", ReadingKind.WATER, "5");
        assertThat(after.first(AlertType.NO_WATER_USE, AlertState.CLEARED))
                .as("after a reset the sprinklers are learned anew").isNotNull();
        after.engine.close();
    }
}
