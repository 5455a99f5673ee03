package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RoutineSpreadTest {

    private final RoutineModel model = new RoutineModel("activity", ZoneOffset.UTC, RoutineStore.inMemory());

    /** A day whose gap is {@code minutes} at every half hour's end. */
    private void day(int d, int minutes) {
        for (int s = 1; s <= RoutineModel.SLOTS; s++) {
            model.record(at(MONDAY.plusDays(d), "00:00").plusSeconds(s * 1800L), minutes);
        }
    }

    @Test
    void theSameGapEveryDayIsRegularAndAFarLongerDayThanTheTypicalOneIsNot() {
        for (int d = 0; d < 5; d++) {
            day(d, 30);
        }
        assertThat(model.spread(at(MONDAY.plusDays(5), "11:00"))).isEqualTo(new RoutineModel.Spread(0, 5));
        day(5, 240);
        day(6, 30);
        // median 30 of a longest 240
        assertThat(model.spread(at(MONDAY.plusDays(7), "11:00")).irregularity()).isCloseTo(1 - 30.0 / 240, within(1e-9));
    }

    @Test
    void onFewerThanTwoDaysNothingShowsTheHomeIsRegular() {
        day(0, 30);
        assertThat(model.spread(at(MONDAY.plusDays(1), "11:00"))).isEqualTo(new RoutineModel.Spread(1, 1));
    }

    @Test
    void thePopulationPriorWeighsAsSevenDaysAgainstAHomeWhoseGapVariesAndLessTheLongerAHomeIsRegular() {
        RoutineModel irregular = new RoutineModel("activity", ZoneOffset.UTC, RoutineStore.inMemory());
        for (int d = 0; d < 14; d++) {
            day(d, 30);
            for (int s = 1; s <= RoutineModel.SLOTS; s++) {
                irregular.record(at(MONDAY.plusDays(d), "00:00").plusSeconds(s * 1800L), d == 3 || d == 8 ? 240 : 10);
            }
        }
        java.time.Instant now = at(MONDAY.plusDays(14), "11:00");
        // 14 alike days against a prior of "irregular" weighed as 7: a third of 7 days
        assertThat(InactivityRule.priorWeight(model, now)).isCloseTo(7.0 / 3, within(1e-9));
        assertThat(InactivityRule.priorWeight(irregular, now)).isGreaterThan(6.5);
        assertThat(InactivityRule.priorWeight(new RoutineModel("w", ZoneOffset.UTC, RoutineStore.inMemory()), now))
                .as("nothing learned: the prior's full weight").isEqualTo(7.0);
    }
}
