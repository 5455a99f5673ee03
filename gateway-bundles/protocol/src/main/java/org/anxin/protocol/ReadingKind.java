package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * What a reading reports, with the values each kind allows. The names and values are pinned by the
 * scenario file format and the wire protocol.
 */
public enum ReadingKind {
    /** Litres used since this device's previous reading. */
    WATER(true, null),
    /** The home's entrance: open or closed. */
    ENTRY_DOOR(true, Set.of("open", "closed")),
    /** Any other door, cupboard or fridge. */
    DOOR(true, Set.of("open", "closed")),
    MOTION(true, Set.of("on", "off")),
    /** Bed or chair pressure. */
    PRESENCE(true, Set.of("on", "off")),
    /** An appliance in use. */
    POWER(true, Set.of("on", "off")),
    SMOKE(false, Set.of("alarm", "clear")),
    GAS(false, Set.of("alarm", "clear")),
    LEAK(false, Set.of("alarm", "clear")),
    /** The one-key emergency call. */
    CALL(true, Set.of("pressed")),
    /** Battery charge in percent. */
    BATTERY(false, null),
    TAMPER(false, Set.of("on", "off")),
    /** A device checking in; proves the device is alive, not that the elder is. */
    HEARTBEAT(false, Set.of("ok")),
    /**
     * The elder's daily "I'm fine" button (a pendant's second button, a GPIO key, a Zigbee remote):
     * a sign of life, never an emergency call. Added in package version 1.5.0.
     */
    CHECK_IN(true, Set.of("pressed")),
    // The health monitors' measurements (added in package version 1.7.0): a number in the unit
    // named, within what a living person can measure; none is activity, as a worn oximeter or a
    // cuff on a timer reports the same whether she is up or lying on the floor.
    /** Systolic blood pressure. */
    SYSTOLIC("mmHg", "mmHg", 40, 300),
    /** Diastolic blood pressure. */
    DIASTOLIC("mmHg", "mmHg", 20, 200),
    /** Heart (pulse) rate. */
    HEART_RATE("bpm", "beats per minute", 20, 300),
    /** Oxygen saturation (pulse oximetry). */
    SPO2("%", "percent", 50, 100),
    BODY_TEMPERATURE("°C", "degrees Celsius", 25, 45),
    WEIGHT("kg", "kg", 2, 400);

    private final boolean activity;
    private final Set<String> allowed;
    /** A measurement's unit, in symbols and in words, and its bounds; null and 0 for other kinds. */
    private final String unit;
    private final String unitWords;
    private final int min;
    private final int max;

    ReadingKind(boolean activity, Set<String> allowed) {
        this(activity, allowed, null, null, 0, 0);
    }

    ReadingKind(String unit, String unitWords, int min, int max) {
        this(false, null, unit, unitWords, min, max);
    }

    ReadingKind(boolean activity, Set<String> allowed, String unit, String unitWords, int min, int max) {
        this.activity = activity;
        this.allowed = allowed;
        this.unit = unit;
        this.unitWords = unitWords;
        this.min = min;
        this.max = max;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a reading of this kind shows that someone is active in the home. */
    public boolean isActivity() {
        return activity;
    }

    @JsonCreator
    public static ReadingKind fromWireName(String name) {
        for (ReadingKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + name + "'; expected one of "
                + Arrays.stream(values()).map(ReadingKind::wireName).toList());
    }

    /**
     * Checks a value against this kind and returns it in canonical form.
     *
     * @throws IllegalArgumentException saying what is wrong with the value
     */
    public String canonicalValue(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty value for kind '" + wireName() + "'");
        }
        String v = value.trim();
        if (isMeasurement()) {
            return measured(v);
        }
        switch (this) {
            case WATER -> {
                BigDecimal litres = decimal(v);
                if (litres.signum() < 0) {
                    throw new IllegalArgumentException("water must be litres >= 0, got '" + v + "'");
                }
                return litres.stripTrailingZeros().toPlainString();
            }
            case BATTERY -> {
                BigDecimal percent = decimal(v);
                if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
                    throw new IllegalArgumentException("battery must be a percent from 0 to 100, got '" + v + "'");
                }
                return percent.stripTrailingZeros().toPlainString();
            }
            default -> {
                String lower = v.toLowerCase(Locale.ROOT);
                if (!allowed.contains(lower)) {
                    throw new IllegalArgumentException("value '" + v + "' is not allowed for kind '"
                            + wireName() + "'; expected one of " + allowed.stream().sorted().toList());
                }
                return lower;
            }
        }
    }

    /** Whether this kind is a health monitor's measurement (a number in {@link #unit()}). */
    public boolean isMeasurement() {
        return unit() != null;
    }

    /** The unit of a health measurement, as written in the docs; null for every other kind. */
    public String unit() {
        return unit;
    }

    /** A measurement outside its bounds is a broken or misused device, not a reading of a person. */
    private String measured(String v) {
        BigDecimal n = decimal(v);
        if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException(wireName() + " must be " + unitWords + " from " + min + " to " + max
                    + ", got '" + v + "'");
        }
        return n.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal decimal(String v) {
        try {
            return new BigDecimal(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a number");
        }
    }
}
