package org.anxin.tools.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnavoidableAlarmsTest {

    private static final LocalDateTime DAY = LocalDateTime.parse("2020-07-20T00:00");
    private static final Duration HORIZON = Duration.ofHours(48);
    private static final Duration NOT_RETURNED = Duration.ofHours(24);

    @Test
    void aSilenceLongerThanTheHorizonForcesAnAlarmWhereverItStarts() {
        List<LocalDateTime> activity = List.of(DAY.plusHours(8), DAY.plusHours(9), DAY.plusDays(3).plusHours(10));

        UnavoidableAlarms.Floor floor = UnavoidableAlarms.count(activity, Set.of(), DAY, DAY.plusDays(4), HORIZON, NOT_RETURNED);

        assertEquals(new UnavoidableAlarms.Floor(1, 0), floor);
    }

    @Test
    void aDayAndAHalfAwayForcesAnAlarmOnlyWhenItBeganAtTheEntrance() {
        LocalDateTime door = DAY.plusHours(9);
        List<LocalDateTime> leftByTheDoor = List.of(DAY.plusHours(8), door, DAY.plusDays(1).plusHours(21));
        List<LocalDateTime> quietAtHome = List.of(DAY.plusHours(8), DAY.plusHours(9), DAY.plusDays(1).plusHours(21));

        assertEquals(new UnavoidableAlarms.Floor(0, 1),
                UnavoidableAlarms.count(leftByTheDoor, Set.of(door), DAY, DAY.plusDays(3), HORIZON, NOT_RETURNED));
        // 36 h at home is within the horizon: a detector may wait it out
        assertEquals(new UnavoidableAlarms.Floor(0, 0),
                UnavoidableAlarms.count(quietAtHome, Set.of(), DAY, DAY.plusDays(3), HORIZON, NOT_RETURNED));
    }

    @Test
    void silencesThatStartBeforeTheJudgedDaysAreNotCounted() {
        List<LocalDateTime> activity = List.of(DAY.plusHours(8), DAY.plusDays(3));

        assertEquals(0, UnavoidableAlarms.count(activity, Set.of(), DAY.plusDays(1), DAY.plusDays(4), HORIZON, NOT_RETURNED).total());
    }
}
