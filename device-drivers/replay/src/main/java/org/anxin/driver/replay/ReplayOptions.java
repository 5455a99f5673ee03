package org.anxin.driver.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;
import org.anxin.driver.api.LenientConfig;

/**
 * The replay driver's settings, checked.
 *
 * @param zone the zone of the scenario's local times; null: the gateway's ({@link org.anxin.driver.api.ReadingSink#zone})
 */
public record ReplayOptions(Path scenario, double speed, ZoneId zone) {

    public ReplayOptions {
        if (!Files.isReadable(scenario)) {
            throw new IllegalArgumentException("scenario file " + scenario.toAbsolutePath() + " does not exist or cannot be read");
        }
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("'speed' must be a number >= 0, got " + speed);
        }
    }

    /**
     * From a configuration's properties, a bad {@code speed} or {@code zone} at its default (logged):
     * a typo costs that setting, not the replay. A missing or unreadable scenario file is thrown.
     */
    public static ReplayOptions fromLeniently(Map<String, ?> properties) {
        return LenientConfig.read(ReplayConfig.class, properties, ReplayOptions::from).options();
    }

    public static ReplayOptions from(ReplayConfig config) {
        if (config.scenario() == null || config.scenario().isBlank()) {
            throw new IllegalArgumentException("'scenario' is required: the path of a scenario CSV file");
        }
        ZoneId zone;
        try {
            zone = config.zone() == null || config.zone().isBlank() ? null : ZoneId.of(config.zone().trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'zone' " + config.zone() + " is not a time zone id such as Asia/Shanghai");
        }
        return new ReplayOptions(Path.of(config.scenario().trim()), config.speed(), zone);
    }
}
