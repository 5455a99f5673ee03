package org.anxin.driver.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one device looks to its driver: when it was last heard from, its battery, and the fault that
 * keeps the driver from hearing it, if any. A driver sends one to every {@link DeviceHealthListener}
 * whenever any of these changes; a fault is sent again when it clears, with {@code fault} empty.
 *
 * @param device the device id, as in its readings; for a fault of the whole driver (a dongle
 *     unplugged) the id of the driver instance
 * @param driver the driver's configuration PID, e.g. {@code org.anxin.driver.gpio.input}
 * @param lastSeen when the device was last heard from; empty if never since the driver started
 * @param batteryPercent the battery charge, where the device reports one
 * @param fault what is wrong, in a sentence; empty when the device is healthy
 * @param time when the driver made this observation
 */
public record DeviceHealth(String device, String driver, Optional<Instant> lastSeen, OptionalInt batteryPercent,
                           Optional<String> fault, Instant time) {

    public DeviceHealth {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(batteryPercent, "batteryPercent");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(time, "time");
    }

    public static DeviceHealth seen(String device, String driver, Instant lastSeen) {
        return new DeviceHealth(device, driver, Optional.of(lastSeen), OptionalInt.empty(), Optional.empty(), lastSeen);
    }

    public static DeviceHealth faulty(String device, String driver, Optional<Instant> lastSeen, String fault, Instant time) {
        return new DeviceHealth(device, driver, lastSeen, OptionalInt.empty(), Optional.of(fault), time);
    }

    public boolean healthy() {
        return fault.isEmpty();
    }
}
