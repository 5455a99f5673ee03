package org.anxin.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GapPriorScaleTest {

    private static final GapPrior TWO_HOURS = GapPrior.of(filled(120), filled(240));

    private static int[] filled(int minutes) {
        int[] a = new int[RoutineModel.SLOTS];
        Arrays.fill(a, minutes);
        return a;
    }

    /** Days on which the gap around every half hour reaches {@code longestGap} at most. */
    private static List<short[]> days(int n, int longestGap) {
        List<short[]> days = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            short[] day = new short[RoutineModel.SLOTS];
            for (int s = 0; s < RoutineModel.SLOTS; s++) {
                day[s] = (short) (s % 4 == 0 ? longestGap : 10);
            }
            days.add(day);
        }
        return days;
    }

    @Test
    void aSparseHomesDaytimeGapsScaleThePopulationPriorToItsLevel() {
        // reed switches on cupboards only: daytime quiet of up to 6 h is this home's ordinary
        assertThat(TWO_HOURS.scaleFor(days(8, 360))).isEqualTo(3.0);
    }

    @Test
    void aHomeThatSeesMuchIsHeldToThePopulationsPriorNeverLess() {
        assertThat(TWO_HOURS.scaleFor(days(8, 30))).isEqualTo(1.0);
    }

    @Test
    void aScaleRestsOnAtLeastThreeDaysAndNoPriorHasNone() {
        assertThat(TWO_HOURS.scaleFor(days(2, 360))).isEqualTo(1.0);
        assertThat(GapPrior.NONE.scaleFor(days(8, 360))).isEqualTo(1.0);
    }
}
