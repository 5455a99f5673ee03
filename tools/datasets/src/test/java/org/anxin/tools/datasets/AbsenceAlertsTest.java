package org.anxin.tools.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.AlertType;
import org.junit.jupiter.api.Test;

class AbsenceAlertsTest {

    private static final LocalDateTime DAY = LocalDateTime.parse("2020-07-20T00:00");
    private static final Duration HORIZON = Duration.ofHours(48);
    private static final Duration NOT_RETURNED = Duration.ofHours(24);

    @Test
    void aSilenceLongerThanTheHorizonIsAnAbsenceWhereverItStarts() {
        List<LocalDateTime> activity = List.of(DAY.plusHours(8), DAY.plusHours(9), DAY.plusDays(3).plusHours(10));

        AbsenceAlerts a = new AbsenceAlerts(activity, Set.of(), HORIZON, NOT_RETURNED);

        assertEquals(1, a.absences().size());
        assertTrue(a.claim(AlertType.NO_WATER_USE, DAY.plusDays(1)));
    }

    @Test
    void aDayAndAHalfAwayIsAnAbsenceOnlyWhenItBeganAtTheEntrance() {
        LocalDateTime door = DAY.plusHours(9);
        List<LocalDateTime> leftByTheDoor = List.of(DAY.plusHours(8), door, DAY.plusDays(1).plusHours(21));
        List<LocalDateTime> quietAtHome = List.of(DAY.plusHours(8), DAY.plusHours(9), DAY.plusDays(1).plusHours(21));

        assertTrue(new AbsenceAlerts(leftByTheDoor, Set.of(door), HORIZON, NOT_RETURNED).claim(AlertType.NOT_RETURNED, DAY.plusDays(1).plusHours(9)));
        // 36 h at home is within the horizon: a detector may wait it out, and an alert there is false
        assertFalse(new AbsenceAlerts(quietAtHome, Set.of(), HORIZON, NOT_RETURNED).claim(AlertType.NO_ACTIVITY, DAY.plusDays(1)));
    }

    @Test
    void aSecondAlertOfTheSameTypeInOneAbsenceIsAFalseAlarm() {
        AbsenceAlerts a = new AbsenceAlerts(List.of(DAY, DAY.plusDays(4)), Set.of(), HORIZON, NOT_RETURNED);

        assertTrue(a.claim(AlertType.NO_WATER_USE, DAY.plusHours(12)));
        assertTrue(a.claim(AlertType.NO_ACTIVITY, DAY.plusHours(13)));
        assertFalse(a.claim(AlertType.NO_WATER_USE, DAY.plusDays(2)));
        assertFalse(a.claim(AlertType.NO_WATER_USE, DAY.plusDays(5)), "after the absence");
    }
}
