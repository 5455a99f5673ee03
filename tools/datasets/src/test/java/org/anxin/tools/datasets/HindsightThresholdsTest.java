package org.anxin.tools.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HindsightThresholdsTest {

    private static final LocalDateTime DAY = LocalDateTime.parse("2024-03-04T00:00");

    /** Three days: up at 07:00, then something every hour until 22:00, asleep until the next 07:00. */
    private static List<LocalDateTime> routine() {
        List<LocalDateTime> events = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            for (int h = 7; h <= 22; h++) {
                events.add(DAY.plusDays(d).plusHours(h));
            }
        }
        return events;
    }

    @Test
    void aDaytimeSilenceIsCaughtOnceItPassesTheLongestGapTheDaysReachedAtThatHour() {
        HindsightThresholds ideal = new HindsightThresholds(routine(), Spans.NONE, DAY.plusHours(7), DAY.plusDays(3));

        // all activity stops at 10:30 on the second day; the last event was at 10:00, and no gap
        // in the afternoon ever passed 59 min
        assertEquals(Duration.ofMinutes(30), ideal.timeToDetect(DAY.plusDays(1).plusHours(10).plusMinutes(30), Duration.ofHours(48)));
    }

    @Test
    void aSilenceAtNightIsCaughtOnlyAfterTheUsualWakingTime() {
        HindsightThresholds ideal = new HindsightThresholds(routine(), Spans.NONE, DAY.plusHours(7), DAY.plusDays(3));

        // asleep since 22:00: on the other nights the gap reached 8 h 59 by 06:59, so the night's
        // silence passes for normal until 07:00, when every other day had begun
        Duration d = ideal.timeToDetect(DAY.plusDays(1).plusHours(23), Duration.ofHours(48));
        assertEquals(Duration.ofHours(8), d);
    }

    @Test
    void gapsCountFromTheReturnHomeAndOutingsTeachNothing() {
        LocalDateTime left = DAY.plusDays(1).plusHours(10);
        Spans out = new Spans(List.<LocalDateTime[]>of(new LocalDateTime[] {left, left.plusHours(5)}));
        List<LocalDateTime> events = routine().stream().filter(t -> !out.contains(t)).toList();
        HindsightThresholds ideal = new HindsightThresholds(events, out, DAY.plusHours(7), DAY.plusDays(3));

        // had the 5 hours out counted as a gap at home, a silence from 15:00 would wait for 5 h
        assertEquals(Duration.ofHours(1), ideal.timeToDetect(left.plusHours(5), Duration.ofHours(48)));
        assertNull(new HindsightThresholds(List.of(), Spans.NONE, DAY, DAY.plusDays(1)).timeToDetect(DAY, Duration.ofHours(48)));
    }
}
