package org.anxin.detection;

import java.time.Duration;

/**
 * The engine's settings.
 *
 * @param callRearm presses of one call button within this time are one emergency
 */
public record DetectionOptions(Duration callRearm) {

    public static final DetectionOptions DEFAULTS = new DetectionOptions(Duration.ofMinutes(5));

    public DetectionOptions {
        if (callRearm.isNegative() || callRearm.compareTo(Duration.ofHours(1)) > 0) {
            // a long window would hide a second emergency behind the first
            throw new IllegalArgumentException("callRearmSeconds must be from 0 to 3600, got " + callRearm.toSeconds());
        }
    }
}
