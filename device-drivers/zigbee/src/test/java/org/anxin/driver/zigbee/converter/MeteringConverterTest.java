package org.anxin.driver.zigbee.converter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import com.zsmartsystems.zigbee.zcl.clusters.ZclMeteringCluster;

class MeteringConverterTest {

    private static final Instant T = Instant.parse("2024-03-04T06:50:00Z");

    private final ZclMeteringCluster cluster = new ZclMeteringCluster(Endpoints.endpoint());
    private final MeteringConverter meter = new MeteringConverter(cluster, "zb-0015bc001a000001");

    private List<String> summation(long value) {
        return meter.attributeUpdated(cluster.getAttribute(ZclMeteringCluster.ATTR_CURRENTSUMMATIONDELIVERED), value, T).stream()
                .map(r -> r.kind().wireName() + "=" + r.value()).toList();
    }

    private void set(int attribute, Object value) {
        cluster.getAttribute(attribute).updateValue(value);
    }

    @Test
    void firstSummationIsTheBaselineAndEachLaterOneTheLitresSinceThePrevious() {
        set(ZclMeteringCluster.ATTR_UNITOFMEASURE, MeteringConverter.UNIT_CUBIC_METRE);
        set(ZclMeteringCluster.ATTR_MULTIPLIER, 1);
        set(ZclMeteringCluster.ATTR_DIVISOR, 1000);
        assertThat(summation(123_456)).isEmpty();
        assertThat(summation(123_458)).containsExactly("water=2");
        assertThat(summation(123_458)).isEmpty();
        assertThat(summation(125_000)).containsExactly("water=1542");
    }

    @Test
    void multiplierAndDivisorScaleTheSummationBeforeTheUnitIsConverted() {
        set(ZclMeteringCluster.ATTR_UNITOFMEASURE, MeteringConverter.UNIT_CUBIC_METRE);
        set(ZclMeteringCluster.ATTR_MULTIPLIER, 5);
        set(ZclMeteringCluster.ATTR_DIVISOR, 10_000);
        summation(1000);
        // 3 counts x 5 / 10000 m3 = 0.0015 m3 = 1.5 litres
        assertThat(summation(1003)).containsExactly("water=1.5");
    }

    @Test
    void litreAndGallonMetersAreConvertedToLitres() {
        set(ZclMeteringCluster.ATTR_UNITOFMEASURE, MeteringConverter.UNIT_LITRE | 0x80);
        summation(10);
        assertThat(summation(14)).containsExactly("water=4");
        set(ZclMeteringCluster.ATTR_UNITOFMEASURE, MeteringConverter.UNIT_US_GALLON);
        summation(0);
        assertThat(summation(1)).containsExactly("water=3.785411784");
    }

    @Test
    void aLowerSummationIsAMeterResetAndANewBaselineNotNegativeWater() {
        set(ZclMeteringCluster.ATTR_UNITOFMEASURE, MeteringConverter.UNIT_LITRE);
        summation(500);
        assertThat(summation(3)).isEmpty();
        assertThat(summation(5)).containsExactly("water=2");
    }

    @Test
    void aZeroDivisorOrNoneCountsAsOneAndNoUnitAsCubicMetres() {
        set(ZclMeteringCluster.ATTR_DIVISOR, 0);
        summation(1);
        assertThat(summation(2)).containsExactly("water=1000");
    }
}
