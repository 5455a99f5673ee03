package org.anxin.detection;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * DEVICE_SILENT, LOW_BATTERY and TAMPER, per device.
 *
 * <p>A device is watched for silence once it has shown that it checks in (two heartbeats or
 * battery reports): a door contact that only reports when used may rightly stay quiet for days.
 * It is silent when nothing came from it for {@code mainsSilentHours}, or {@code batterySilentHours}
 * for a battery device (one that ever reported {@code battery}), and never sooner than one and a
 * half times its own longest recent check-in interval, so a device that checks in every 8 h is
 * not called silent after 2 h. Cleared by the device's next reading.
 */
final class DeviceHealthRule implements Rule, OpenEpisodes {

    private static final int RECENT_INTERVALS = 5;
    /** A replaced battery reads well above the warning level; this gap keeps a wavering one from flapping. */
    private static final int BATTERY_HYSTERESIS = 10;

    private static final class Device {
        boolean battery;
        Instant lastReading;
        Instant lastCheckIn;
        final Deque<Duration> intervals = new ArrayDeque<>();
        Alert silent;
        Alert lowBattery;
        Alert tamper;

        Duration longestInterval() {
            return intervals.stream().max(Duration::compareTo).orElse(null);
        }
    }

    private final DetectionOptions options;
    private final Map<String, Device> devices = new HashMap<>();

    DeviceHealthRule(DetectionOptions options) {
        this.options = options;
    }

    /** A silent device's episode keeps its last reading, for how long the silence lasted when it ends. */
    @Override
    public void collectOpen(List<Episode> into) {
        for (Device d : devices.values()) {
            if (d.silent != null) {
                into.add(new Episode(d.silent, d.lastReading == null ? "" : d.lastReading.toString()));
            }
            if (d.lowBattery != null) {
                into.add(new Episode(d.lowBattery));
            }
            if (d.tamper != null) {
                into.add(new Episode(d.tamper));
            }
        }
    }

    /**
     * What the device's check-ins showed is not kept: silence is watched again once it has checked
     * in twice after the restart.
     */
    @Override
    public boolean restore(Episode episode) {
        Alert alert = episode.alert();
        if (alert.device() == null) {
            return false;
        }
        switch (alert.type()) {
            case DEVICE_SILENT -> {
                Device d = devices.computeIfAbsent(alert.device(), k -> new Device());
                d.silent = alert;
                d.lastReading = episode.detail().isEmpty() ? alert.time() : Instant.parse(episode.detail());
            }
            case LOW_BATTERY -> {
                Device d = devices.computeIfAbsent(alert.device(), k -> new Device());
                d.lowBattery = alert;
                d.battery = true;
            }
            case TAMPER -> devices.computeIfAbsent(alert.device(), k -> new Device()).tamper = alert;
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        Device d = devices.computeIfAbsent(r.device(), k -> new Device());
        List<Alert> alerts = new ArrayList<>(2);
        if (d.silent != null) {
            alerts.add(d.silent.clear(r.time(), r.device() + " reported again after "
                    + Durations.human(Duration.between(d.lastReading, r.time())) + " of silence"));
            d.silent = null;
        }
        d.lastReading = r.time();
        if (r.kind() == ReadingKind.HEARTBEAT || r.kind() == ReadingKind.BATTERY) {
            if (d.lastCheckIn != null) {
                d.intervals.addLast(Duration.between(d.lastCheckIn, r.time()));
                if (d.intervals.size() > RECENT_INTERVALS) {
                    d.intervals.removeFirst();
                }
            }
            d.lastCheckIn = r.time();
        }
        if (r.kind() == ReadingKind.BATTERY) {
            d.battery = true;
            int percent = new BigDecimal(r.value()).intValue();
            if (d.lowBattery == null && percent < options.lowBatteryPercent()) {
                d.lowBattery = Alert.raise(AlertType.LOW_BATTERY, r.device(), r.time(), "battery of " + r.device()
                        + " at " + r.value() + "%, below " + options.lowBatteryPercent() + "%; replace it");
                alerts.add(d.lowBattery);
            } else if (d.lowBattery != null && percent >= options.lowBatteryPercent() + BATTERY_HYSTERESIS) {
                alerts.add(d.lowBattery.clear(r.time(), "battery of " + r.device() + " at " + r.value() + "%"));
                d.lowBattery = null;
            }
        }
        if (r.kind() == ReadingKind.TAMPER) {
            if (r.value().equals("on") && d.tamper == null) {
                d.tamper = Alert.raise(AlertType.TAMPER, r.device(), r.time(), r.device()
                        + " reports tampering: its cover is open or it was moved");
                alerts.add(d.tamper);
            } else if (r.value().equals("off") && d.tamper != null) {
                alerts.add(d.tamper.clear(r.time(), r.device() + " no longer reports tampering"));
                d.tamper = null;
            }
        }
        return alerts;
    }

    @Override
    public List<Alert> onTick(Instant now) {
        if (!options.deviceSilentEnabled()) {
            return List.of();
        }
        List<Alert> alerts = null;
        for (Map.Entry<String, Device> e : devices.entrySet()) {
            Device d = e.getValue();
            Duration interval = d.longestInterval();
            if (d.silent != null || interval == null) {
                continue;
            }
            Duration limit = d.battery ? options.batterySilent() : options.mainsSilent();
            Duration ownLimit = interval.multipliedBy(3).dividedBy(2);
            if (ownLimit.compareTo(limit) > 0) {
                limit = ownLimit;
            }
            Duration quiet = Duration.between(d.lastReading, now);
            if (quiet.compareTo(limit) > 0) {
                d.silent = Alert.raise(AlertType.DEVICE_SILENT, e.getKey(), now, "no reading from " + e.getKey() + " for "
                        + Durations.human(quiet) + " (" + (d.battery ? "battery" : "mains") + " device; checks in every "
                        + Durations.human(interval) + " at most)");
                if (alerts == null) {
                    alerts = new ArrayList<>();
                }
                alerts.add(d.silent);
            }
        }
        return alerts == null ? List.of() : alerts;
    }
}
