package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Duration;
import java.util.Locale;

/** The configured pull resistor of an input: {@code up}, {@code down} or {@code off}. */
final class PinPull {

    private PinPull() {
    }

    static PullResistance parse(String property, String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
            case "up" -> PullResistance.PULL_UP;
            case "down" -> PullResistance.PULL_DOWN;
            case "off" -> PullResistance.OFF;
            default -> throw new IllegalArgumentException("'" + property + "' must be up, down or off, got '" + value + "'");
        };
    }

    static int bcmPin(String property, int pin) {
        if (pin < 0 || pin > 27) {
            throw new IllegalArgumentException("'" + property + "' must be a BCM GPIO number 0..27, got " + pin);
        }
        return pin;
    }

    static Duration heartbeat(int minutes) {
        if (minutes < 0) {
            throw new IllegalArgumentException("'heartbeatMinutes' must be >= 0, got " + minutes);
        }
        return Duration.ofMinutes(minutes);
    }

    static boolean activeHigh(String property, String level) {
        return switch (level == null ? "" : level.trim().toLowerCase(Locale.ROOT)) {
            case "high" -> true;
            case "low" -> false;
            default -> throw new IllegalArgumentException("'" + property + "' must be high or low, got '" + level + "'");
        };
    }
}
