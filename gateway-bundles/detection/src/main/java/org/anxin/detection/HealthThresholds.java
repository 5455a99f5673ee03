package org.anxin.detection;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.Optional;
import org.anxin.protocol.ReadingKind;

/**
 * One elder's health thresholds and scheduled measurement, part of {@link DetectionOptions} (their
 * property names, defaults and ranges are its {@link DetectionOptions.Setting}s). A "high" threshold
 * is crossed at or above it, a "low" one below it.
 *
 * @param measurementKind the kind measured every day by {@code measurementBy}, or null for none
 */
public record HealthThresholds(
        int systolicWarning, int systolicCritical, int diastolicWarning, int diastolicCritical,
        int spo2Warning, int spo2Critical,
        int heartRateLowWarning, int heartRateHighWarning, int heartRateLowCritical, int heartRateHighCritical,
        BigDecimal temperatureWarning, BigDecimal temperatureCritical, BigDecimal temperatureLowCritical,
        int weightChangeGrams, int weightChangeDays,
        ReadingKind measurementKind, LocalTime measurementBy) {

    public HealthThresholds {
        ordered("systolicWarning", systolicWarning, "systolicCritical", systolicCritical);
        ordered("diastolicWarning", diastolicWarning, "diastolicCritical", diastolicCritical);
        ordered("spo2Critical", spo2Critical, "spo2Warning", spo2Warning);
        ordered("heartRateLowCritical", heartRateLowCritical, "heartRateLowWarning", heartRateLowWarning);
        ordered("heartRateLowWarning", heartRateLowWarning, "heartRateHighWarning", heartRateHighWarning);
        ordered("heartRateHighWarning", heartRateHighWarning, "heartRateHighCritical", heartRateHighCritical);
        ordered("temperatureLowCritical", temperatureLowCritical, "temperatureWarning", temperatureWarning);
        ordered("temperatureWarning", temperatureWarning, "temperatureCritical", temperatureCritical);
        if (measurementKind != null && !measurementKind.isMeasurement()) {
            throw new IllegalArgumentException("'measurementKind' must be a health measurement, not " + measurementKind.wireName());
        }
    }

    /** {@code none}, or a health measurement's wire name; the KIND settings' parser. */
    static Optional<ReadingKind> measurementKind(String property, String value) {
        if (value.equals("none")) {
            return Optional.empty();
        }
        for (ReadingKind kind : ReadingKind.values()) {
            if (kind.isMeasurement() && kind.wireName().equals(value)) {
                return Optional.of(kind);
            }
        }
        throw new IllegalArgumentException("'" + property + "': '" + value + "' is not none or one of "
                + Arrays.stream(ReadingKind.values()).filter(ReadingKind::isMeasurement).map(ReadingKind::wireName).toList());
    }

    private static void ordered(String lowName, int low, String highName, int high) {
        ordered(lowName, BigDecimal.valueOf(low), highName, BigDecimal.valueOf(high));
    }

    private static void ordered(String lowName, BigDecimal low, String highName, BigDecimal high) {
        if (low.compareTo(high) >= 0) {
            // a critical band inside the warning band would hide every warning behind it
            throw new IllegalArgumentException("'" + lowName + "' (" + low.toPlainString() + ") must be below '"
                    + highName + "' (" + high.toPlainString() + ")");
        }
    }
}
