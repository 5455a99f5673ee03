package org.anxin.driver.zigbee.converter;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclMeteringCluster;

/**
 * Metering (0x0702) on a water meter: current summation delivered, times multiplier, divided by
 * divisor, is the meter's total in its unit of measure. A {@code water} reading is the litres used
 * since the previous summation. The first summation after a start only sets the baseline; a
 * summation lower than the previous one (a meter replaced or reset) sets a new baseline and is no
 * water. Totals are kept exact (BigDecimal) so rounding never loses water.
 */
public final class MeteringConverter extends ZclConverter {

    /** ZCL unit of measure (low 7 bits of 0x0300; the top bit only says BCD formatting). */
    static final int UNIT_CUBIC_METRE = 0x01;
    static final int UNIT_CUBIC_FEET = 0x02;
    static final int UNIT_HUNDRED_CUBIC_FEET = 0x03;
    static final int UNIT_US_GALLON = 0x04;
    static final int UNIT_IMPERIAL_GALLON = 0x05;
    static final int UNIT_LITRE = 0x07;

    private BigDecimal previousLitres;

    public MeteringConverter(ZclCluster cluster, String device) {
        super(cluster, device);
    }

    @Override
    public Set<ReadingKind> kinds() {
        return Set.of(ReadingKind.WATER);
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of(ZclMeteringCluster.ATTR_CURRENTSUMMATIONDELIVERED);
    }

    @Override
    public List<Integer> scaleAttributes() {
        return List.of(ZclMeteringCluster.ATTR_UNITOFMEASURE, ZclMeteringCluster.ATTR_MULTIPLIER, ZclMeteringCluster.ATTR_DIVISOR);
    }

    @Override
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        if (attribute.getId() != ZclMeteringCluster.ATTR_CURRENTSUMMATIONDELIVERED || !(value instanceof Number summation)) {
            return List.of();
        }
        BigDecimal litres = toLitres(BigDecimal.valueOf(summation.longValue()));
        BigDecimal previous = previousLitres;
        previousLitres = litres;
        if (previous == null || litres.compareTo(previous) < 0) {
            return List.of();
        }
        BigDecimal used = litres.subtract(previous);
        if (used.signum() == 0) {
            return List.of();
        }
        return List.of(reading(ReadingKind.WATER, used.round(new MathContext(12, RoundingMode.HALF_EVEN)).toPlainString(), time));
    }

    private BigDecimal toLitres(BigDecimal summation) {
        long multiplier = positive(cluster.getAttribute(ZclMeteringCluster.ATTR_MULTIPLIER).getLastValue());
        long divisor = positive(cluster.getAttribute(ZclMeteringCluster.ATTR_DIVISOR).getLastValue());
        BigDecimal inUnit = summation.multiply(BigDecimal.valueOf(multiplier)).divide(BigDecimal.valueOf(divisor), MathContext.DECIMAL64);
        Object unitValue = cluster.getAttribute(ZclMeteringCluster.ATTR_UNITOFMEASURE).getLastValue();
        int unit = unitValue instanceof Integer u ? u & 0x7F : UNIT_CUBIC_METRE;
        BigDecimal litresPerUnit = switch (unit) {
            case UNIT_LITRE -> BigDecimal.ONE;
            case UNIT_CUBIC_FEET -> new BigDecimal("28.316846592");
            case UNIT_HUNDRED_CUBIC_FEET -> new BigDecimal("2831.6846592");
            case UNIT_US_GALLON -> new BigDecimal("3.785411784");
            case UNIT_IMPERIAL_GALLON -> new BigDecimal("4.54609");
            // a water meter that says nothing else (or kWh, a misconfigured one) counts cubic metres
            default -> BigDecimal.valueOf(1000);
        };
        return inUnit.multiply(litresPerUnit);
    }

    /** A multiplier or divisor of 0 or none means 1 (ZCL: "if zero, treated as one"). */
    private static long positive(Object value) {
        return value instanceof Number n && n.longValue() > 0 ? n.longValue() : 1;
    }
}
