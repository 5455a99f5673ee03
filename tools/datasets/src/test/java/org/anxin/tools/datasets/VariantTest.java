package org.anxin.tools.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;

class VariantTest {

    private static final LocalDateTime DAY = LocalDateTime.parse("2020-07-20T00:00");

    private static HomeData home() {
        List<ScenarioRow> rows = new ArrayList<>();
        for (int d = 0; d < 5; d++) {
            for (String device : List.of("hall", "kitchen", "bath")) {
                rows.add(new ScenarioRow(DAY.plusDays(d).plusHours(9), device, ReadingKind.MOTION, "on"));
            }
            rows.add(new ScenarioRow(DAY.plusDays(d).plusHours(10), "bed", ReadingKind.PRESENCE, "on"));
            rows.add(new ScenarioRow(DAY.plusDays(d).plusHours(11), "bed", ReadingKind.PRESENCE, "off"));
            rows.add(new ScenarioRow(DAY.plusDays(d).plusHours(12), "tap", ReadingKind.WATER, "6"));
        }
        Spans out = new Spans(List.<LocalDateTime[]>of(new LocalDateTime[] {DAY.plusHours(13), DAY.plusHours(14)}));
        return new HomeData(rows, out, Spans.NONE);
    }

    @Test
    void aShiftedDayMovesTheLabelsWithTheReadings() {
        HomeData shifted = Variant.SHIFTED.apply(home(), new Random(1));
        assertThat(shifted.rows().get(0).time()).isEqualTo(DAY.plusHours(11));
        assertThat(shifted.out().contains(DAY.plusHours(15).plusMinutes(30))).isTrue();
        assertThat(shifted.out().contains(DAY.plusHours(13).plusMinutes(30))).isFalse();
    }

    @Test
    void aDeadSensorSendsNothingFromTheThirdDayAndIsNotCheckedInFor() {
        HomeData dead = Variant.DEAD_THIRD.apply(home(), new Random(1));
        assertThat(dead.deadFrom()).hasSize(5 / 3).allSatisfy((device, from) -> assertThat(from).isEqualTo(DAY.plusDays(2)));
        String device = dead.deadFrom().keySet().iterator().next();
        assertThat(dead.rows()).filteredOn(r -> r.device().equals(device)).isNotEmpty()
                .allSatisfy(r -> assertThat(r.time()).isBefore(DAY.plusDays(2)));
    }

    @Test
    void chatteringMatsAddNoiseThatIsNotTheResidentsAndAHomeWithoutMatsIsLeftOut() {
        HomeData chatter = Variant.CHATTERING_MATS.apply(home(), new Random(1));
        assertThat(chatter.noise()).hasSizeGreaterThanOrEqualTo(5 * Variant.CHATTER_PER_DAY)
                .allSatisfy(r -> assertThat(r.device()).isEqualTo("bed"));
        assertThat(chatter.rows()).containsAll(chatter.noise());
        HomeData noMats = Variant.NO_MATS.apply(home(), new Random(1));
        assertThat(noMats.rows()).noneMatch(r -> r.kind() == ReadingKind.PRESENCE);
        assertThat(Variant.CHATTERING_MATS.apply(noMats, new Random(1))).isNull();
    }

    @Test
    void halvedWaterKeepsEveryReadingAtHalfItsVolume() {
        HomeData half = Variant.HALF_WATER.apply(home(), new Random(1));
        assertThat(half.rows()).filteredOn(r -> r.kind() == ReadingKind.WATER).allSatisfy(r -> assertThat(r.value()).isEqualTo("3"));
    }
}
