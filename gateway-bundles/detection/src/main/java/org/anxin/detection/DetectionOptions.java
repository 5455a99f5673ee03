package org.anxin.detection;

import java.time.DateTimeException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.anxin.detection.component.DetectionConfig;
import org.anxin.driver.api.LenientConfig;
import org.anxin.protocol.ReadingKind;

/**
 * The engine's settings for one home, validated. {@link Setting} is the one list of property names,
 * defaults and ranges: {@link #fromProperties} parses a configuration with it, for the OSGi component
 * and for {@code ./anxin replay --config}, and a test pins the component's MetaType to it.
 * Life-safety alarms have no setting that turns them off.
 */
public record DetectionOptions(
        Duration callRearm,
        boolean noWaterUseEnabled, double noWaterLitres, Duration noWaterPeriod,
        boolean noActivityEnabled, Duration noActivityPeriod,
        boolean learningEnabled, int learningDays, Duration learnedMargin, Duration learnedMinimum, Duration learnedMaximum,
        Duration awaySilence, Duration notReturnedAfter,
        boolean continuousFlowEnabled, Duration continuousFlow, Duration flowPause, double dailyWaterLitres,
        Duration timerFlow,
        boolean nightDoorEnabled, LocalTime nightStart, LocalTime nightEnd,
        boolean deviceSilentEnabled, Duration mainsSilent, Duration batterySilent, int lowBatteryPercent,
        Duration deviceClockAhead, Duration deviceClockBehind, Duration selfTestEvery,
        boolean checkInEnabled, LocalTime checkInStart, LocalTime checkInEnd, ZoneId zone,
        HealthThresholds health) {

    /** Every setting: its property name (as in MetaType and the .cfg file), default and range. */
    public enum Setting {
        CALL_REARM_SECONDS("callRearmSeconds", "300", 0, 3600),
        NO_WATER_USE_ENABLED("noWaterUseEnabled", "true"),
        NO_WATER_LITRES("noWaterLitres", "10", 0, 1000),
        NO_WATER_HOURS("noWaterHours", "12", 1, 72),
        NO_ACTIVITY_ENABLED("noActivityEnabled", "true"),
        NO_ACTIVITY_HOURS("noActivityHours", "12", 1, 72),
        LEARNING_ENABLED("learningEnabled", "true"),
        LEARNING_DAYS("learningDays", "7", 2, 60),
        LEARNED_MARGIN_MINUTES("learnedMarginMinutes", "60", 0, 720),
        LEARNED_MINIMUM_MINUTES("learnedMinimumMinutes", "120", 30, 1440),
        LEARNED_MAXIMUM_HOURS("learnedMaximumHours", "24", 2, 72),
        AWAY_SILENCE_MINUTES("awaySilenceMinutes", "15", 1, 240),
        NOT_RETURNED_HOURS("notReturnedHours", "24", 1, 168),
        CONTINUOUS_FLOW_ENABLED("continuousFlowEnabled", "true"),
        CONTINUOUS_FLOW_MINUTES("continuousFlowMinutes", "30", 1, 1440),
        FLOW_PAUSE_MINUTES("flowPauseMinutes", "5", 1, 60),
        DAILY_WATER_LITRES("dailyWaterLitres", "2000", 10, 100000),
        TIMER_FLOW_MINUTES("timerFlowMinutes", "30", 0, 1440),
        NIGHT_DOOR_ENABLED("nightDoorEnabled", "false"),
        NIGHT_START("nightStart", "22:00"),
        NIGHT_END("nightEnd", "06:00"),
        DEVICE_SILENT_ENABLED("deviceSilentEnabled", "true"),
        MAINS_SILENT_HOURS("mainsSilentHours", "2", 1, 168),
        BATTERY_SILENT_HOURS("batterySilentHours", "26", 1, 336),
        LOW_BATTERY_PERCENT("lowBatteryPercent", "15", 1, 50),
        DEVICE_CLOCK_AHEAD_MINUTES("deviceClockAheadMinutes", "10", 1, 120),
        DEVICE_CLOCK_BEHIND_HOURS("deviceClockBehindHours", "24", 1, 168),
        // no lower than half the longest call re-arm (60 min): the self-test alternates two synthetic buttons
        SELF_TEST_MINUTES("selfTestMinutes", "60", 30, 1440),
        CHECK_IN_ENABLED("checkInEnabled", "false"),
        CHECK_IN_START("checkInStart", "07:00"),
        CHECK_IN_END("checkInEnd", "10:00"),
        // the home's hours (routine, night, a day's water) are read in this zone; messages keep UTC instants
        ZONE("zone", "Asia/Shanghai", Type.ZONE, 0, 0),

        // the health monitors' thresholds per elder; defaults and their sources in docs/detection.md
        SYSTOLIC_WARNING("systolicWarning", "140", 100, 250),
        SYSTOLIC_CRITICAL("systolicCritical", "180", 100, 300),
        DIASTOLIC_WARNING("diastolicWarning", "90", 50, 150),
        DIASTOLIC_CRITICAL("diastolicCritical", "110", 50, 200),
        SPO2_WARNING("spo2Warning", "94", 70, 100),
        SPO2_CRITICAL("spo2Critical", "90", 60, 100),
        HEART_RATE_LOW_WARNING("heartRateLowWarning", "50", 20, 120),
        HEART_RATE_HIGH_WARNING("heartRateHighWarning", "110", 40, 250),
        HEART_RATE_LOW_CRITICAL("heartRateLowCritical", "40", 20, 120),
        HEART_RATE_HIGH_CRITICAL("heartRateHighCritical", "130", 40, 300),
        TEMPERATURE_WARNING("temperatureWarning", "37.3", Type.DECIMAL, 35, 42),
        TEMPERATURE_CRITICAL("temperatureCritical", "39.0", Type.DECIMAL, 35, 43),
        TEMPERATURE_LOW_CRITICAL("temperatureLowCritical", "35.0", Type.DECIMAL, 30, 37),
        WEIGHT_CHANGE_GRAMS("weightChangeGrams", "2000", 500, 20000),
        WEIGHT_CHANGE_DAYS("weightChangeDays", "7", 1, 30),
        MEASUREMENT_KIND("measurementKind", "none", Type.KIND, 0, 0),
        MEASUREMENT_BY("measurementBy", "10:00");

        /**
         * The kind of value; a range applies to numbers only (whole-number bounds for a decimal).
         * A KIND is a health measurement's wire name, or {@code none}.
         */
        public enum Type { INTEGER, BOOLEAN, TIME, ZONE, DECIMAL, KIND }

        private final String property;
        private final String defaultValue;
        private final Type type;
        private final long min;
        private final long max;

        Setting(String property, String defaultValue, long min, long max) {
            this(property, defaultValue, Type.INTEGER, min, max);
        }

        Setting(String property, String defaultValue) {
            this(property, defaultValue, defaultValue.contains(":") ? Type.TIME : Type.BOOLEAN, 0, 0);
        }

        Setting(String property, String defaultValue, Type type, long min, long max) {
            this.property = property;
            this.defaultValue = defaultValue;
            this.type = type;
            this.min = min;
            this.max = max;
        }

        public String property() {
            return property;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public Type type() {
            return type;
        }

        public long min() {
            return min;
        }

        public long max() {
            return max;
        }

        static Setting byProperty(String property) {
            for (Setting s : values()) {
                if (s.property.equals(property)) {
                    return s;
                }
            }
            return null;
        }

        Object parse(String raw) {
            String v = raw.trim();
            switch (type) {
                case BOOLEAN -> {
                    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(v);
                    }
                    throw new IllegalArgumentException("'" + property + "': '" + raw + "' is not true or false");
                }
                case TIME -> {
                    try {
                        return LocalTime.parse(v);
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("'" + property + "': '" + raw + "' is not a time of day like 22:00");
                    }
                }
                case ZONE -> {
                    try {
                        return ZoneId.of(v);
                    } catch (DateTimeException e) {
                        throw new IllegalArgumentException("'" + property + "': '" + raw + "' is not a time zone id such as Asia/Shanghai");
                    }
                }
                case DECIMAL -> {
                    BigDecimal n;
                    try {
                        n = new BigDecimal(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + property + "': '" + raw + "' is not a number like 37.3");
                    }
                    if (n.compareTo(BigDecimal.valueOf(min)) < 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
                        throw new IllegalArgumentException("'" + property + "' must be from " + min + " to " + max + ", got " + v);
                    }
                    return n;
                }
                case KIND -> {
                    return HealthThresholds.measurementKind(property, v);
                }
                default -> {
                    long n;
                    try {
                        n = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + property + "': '" + raw + "' is not a whole number");
                    }
                    if (n < min || n > max) {
                        throw new IllegalArgumentException("'" + property + "' must be from " + min + " to " + max + ", got " + n);
                    }
                    return n;
                }
            }
        }
    }

    public static final DetectionOptions DEFAULTS = fromProperties(Map.of());

    /** Reads the settings from a .cfg file's properties; see {@link #fromProperties(Map)}. */
    public static DetectionOptions fromProperties(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return fromProperties(map);
    }

    /**
     * Reads the settings from configuration properties; a property left out keeps its default.
     * Names with a dot ({@code service.pid}, {@code felix.fileinstall.filename}) belong to the
     * framework and are skipped.
     *
     * @throws IllegalArgumentException naming the property that is wrong
     */
    public static DetectionOptions fromProperties(Map<String, ?> properties) {
        return build(parse(properties));
    }

    /**
     * Settings read leniently, and what was wrong with the properties they were read from.
     *
     * @param fallbacks one sentence per property that was unusable and fell back to its default
     */
    public record Lenient(DetectionOptions options, List<String> fallbacks) {
    }

    /**
     * Reads the settings as {@link #fromProperties(Map)} does, but a property that is unknown, of
     * the wrong type or out of range falls back to its default instead of failing, and so do two
     * settings that contradict each other: nothing in a detection file is required, so the worst a
     * bad file can do is leave every setting at its default, and the immediate alarms always run.
     * The drivers' {@link LenientConfig} does the reading, with the component's MetaType type as
     * the settings' types and defaults; {@link #fromProperties(Map)} is the check it repairs by.
     */
    public static Lenient fromPropertiesLeniently(Map<String, ?> properties) {
        LenientConfig.Read<DetectionOptions> read = LenientConfig.read(DetectionConfig.class, properties, config -> {
            Map<String, Object> values = new HashMap<>();
            for (Setting s : Setting.values()) {
                try {
                    values.put(s.property, String.valueOf(DetectionConfig.class.getMethod(s.property).invoke(config)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("DetectionConfig has no " + s.property, e);
                }
            }
            return fromProperties(values);
        });
        return new Lenient(read.options(), read.fallbacks());
    }

    /** The values of every setting; a bad or unknown property throws, naming it. */
    private static Map<Setting, Object> parse(Map<String, ?> properties) {
        TreeSet<String> unknown = new TreeSet<>();
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            values.put(s, s.parse(s.defaultValue));
        }
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (e.getKey().contains(".")) {
                continue;
            }
            Setting s = Setting.byProperty(e.getKey());
            if (s == null) {
                unknown.add(e.getKey());
            } else if (e.getValue() != null) {
                values.put(s, s.parse(String.valueOf(e.getValue())));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown properties " + unknown + "; known: "
                    + Arrays.stream(Setting.values()).map(Setting::property).toList());
        }
        return values;
    }

    private static DetectionOptions build(Map<Setting, Object> values) {
        return new DetectionOptions(
                Duration.ofSeconds(num(values, Setting.CALL_REARM_SECONDS)),
                bool(values, Setting.NO_WATER_USE_ENABLED), num(values, Setting.NO_WATER_LITRES),
                Duration.ofHours(num(values, Setting.NO_WATER_HOURS)),
                bool(values, Setting.NO_ACTIVITY_ENABLED), Duration.ofHours(num(values, Setting.NO_ACTIVITY_HOURS)),
                bool(values, Setting.LEARNING_ENABLED), (int) num(values, Setting.LEARNING_DAYS),
                Duration.ofMinutes(num(values, Setting.LEARNED_MARGIN_MINUTES)),
                Duration.ofMinutes(num(values, Setting.LEARNED_MINIMUM_MINUTES)),
                Duration.ofHours(num(values, Setting.LEARNED_MAXIMUM_HOURS)),
                Duration.ofMinutes(num(values, Setting.AWAY_SILENCE_MINUTES)),
                Duration.ofHours(num(values, Setting.NOT_RETURNED_HOURS)),
                bool(values, Setting.CONTINUOUS_FLOW_ENABLED), Duration.ofMinutes(num(values, Setting.CONTINUOUS_FLOW_MINUTES)),
                Duration.ofMinutes(num(values, Setting.FLOW_PAUSE_MINUTES)), num(values, Setting.DAILY_WATER_LITRES),
                Duration.ofMinutes(num(values, Setting.TIMER_FLOW_MINUTES)),
                bool(values, Setting.NIGHT_DOOR_ENABLED), (LocalTime) values.get(Setting.NIGHT_START),
                (LocalTime) values.get(Setting.NIGHT_END),
                bool(values, Setting.DEVICE_SILENT_ENABLED), Duration.ofHours(num(values, Setting.MAINS_SILENT_HOURS)),
                Duration.ofHours(num(values, Setting.BATTERY_SILENT_HOURS)), (int) num(values, Setting.LOW_BATTERY_PERCENT),
                Duration.ofMinutes(num(values, Setting.DEVICE_CLOCK_AHEAD_MINUTES)),
                Duration.ofHours(num(values, Setting.DEVICE_CLOCK_BEHIND_HOURS)),
                Duration.ofMinutes(num(values, Setting.SELF_TEST_MINUTES)),
                bool(values, Setting.CHECK_IN_ENABLED), (LocalTime) values.get(Setting.CHECK_IN_START),
                (LocalTime) values.get(Setting.CHECK_IN_END),
                (ZoneId) values.get(Setting.ZONE),
                new HealthThresholds((int) num(values, Setting.SYSTOLIC_WARNING), (int) num(values, Setting.SYSTOLIC_CRITICAL),
                        (int) num(values, Setting.DIASTOLIC_WARNING), (int) num(values, Setting.DIASTOLIC_CRITICAL),
                        (int) num(values, Setting.SPO2_WARNING), (int) num(values, Setting.SPO2_CRITICAL),
                        (int) num(values, Setting.HEART_RATE_LOW_WARNING), (int) num(values, Setting.HEART_RATE_HIGH_WARNING),
                        (int) num(values, Setting.HEART_RATE_LOW_CRITICAL), (int) num(values, Setting.HEART_RATE_HIGH_CRITICAL),
                        (BigDecimal) values.get(Setting.TEMPERATURE_WARNING), (BigDecimal) values.get(Setting.TEMPERATURE_CRITICAL),
                        (BigDecimal) values.get(Setting.TEMPERATURE_LOW_CRITICAL),
                        (int) num(values, Setting.WEIGHT_CHANGE_GRAMS), (int) num(values, Setting.WEIGHT_CHANGE_DAYS),
                        ((java.util.Optional<?>) values.get(Setting.MEASUREMENT_KIND)).map(ReadingKind.class::cast).orElse(null),
                        (LocalTime) values.get(Setting.MEASUREMENT_BY)));
    }

    private static long num(Map<Setting, Object> values, Setting s) {
        return (Long) values.get(s);
    }

    private static boolean bool(Map<Setting, Object> values, Setting s) {
        return (Boolean) values.get(s);
    }

    public DetectionOptions {
        if (callRearm.isNegative() || callRearm.compareTo(Duration.ofHours(1)) > 0) {
            // a long window would hide a second emergency behind the first
            throw new IllegalArgumentException("callRearmSeconds must be from 0 to 3600, got " + callRearm.toSeconds());
        }
        if (learnedMinimum.compareTo(learnedMaximum) > 0) {
            throw new IllegalArgumentException("'learnedMinimumMinutes' (" + learnedMinimum.toMinutes()
                    + ") must not be above 'learnedMaximumHours' (" + learnedMaximum.toHours() + " h)");
        }
        if (nightStart.equals(nightEnd)) {
            throw new IllegalArgumentException("'nightStart' and 'nightEnd' must differ, both are " + nightStart);
        }
        if (!checkInStart.isBefore(checkInEnd)) {
            // the window is one day's: across midnight, which day a press answers for would be a guess
            throw new IllegalArgumentException("'checkInStart' (" + checkInStart + ") must be before 'checkInEnd' ("
                    + checkInEnd + "), within one day");
        }
        java.util.Objects.requireNonNull(health, "health");
    }
}
