package org.anxin.driver.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;

/** The replay driver's settings, checked. */
public record ReplayOptions(Path scenario, double speed, ZoneId zone) {

    public ReplayOptions {
        if (!Files.isReadable(scenario)) {
            throw new IllegalArgumentException("scenario file " + scenario.toAbsolutePath() + " does not exist or cannot be read");
        }
        if (!(speed >= 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a number >= 0, got " + speed);
        }
    }

    public static ReplayOptions from(ReplayConfig config) {
        if (config.scenario() == null || config.scenario().isBlank()) {
            throw new IllegalArgumentException("'scenario' is required: the path of a scenario CSV file");
        }
        ZoneId zone;
        try {
            zone = config.zone() == null || config.zone().isBlank() ? ZoneId.systemDefault() : ZoneId.of(config.zone().trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'zone' " + config.zone() + " is not a time zone id such as Asia/Shanghai");
        }
        return new ReplayOptions(Path.of(config.scenario().trim()), config.speed(), zone);
    }
}
