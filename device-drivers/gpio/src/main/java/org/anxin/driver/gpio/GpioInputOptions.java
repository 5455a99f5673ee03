package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.anxin.driver.api.LenientConfig;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/** A GPIO input's settings, checked. */
public record GpioInputOptions(String device, ReadingKind kind, int pin, PullResistance pull, boolean activeHigh,
                               Duration debounce, Duration heartbeat) {

    /** The value of a reading for each kind when the input is active, and when it is not (none for a call or check-in button). */
    private static final Map<ReadingKind, String[]> VALUES = Map.of(
            ReadingKind.ENTRY_DOOR, new String[] {"open", "closed"},
            ReadingKind.DOOR, new String[] {"open", "closed"},
            ReadingKind.SMOKE, new String[] {"alarm", "clear"},
            ReadingKind.GAS, new String[] {"alarm", "clear"},
            ReadingKind.LEAK, new String[] {"alarm", "clear"},
            ReadingKind.CALL, new String[] {"pressed", null},
            ReadingKind.CHECK_IN, new String[] {"pressed", null},
            ReadingKind.MOTION, new String[] {"on", "off"},
            ReadingKind.PRESENCE, new String[] {"on", "off"},
            ReadingKind.TAMPER, new String[] {"on", "off"});

    public GpioInputOptions {
        Reading.requireDeviceId(device);
        if (!VALUES.containsKey(kind)) {
            throw new IllegalArgumentException("'kind' " + kind.wireName() + " is not a GPIO input; expected one of "
                    + VALUES.keySet().stream().map(ReadingKind::wireName).sorted().toList());
        }
        PinPull.bcmPin("pin", pin);
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("'debounceMillis' must be >= 0");
        }
    }

    /**
     * From a configuration's properties, a bad optional setting at its default (logged): a typo in
     * {@code debounceMillis} costs the debounce, not the sensor. A {@code device}, {@code kind} or
     * {@code pin} that cannot be read has no default and is thrown: this one sensor stays down.
     */
    public static GpioInputOptions fromLeniently(Map<String, ?> properties) {
        return LenientConfig.read(GpioInputConfig.class, properties, GpioInputOptions::from).options();
    }

    public static GpioInputOptions from(GpioInputConfig config) {
        ReadingKind kind;
        try {
            kind = ReadingKind.fromWireName(config.kind() == null ? "" : config.kind().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'kind' " + config.kind() + " is not a GPIO input; expected one of "
                    + VALUES.keySet().stream().map(ReadingKind::wireName).sorted().toList());
        }
        return new GpioInputOptions(config.device(), kind, config.pin(), PinPull.parse("pull", config.pull()),
                PinPull.activeHigh("activeLevel", config.activeLevel()), Duration.ofMillis(config.debounceMillis()),
                PinPull.heartbeat(config.heartbeatMinutes()));
    }

    /** The reading's value for a level, or empty where the kind reports only one side (a button's release). */
    Optional<String> value(boolean active) {
        return Optional.ofNullable(VALUES.get(kind)[active ? 0 : 1]);
    }
}
