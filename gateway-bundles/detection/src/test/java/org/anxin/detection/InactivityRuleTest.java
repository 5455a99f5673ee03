package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.junit.jupiter.api.Test;

class InactivityRuleTest {

    private static final LocalDate TUESDAY = MONDAY.plusDays(1);

    /** These tests pin the home's own routine; the population prior's widening is pinned apart, below. */
    private final Home home = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, GapPrior.NONE));

    @Test
    void fixedWaterRuleRaisesWhenLessThanTenLitresWereUsedInTwelveHours() {
        // a home with only a meter: the city rule stands
        home.read(MONDAY, "06:00", "tap", ReadingKind.WATER, "1");
        home.read(MONDAY, "06:30", "tap", ReadingKind.WATER, "3");
        home.advance(at(MONDAY, "17:59"));
        assertThat(home.of(AlertType.NO_WATER_USE)).as("not yet 12 h observed").isEmpty();
        home.advance(at(MONDAY, "18:01"));
        Alert raised = home.first(AlertType.NO_WATER_USE, AlertState.RAISED);
        assertThat(raised).isNotNull();
        assertThat(raised.time()).isEqualTo(at(MONDAY, "18:00"));
        assertThat(raised.severity()).isEqualTo(Severity.WARNING);
        assertThat(raised.device()).isNull();
        assertThat(raised.reason()).contains("no water for 11 h 30 min", "3 L in the last 12 h", "less than 10 L");
    }

    @Test
    void inTheFirstWeekAFrugalElderWhoMovesAboutRaisesNoWaterAlarm() {
        // under 10 L in 12 h, but the hall and the kitchen door are in use all day
        home.read(MONDAY, "06:00", "tap", ReadingKind.WATER, "3");
        for (int h = 7; h <= 21; h++) {
            home.read(at(MONDAY, String.format("%02d:15", h)), "hall", ReadingKind.MOTION, "on");
        }
        home.read(MONDAY, "17:45", "bathroom-flush", ReadingKind.WATER, "3");
        home.advance(at(MONDAY, "22:00"));
        assertThat(home.of(AlertType.NO_WATER_USE)).as("the rest of the home is not still").isEmpty();

        // once nothing has moved for as long as the activity rule allows, the home is still: said
        // once, by NO_ACTIVITY, not again by the water rule
        home.advance(at(TUESDAY, "10:30"));
        Alert raised = home.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).isNotNull();
        assertThat(raised.time()).isEqualTo(at(TUESDAY, "09:15"));
        assertThat(home.of(AlertType.NO_WATER_USE)).as("the same silence").isEmpty();
    }

    @Test
    void inTheFirstWeekANightAsLongAsOneAlreadySeenIsNoEmergencyButAStillDayIs() {
        // no bed mat: from 20:50 to 09:10 nothing reports, every night (she sleeps long)
        for (int d = 0; d < 4; d++) {
            LocalDate day = MONDAY.plusDays(d);
            for (int h = 9; h < 21; h++) {
                home.read(at(day, String.format("%02d:10", h)), "hall", ReadingKind.MOTION, "on");
                home.read(at(day, String.format("%02d:50", h)), "hall", ReadingKind.MOTION, "on");
            }
        }
        home.read(MONDAY.plusDays(4), "09:10", "hall", ReadingKind.MOTION, "on");
        assertThat(raises(AlertType.NO_ACTIVITY)).as("the first night only: its 12 h were new")
                .containsExactly(at(TUESDAY, "08:50"));
        // a still day is not a night: nothing that long was seen in the evening, the fixed 12 h stand
        home.advance(at(MONDAY.plusDays(4), "22:00"));
        assertThat(raises(AlertType.NO_ACTIVITY)).containsExactly(at(TUESDAY, "08:50"), at(MONDAY.plusDays(4), "21:10"));
    }

    private List<Instant> raises(AlertType type) {
        return home.of(type).stream().filter(a -> a.state() == AlertState.RAISED).map(Alert::time).toList();
    }

    @Test
    void inAHomeWithOnlyAMeterTheLearnedWaterRuleIsWidenedTowardsThePopulationPriorOnFewDays() {
        int[] tenHours = new int[RoutineModel.SLOTS];
        java.util.Arrays.fill(tenHours, 600);
        Duration own = meterOnlyCollapse(GapPrior.NONE);
        Duration widened = meterOnlyCollapse(GapPrior.of(tenHours, tenHours));
        assertThat(widened).isGreaterThan(own.plusHours(2)).isLessThan(Duration.ofHours(12));
    }

    private static Duration meterOnlyCollapse(GapPrior prior) {
        Home meter = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, prior));
        for (int d = 0; d < 9; d++) {
            for (int h = 7; h < 23; h++) {
                meter.read(MONDAY.plusDays(d), String.format("%02d:20", h), "meter", ReadingKind.WATER, "3");
            }
        }
        LocalDate day = MONDAY.plusDays(9);
        meter.alerts.clear();
        meter.read(day, "07:20", "meter", ReadingKind.WATER, "3");
        meter.advance(at(day, "23:59"));
        Alert raised = meter.first(AlertType.NO_WATER_USE, AlertState.RAISED);
        assertThat(raised).isNotNull();
        if (prior.present()) {
            assertThat(raised.reason()).contains("widened by the population prior");
        }
        return Duration.between(at(day, "07:20"), raised.time());
    }

    @Test
    void tenLitresInTwelveHoursKeepsTheFixedWaterRuleQuiet() {
        home.read(MONDAY, "06:00", "tap", ReadingKind.WATER, "6");
        home.read(MONDAY, "12:00", "tap", ReadingKind.WATER, "6");
        home.advance(at(MONDAY, "17:59"));
        assertThat(home.of(AlertType.NO_WATER_USE)).isEmpty();
    }

    @Test
    void waterUseClearsNoWaterUseWithTheSameIdAndItIsRaisedOncePerEpisode() {
        home.read(MONDAY, "06:00", "tap", ReadingKind.WATER, "1");
        home.advance(at(MONDAY, "23:00"));
        assertThat(home.of(AlertType.NO_WATER_USE)).hasSize(1);
        home.read(MONDAY, "23:30", "tap", ReadingKind.WATER, "0.2");
        assertThat(home.of(AlertType.NO_WATER_USE)).as("a drip is not a use").hasSize(1);
        home.read(MONDAY, "23:40", "tap", ReadingKind.WATER, "4");
        Alert raised = home.of(AlertType.NO_WATER_USE).get(0);
        Alert cleared = home.of(AlertType.NO_WATER_USE).get(1);
        assertThat(cleared.state()).isEqualTo(AlertState.CLEARED);
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.reason()).contains("water used again at tap");
    }

    @Test
    void fixedActivityRuleRaisesAfterTwelveHoursAndHeartbeatsAreNotActivity() {
        home.read(MONDAY, "08:00", "hall", ReadingKind.MOTION, "on");
        for (int h = 9; h <= 20; h++) {
            home.read(at(MONDAY, String.format("%02d:00", h)), "hall", ReadingKind.HEARTBEAT, "ok");
            home.read(at(MONDAY, String.format("%02d:05", h)), "hall", ReadingKind.MOTION, "off");
            home.read(at(MONDAY, String.format("%02d:06", h)), "hall", ReadingKind.BATTERY, "80");
        }
        home.advance(at(MONDAY, "21:00"));
        Alert raised = home.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised.time()).isEqualTo(at(MONDAY, "20:00"));
        assertThat(raised.reason()).contains("no activity for 12 h", "last: hall at 08:00");
        home.read(MONDAY, "21:10", "fridge", ReadingKind.DOOR, "open");
        assertThat(home.first(AlertType.NO_ACTIVITY, AlertState.CLEARED).reason()).contains("activity again at fridge");
    }

    @Test
    void withFewLearnedDaysThePopulationPriorWidensTheAllowanceAndTheHomesOwnDaysNarrowItAgain() {
        Duration alone = morningCollapseAfter(8, GapPrior.NONE);
        Duration fewDays = morningCollapseAfter(8, GapPrior.SHIPPED);
        Duration fourWeeks = morningCollapseAfter(29, GapPrior.SHIPPED);
        // the shipped prior holds that some homes are still asleep at 07:30-10:00 (up to 9 h):
        // on a week of her own, that weighs as much as her week
        assertThat(fewDays).as("widened on few days").isGreaterThan(alone.plusHours(1));
        assertThat(fourWeeks).as("narrowed as her own days grow").isLessThan(fewDays).isGreaterThanOrEqualTo(alone);
        assertThat(fewDays).as("still far sooner than the fixed 12 h").isLessThan(Duration.ofHours(8));
    }

    /** After {@code days} ordinary days, up at 07:10 and then nothing: how long until NO_ACTIVITY. */
    private static Duration morningCollapseAfter(int days, GapPrior prior) {
        Home h = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, prior));
        for (int d = 0; d < days; d++) {
            h.ordinaryDay(MONDAY.plusDays(d));
        }
        h.alerts.clear();
        LocalDate day = MONDAY.plusDays(days);
        h.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
        h.advance(at(day, "23:00"));
        Alert raised = h.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).isNotNull();
        if (prior.equals(GapPrior.SHIPPED) && days < 14) {
            assertThat(raised.reason()).contains("widened by the population prior");
        }
        return Duration.between(at(day, "07:10"), raised.time());
    }

    @Test
    void theLearnedRoutineRaisesNoActivityWithinHoursOnADayAndNotAtNight() {
        for (int d = 0; d < 8; d++) {
            home.ordinaryDay(MONDAY.plusDays(d));
        }
        assertThat(home.engine.learnedDays()).isGreaterThanOrEqualTo(7);
        home.alerts.clear();
        home.ordinaryDay(MONDAY.plusDays(8));
        assertThat(home.events()).as("an ordinary day and night raise nothing once learned").isEmpty();
        LocalDate day = MONDAY.plusDays(9);
        home.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
        home.read(day, "07:20", "kitchen-tap", ReadingKind.WATER, "2");
        for (int h = 8; h < 24; h++) {
            home.read(at(day, String.format("%02d:00", h)), "hall-pir", ReadingKind.HEARTBEAT, "ok");
        }
        Alert raised = home.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).isNotNull();
        Duration toDetect = Duration.between(at(day, "07:10"), raised.time());
        assertThat(toDetect).as("far sooner than the fixed 12 h").isLessThan(Duration.ofHours(3));
        assertThat(raised.reason()).contains("no activity for", "usually at most", "at this hour");
        assertThat(home.of(AlertType.NO_WATER_USE)).as("the same silence, said once by NO_ACTIVITY").isEmpty();
    }

    private List<String> routineEvents() {
        return home.events().stream().filter(e -> e.startsWith("NO_")).toList();
    }

    @Test
    void aSilenceOfTheWholeHomeIsSaidOnceByNoActivity() {
        for (int d = 0; d < 8; d++) {
            home.ordinaryDay(MONDAY.plusDays(d));
        }
        home.alerts.clear();
        LocalDate day = MONDAY.plusDays(8);
        home.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
        home.read(day, "07:20", "kitchen-tap", ReadingKind.WATER, "2");
        home.advance(at(day, "12:00"));
        assertThat(routineEvents()).containsExactly("NO_ACTIVITY raised");
        // she moves again but uses no water: NO_ACTIVITY clears, and water unused while she moves
        // about is no emergency
        for (int h = 12; h < 22; h++) {
            home.read(at(day, String.format("%02d:30", h)), "hall-pir", ReadingKind.MOTION, "on");
        }
        home.advance(at(day, "22:00"));
        assertThat(routineEvents()).containsExactly("NO_ACTIVITY raised", "NO_ACTIVITY cleared");
    }

    @Test
    void noWaterWhileSheStillMovesAboutIsNotRaisedBeforeTheRestOfTheHomeIsAbnormallyStill() {
        for (int d = 0; d < 8; d++) {
            home.ordinaryDay(MONDAY.plusDays(d));
        }
        home.alerts.clear();
        // no water after breakfast; she moves about more slowly than usual (every 90 min, where
        // 30 min is usual) but not for so long that NO_ACTIVITY would call it abnormal
        LocalDate day = MONDAY.plusDays(8);
        home.read(day, "07:20", "kitchen-tap", ReadingKind.WATER, "2");
        for (int m = 7 * 60 + 10; m <= 22 * 60; m += 90) {
            home.read(at(day, String.format("%02d:%02d", m / 60, m % 60)), "hall-pir", ReadingKind.MOTION, "on");
        }
        for (int h = 8; h <= 22; h++) {
            home.read(at(day, String.format("%02d:00", h)), "hall-pir", ReadingKind.HEARTBEAT, "ok");
        }
        home.advance(at(day, "22:30"));
        assertThat(home.of(AlertType.NO_ACTIVITY)).isEmpty();
        assertThat(home.of(AlertType.NO_WATER_USE)).as("water unused for 15 h, but the home is not abnormally still").isEmpty();
    }

    @Test
    void aLongGapThatHappensEveryMondayIsNormalOnMondaysOnly() {
        // Monday mornings she sits at the window from 07:20 to 12:10: no sensor sees her
        Home mondays = new Home(DetectionOptions.DEFAULTS);
        for (int d = 0; d < 14; d++) {
            LocalDate day = MONDAY.plusDays(d);
            if (day.getDayOfWeek() == java.time.DayOfWeek.MONDAY) {
                mondays.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
                mondays.read(day, "07:20", "kitchen-tap", ReadingKind.WATER, "2");
                for (int h = 0; h < 24; h++) {
                    mondays.read(day.atTime(h, 0).toInstant(java.time.ZoneOffset.UTC), "hall-pir", ReadingKind.HEARTBEAT, "ok");
                    if (h >= 12 && h <= 22) {
                        mondays.read(day.atTime(h, 10).toInstant(java.time.ZoneOffset.UTC), "hall-pir", ReadingKind.MOTION, "on");
                    }
                }
            } else {
                mondays.ordinaryDay(day);
            }
        }
        mondays.advance(at(MONDAY.plusDays(15), "00:00"));
        RoutineModel model = modelOf(mondays);
        RoutineModel.Usual monday = model.usual(at(MONDAY.plusDays(14), "11:00"));
        RoutineModel.Usual tuesday = model.usual(at(MONDAY.plusDays(15), "11:00"));
        assertThat(monday.atMost()).isGreaterThan(Duration.ofHours(3));
        assertThat(monday.weekdaySpecific()).isTrue();
        assertThat(tuesday.atMost()).isLessThan(Duration.ofHours(1));
        assertThat(tuesday.weekdaySpecific()).isFalse();
    }

    @Test
    void aSilenceJudgedAbnormalIsNotLearnedAsRoutine() {
        for (int d = 0; d < 8; d++) {
            home.ordinaryDay(MONDAY.plusDays(d));
        }
        home.alerts.clear();
        // three days running, on three weekdays, nothing moves from 07:20 to 21:30: an incident
        // each time, or an absence no sensor saw. Were the first two learned, the third would look
        // usual (a long gap on two weekdays is normal on every day) and wait for the maximum.
        for (int d = 8; d < 11; d++) {
            LocalDate day = MONDAY.plusDays(d);
            home.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
            home.read(day, "07:20", "kitchen-tap", ReadingKind.WATER, "2");
            home.advance(at(day, "21:30"));
            home.read(day, "21:30", "hall-pir", ReadingKind.MOTION, "on");
            home.advance(at(day.plusDays(1), "00:00"));
            Instant raised = home.alerts.stream()
                    .filter(a -> a.type() == AlertType.NO_ACTIVITY && a.state() == AlertState.RAISED
                            && a.time().isAfter(at(day, "07:10")) && a.time().isBefore(at(day, "21:30")))
                    .map(Alert::time).findFirst().orElse(null);
            assertThat(raised).as("NO_ACTIVITY on day %d", d).isNotNull();
            assertThat(Duration.between(at(day, "07:10"), raised)).as("day %d", d).isLessThan(Duration.ofHours(3));
        }
        assertThat(modelOf(home).usual(at(MONDAY.plusDays(11), "12:00")).atMost())
                .as("the routine at noon is still the ordinary days'").isLessThan(Duration.ofHours(1));
    }

    @Test
    void anAfternoonInTheArmchairIsNormalButTheSameSilenceUpAndAboutIsRaisedWithinTheUpRoutine() {
        // every other afternoon she sits in the armchair from 13:05 to 15:35 and nothing else
        // reports; on the other days she moves about as usual
        for (int d = 0; d < 9; d++) {
            LocalDate day = MONDAY.plusDays(d);
            if (d % 2 == 0) {
                armchairAfternoon(day);
            } else {
                home.ordinaryDay(day);
            }
        }
        assertThat(home.of(AlertType.NO_ACTIVITY).stream().filter(a -> !a.time().isBefore(at(MONDAY.plusDays(7), "00:00"))))
                .as("her afternoon in the armchair, once learned").isEmpty();
        home.alerts.clear();

        // the next day she is up at 13:10 and then nothing moves: a fall, not a rest
        LocalDate day = MONDAY.plusDays(9);
        home.ordinaryDayQuiet(day, "13:20", "23:59");
        Alert raised = home.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).isNotNull();
        assertThat(Duration.between(at(day, "13:10"), raised.time()))
                .as("judged by her afternoons up and about, not by the 2 h 30 min she rests on other afternoons")
                .isLessThanOrEqualTo(Duration.ofMinutes(121));
        assertThat(raised.reason()).doesNotContain("while resting");
    }

    private void armchairAfternoon(LocalDate day) {
        home.ordinaryDayQuiet(day, "13:05", "15:35",
                new Reading("armchair", ReadingKind.PRESENCE, "on", at(day, "13:05")),
                new Reading("armchair", ReadingKind.PRESENCE, "off", at(day, "15:35")));
    }

    @Test
    void aNewDailyHabitIsRaisedOnItsFirstDaysEachDayLaterThenLearned() {
        for (int d = 0; d < 8; d++) {
            home.ordinaryDay(MONDAY.plusDays(d));
        }
        home.alerts.clear();
        // from now on she spends every afternoon in the garden, out of the sensors' sight, 13:15 to 16:40
        List<LocalTime> raisedAt = new ArrayList<>();
        for (int d = 0; d < 8; d++) {
            LocalDate day = MONDAY.plusDays(8 + d);
            home.alerts.clear();
            home.ordinaryDayQuiet(day, "13:15", "16:40");
            List<Alert> raised = home.of(AlertType.NO_ACTIVITY).stream().filter(a -> a.state() == AlertState.RAISED).toList();
            assertThat(raised).as("day %d", d).hasSizeLessThanOrEqualTo(1);
            raisedAt.add(raised.isEmpty() ? null : LocalTime.ofInstant(raised.get(0).time(), ZoneOffset.UTC));
        }
        // the half hours of an open alert are not learned (an incident must not become routine),
        // those before it are: each day the threshold grows past the last day's alert
        assertThat(raisedAt.get(0)).as("the first minute past 2 h, the minimum, after 13:10").isEqualTo(LocalTime.of(15, 11));
        assertThat(raisedAt.subList(0, 4)).doesNotContainNull().isSortedAccordingTo(Comparator.naturalOrder());
        assertThat(raisedAt.subList(4, 8)).as("learned by the fifth day").containsOnlyNulls();
    }

    @Test
    void theMarginOverTheUsualShrinksAsTheUsualRestsOnMoreDays() {
        InactivityRule rule = new InactivityRule(InactivityRule.Signal.ACTIVITY, DetectionOptions.DEFAULTS,
                new HomeState(ZoneOffset.UTC, DetectionOptions.DEFAULTS), Routine.open(ZoneOffset.UTC, RoutineStore.inMemory()));
        Duration fourHours = Duration.ofHours(4);
        assertThat(rule.threshold(usual(fourHours, 3))).as("few days: the whole usual").isEqualTo(Duration.ofHours(8));
        assertThat(rule.threshold(usual(fourHours, 7))).isEqualTo(Duration.ofHours(8));
        assertThat(rule.threshold(usual(fourHours, 14))).as("half of it").isEqualTo(Duration.ofHours(6));
        assertThat(rule.threshold(usual(fourHours, 28))).as("a quarter").isEqualTo(Duration.ofHours(5));
        assertThat(rule.threshold(usual(Duration.ofMinutes(100), 28))).as("never less than learnedMarginMinutes")
                .isEqualTo(Duration.ofMinutes(160));
        assertThat(rule.threshold(usual(Duration.ofMinutes(20), 28))).as("nor than learnedMinimumMinutes")
                .isEqualTo(Duration.ofMinutes(120));
        assertThat(rule.threshold(usual(Duration.ofHours(14), 7))).as("nor more than learnedMaximumHours")
                .isEqualTo(Duration.ofHours(24));
    }

    private static RoutineModel.Usual usual(Duration atMost, int days) {
        return new RoutineModel.Usual(atMost, false, DayOfWeek.MONDAY, days);
    }

    private static RoutineModel modelOf(Home h) {
        try {
            var field = DetectionEngine.class.getDeclaredField("routine");
            field.setAccessible(true);
            return ((Routine) field.get(h.engine)).activity();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void untilEnoughDaysAreLearnedTheFixedRuleAppliesAlone() {
        for (int d = 0; d < 3; d++) {
            home.ordinaryDay(MONDAY.plusDays(d));
        }
        LocalDate day = MONDAY.plusDays(3);
        home.read(day, "07:10", "hall-pir", ReadingKind.MOTION, "on");
        home.advance(at(day, "19:09"));
        assertThat(home.of(AlertType.NO_ACTIVITY)).isEmpty();
        home.advance(at(day, "19:11"));
        assertThat(home.first(AlertType.NO_ACTIVITY, AlertState.RAISED).reason()).contains("fixed rule");
    }

    @Test
    void disabledRoutineRulesRaiseNothing() {
        Home off = new Home(DetectionOptions.fromProperties(Map.of("noWaterUseEnabled", "false", "noActivityEnabled", "false")));
        off.read(MONDAY, "06:00", "tap", ReadingKind.WATER, "1");
        off.advance(at(MONDAY.plusDays(3), "06:00"));
        assertThat(off.alerts).isEmpty();
    }
}
