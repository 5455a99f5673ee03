package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.anxin.detection.api.HomeMode;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;

class AwayRuleTest {

    private final Home home = new Home(DetectionOptions.DEFAULTS);

    private void leaveAt(String time) {
        home.read(MONDAY, "07:00", "hall", ReadingKind.MOTION, "on");
        home.read(MONDAY, "07:05", "tap", ReadingKind.WATER, "3");
        passEntrance(time, 20);
    }

    /** The entrance opens at {@code time} and closes {@code seconds} later. */
    private void passEntrance(String time, int seconds) {
        home.read(MONDAY, time, "front", ReadingKind.ENTRY_DOOR, "open");
        home.read(at(MONDAY, time).plusSeconds(seconds), "front", ReadingKind.ENTRY_DOOR, "closed");
    }

    @Test
    void theEntranceThenSilenceIsAwayAndHoldsBackTheRoutineRulesThenNotReturnedAfter24Hours() {
        leaveAt("08:00");
        home.advance(at(MONDAY, "08:16"));
        assertThat(home.engine.isAway()).isTrue();
        home.advance(at(MONDAY.plusDays(1), "07:59"));
        assertThat(home.alerts).as("no NO_ACTIVITY or NO_WATER_USE while out").isEmpty();
        home.advance(at(MONDAY.plusDays(1), "08:01"));
        Alert raised = home.first(AlertType.NOT_RETURNED, AlertState.RAISED);
        assertThat(raised.time()).isEqualTo(at(MONDAY.plusDays(1), "08:01"));
        assertThat(raised.device()).isEqualTo("front");
        assertThat(raised.reason()).contains("went out at 2024-03-04T08:00:20", "not back after 24 h");
        home.advance(at(MONDAY.plusDays(2), "08:00"));
        assertThat(home.events()).containsExactly("NOT_RETURNED raised");
        home.read(MONDAY.plusDays(2), "09:00", "front", ReadingKind.ENTRY_DOOR, "open");
        Alert cleared = home.first(AlertType.NOT_RETURNED, AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.reason()).contains("back home");
        assertThat(home.engine.isAway()).isFalse();
    }

    @Test
    void afterComingBackTheGapsCountFromTheReturn() {
        leaveAt("08:00");
        home.read(MONDAY, "20:00", "front", ReadingKind.ENTRY_DOOR, "open");
        home.read(MONDAY, "20:01", "hall", ReadingKind.MOTION, "on");
        home.advance(at(MONDAY, "23:00"));
        assertThat(home.alerts).as("15 h since water, but she was out 12 of them").isEmpty();
    }

    @Test
    void comingHomeAndThenSilenceIsAGapAtHomeNotAnotherOuting() {
        leaveAt("08:00");
        home.advance(at(MONDAY, "08:16"));
        assertThat(home.engine.isAway()).isTrue();
        passEntrance("12:00", 15);
        // she collapses in the hall: nothing more
        home.advance(at(MONDAY, "23:59"));
        assertThat(home.engine.isAway()).as("the door she came in by does not make her out again").isFalse();
        assertThat(home.alerts).isEmpty();
        home.advance(at(MONDAY.plusDays(1), "12:00"));
        assertThat(home.of(AlertType.NOT_RETURNED)).isEmpty();
        Alert raised = home.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised.time()).as("the fixed 12 h, counted from her return").isEqualTo(at(MONDAY.plusDays(1), "00:01"));
        assertThat(raised.reason()).contains("last: front at 12:00:15");
    }

    @Test
    void goingOutAgainAfterComingHomeIsAnOuting() {
        leaveAt("08:00");
        home.advance(at(MONDAY, "08:16"));
        passEntrance("12:00", 15);
        passEntrance("12:30", 10);
        home.advance(at(MONDAY, "12:46"));
        assertThat(home.engine.isAway()).as("in for her keys and out again").isTrue();
    }

    @Test
    void theEntranceFollowedByActivityInsideIsNotAway() {
        leaveAt("08:00");
        home.read(MONDAY, "08:05", "hall", ReadingKind.MOTION, "on");
        home.advance(at(MONDAY, "20:10"));
        assertThat(home.engine.isAway()).isFalse();
        assertThat(home.events()).contains("NO_ACTIVITY raised").doesNotContain("NOT_RETURNED raised");
    }

    @Test
    void notReturnedHoursIsConfigurable() {
        Home h = new Home(DetectionOptions.fromProperties(Map.of("notReturnedHours", "6")));
        h.read(MONDAY, "07:00", "hall", ReadingKind.MOTION, "on");
        h.read(MONDAY, "08:00", "front", ReadingKind.ENTRY_DOOR, "closed");
        h.advance(at(MONDAY, "14:01"));
        assertThat(h.events()).containsExactly("NOT_RETURNED raised");
    }

    @Test
    void anAwayModeHoldsBackEverythingRoutineUntilItsEndThenGapsCountFromTheEnd() {
        home.read(MONDAY, "07:00", "hall", ReadingKind.MOTION, "on");
        home.engine.setMode(HomeMode.AWAY, at(MONDAY.plusDays(3), "12:00"));
        home.advance(at(MONDAY.plusDays(3), "12:00"));
        assertThat(home.alerts).isEmpty();
        assertThat(home.engine.mode()).isNull();
        home.advance(at(MONDAY.plusDays(3), "23:59"));
        assertThat(home.alerts).as("12 h not yet passed since the mode ended").isEmpty();
        home.advance(at(MONDAY.plusDays(4), "00:01"));
        assertThat(home.events()).contains("NO_ACTIVITY raised");
    }

    @Test
    void aModeHoldsBackNotReturnedAndCanBeClearedEarly() {
        leaveAt("08:00");
        home.engine.setMode(HomeMode.VISIT, at(MONDAY.plusDays(5), "00:00"));
        home.advance(at(MONDAY.plusDays(2), "00:00"));
        assertThat(home.alerts).isEmpty();
        home.engine.clearMode();
        home.advance(at(MONDAY.plusDays(2), "00:01"));
        assertThat(home.events()).containsExactly("NOT_RETURNED raised");
    }

    @Test
    void aModeMustEndInTheFuture() {
        home.read(MONDAY, "07:00", "hall", ReadingKind.MOTION, "on");
        assertThatThrownBy(() -> home.engine.setMode(HomeMode.AWAY, at(MONDAY, "06:00")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after now");
    }
}
