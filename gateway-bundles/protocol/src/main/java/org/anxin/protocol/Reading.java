package org.anxin.protocol;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One observation from one device.
 *
 * @param device stable device id, {@code [A-Za-z0-9_.-]+}
 * @param kind what is observed
 * @param value the value, canonical for the kind
 * @param time when the device observed it (the device's own clock where it has one)
 */
public record Reading(String device, ReadingKind kind, String value, Instant time) implements Body {

    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9_.-]+");

    public Reading {
        requireDeviceId(device);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(time, "time");
        value = kind.canonicalValue(value);
    }

    public static String requireDeviceId(String device) {
        if (device == null || !DEVICE_ID.matcher(device).matches()) {
            throw new IllegalArgumentException("device id '" + device + "' does not match " + DEVICE_ID.pattern());
        }
        return device;
    }

    @Override
    public Channel channel() {
        return Channel.READING;
    }
}
