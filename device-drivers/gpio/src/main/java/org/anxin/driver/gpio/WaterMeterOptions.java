package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Duration;
import java.util.Map;
import org.anxin.driver.api.LenientConfig;
import org.anxin.protocol.Reading;

/** A water-flow meter's settings, checked. */
public record WaterMeterOptions(String device, int pin, PullResistance pull, boolean activeHigh, double pulsesPerLitre,
                                Duration interval, Duration flowStop, int flowStartPulses, Duration heartbeat) {

    public WaterMeterOptions {
        Reading.requireDeviceId(device);
        PinPull.bcmPin("pin", pin);
        if (!(pulsesPerLitre > 0) || Double.isInfinite(pulsesPerLitre)) {
            throw new IllegalArgumentException("'pulsesPerLitre' must be > 0, got " + pulsesPerLitre);
        }
        if (interval.isNegative() || interval.isZero() || flowStop.isNegative() || flowStop.isZero()) {
            throw new IllegalArgumentException("'intervalSeconds' and 'flowStopSeconds' must be > 0");
        }
        if (flowStartPulses < 1) {
            throw new IllegalArgumentException("'flowStartPulses' must be >= 1, got " + flowStartPulses);
        }
    }

    /** From a configuration's properties, a bad optional setting at its default (logged); a bad {@code device} or {@code pin} is thrown. */
    public static WaterMeterOptions fromLeniently(Map<String, ?> properties) {
        return LenientConfig.read(WaterMeterConfig.class, properties, WaterMeterOptions::from).options();
    }

    public static WaterMeterOptions from(WaterMeterConfig config) {
        return new WaterMeterOptions(config.device(), config.pin(), PinPull.parse("pull", config.pull()),
                PinPull.activeHigh("activeLevel", config.activeLevel()), config.pulsesPerLitre(),
                Duration.ofSeconds(config.intervalSeconds()), Duration.ofSeconds(config.flowStopSeconds()), config.flowStartPulses(),
                PinPull.heartbeat(config.heartbeatMinutes()));
    }
}
