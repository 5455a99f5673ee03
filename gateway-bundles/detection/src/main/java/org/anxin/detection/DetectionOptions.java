package org.anxin.detection;

import java.time.Duration;

/**
 * The engine's settings.
 *
 * @param callRearm presses of one call button within this time are one emergency
 */
public record DetectionOptions(Duration callRearm) {

    public static final DetectionOptions DEFAULTS = new DetectionOptions(Duration.ofMinutes(5));

    /** The property names, as in the org.anxin.detection configuration file. */
    public static final String CALL_REARM_SECONDS = "callRearmSeconds";

    /**
     * Reads the settings from the properties of an org.anxin.detection configuration file; a
     * property left out keeps its default.
     *
     * @throws IllegalArgumentException naming the property that is wrong
     */
    public static DetectionOptions fromProperties(java.util.Properties properties) {
        java.util.Set<String> unknown = new java.util.TreeSet<>(properties.stringPropertyNames());
        unknown.remove(CALL_REARM_SECONDS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown properties " + unknown + "; known: [" + CALL_REARM_SECONDS + "]");
        }
        String rearm = properties.getProperty(CALL_REARM_SECONDS);
        if (rearm == null) {
            return DEFAULTS;
        }
        try {
            return new DetectionOptions(Duration.ofSeconds(Long.parseLong(rearm.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + CALL_REARM_SECONDS + "': '" + rearm + "' is not a whole number of seconds");
        }
    }

    public DetectionOptions {
        if (callRearm.isNegative() || callRearm.compareTo(Duration.ofHours(1)) > 0) {
            // a long window would hide a second emergency behind the first
            throw new IllegalArgumentException("callRearmSeconds must be from 0 to 3600, got " + callRearm.toSeconds());
        }
    }
}
