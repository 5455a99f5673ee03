package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.junit.jupiter.api.Test;

/** How much the population prior, and the outings an entrance never shows, weigh against the home's own days. */
class EvidenceWeightTest {

    /**
     * After {@code days} days, up at 07:00 as every day and then nothing from 09:40: how long until NO_ACTIVITY. Every
     * day she pauses from 09:50 to 11:10 if {@code pausesDaily}, else on two days only (a Tuesday
     * and a Friday): the same usual at that hour either way, the same every day or not.
     */
    private static Duration collapseAt0940(int days, boolean pausesDaily, boolean entrance, GapPrior prior) {
        Home h = new Home(DetectionEngine.create(DetectionOptions.DEFAULTS, prior));
        h.entrance = entrance;
        for (int d = 0; d < days; d++) {
            LocalDate day = MONDAY.plusDays(d);
            if (pausesDaily || d == 1 || d == 4) {
                h.ordinaryDayQuiet(day, "09:50", "11:10");
            } else {
                h.ordinaryDay(day);
            }
        }
        h.alerts.clear();
        LocalDate day = MONDAY.plusDays(days);
        h.ordinaryDayQuiet(day, "09:41", "23:59");
        h.advance(at(day.plusDays(1), "09:40"));
        Alert raised = h.first(AlertType.NO_ACTIVITY, AlertState.RAISED);
        assertThat(raised).isNotNull();
        return Duration.between(at(day, "09:40"), raised.time());
    }

    @Test
    void whereTheEntranceNeverReportsARegularHomeShowsItDoesNotGoOutThenAndIsNotWidenedByHalfADay() {
        // the launcher's two-week home of a reading every 30 min waited 13 h 26 here, the fixed
        // rule 12 h: the widening towards notReturnedHours ignored 14 days without an outing then
        Duration regular = collapseAt0940(14, true, false, GapPrior.SHIPPED);
        Duration seen = collapseAt0940(14, true, true, GapPrior.SHIPPED);
        assertThat(regular).as("its 14 days weigh more than the outing it never showed").isGreaterThan(seen)
                .isLessThan(seen.plusHours(2));
    }
}
