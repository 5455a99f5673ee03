package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/** A test home: feeds an engine readings at local times (UTC) and collects every alert. */
final class Home {

    static final LocalDate MONDAY = LocalDate.of(2024, 3, 4);

    final DetectionEngine engine;
    final List<Alert> alerts = new ArrayList<>();
    /**
     * Whether the ordinary days' elder fetches the post at 07:05 through the entrance ("front"),
     * back inside at once: a home as installed, whose entrance reports. Without it the engine
     * judges after a week that the entrance never reports ({@link Coverage}).
     */
    boolean entrance = true;

    Home(DetectionEngine engine) {
        this.engine = engine;
    }

    Home(DetectionOptions options) {
        this(DetectionEngine.create(options));
    }

    static Instant at(LocalDate day, String time) {
        return LocalDateTime.of(day, LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
    }

    List<Alert> read(Instant t, String device, ReadingKind kind, String value) {
        List<Alert> out = engine.onReading(new Reading(device, kind, value, t));
        alerts.addAll(out);
        return out;
    }

    List<Alert> read(LocalDate day, String time, String device, ReadingKind kind, String value) {
        return read(at(day, time), device, kind, value);
    }

    List<Alert> advance(Instant t) {
        List<Alert> out = engine.advanceTo(t);
        alerts.addAll(out);
        return out;
    }

    /**
     * One ordinary day: up at 07:00, the post fetched at 07:05 ({@link #entrance}), water and
     * motion through the day every 30 to 90 minutes, bed at 22:30. Every device but the entrance
     * checks in hourly.
     */
    void ordinaryDay(LocalDate day) {
        ordinaryDayQuiet(day, "00:00", "00:00");
    }

    /**
     * An ordinary day, except that no sensor sees the elder from {@code from} (inclusive) to
     * {@code to} (exclusive): she sits still, or is out of the sensors' sight. The check-ins go on,
     * and the {@code extra} readings are played in their place in time.
     */
    void ordinaryDayQuiet(LocalDate day, String from, String to, Reading... extra) {
        LocalTime quietFrom = LocalTime.parse(from);
        LocalTime quietTo = LocalTime.parse(to);
        List<Reading> readings = new ArrayList<>(List.of(extra));
        if (entrance && (LocalTime.of(7, 5).isBefore(quietFrom) || !LocalTime.of(7, 5).isBefore(quietTo))) {
            readings.add(new Reading("front", ReadingKind.ENTRY_DOOR, "open", day.atTime(7, 5).toInstant(ZoneOffset.UTC)));
        }
        for (int hour = 0; hour < 24; hour++) {
            for (String device : List.of("kitchen-tap", "hall-pir", "bed")) {
                readings.add(new Reading(device, ReadingKind.HEARTBEAT, "ok", day.atTime(hour, 0).toInstant(ZoneOffset.UTC)));
            }
            if (hour >= 7 && hour <= 22) {
                for (int minute : List.of(10, 20, 40)) {
                    LocalTime time = LocalTime.of(hour, minute);
                    Instant t = day.atTime(time).toInstant(ZoneOffset.UTC);
                    if (!time.isBefore(quietFrom) && time.isBefore(quietTo)) {
                        continue;
                    }
                    if (minute != 20) {
                        readings.add(new Reading("hall-pir", ReadingKind.MOTION, "on", t));
                    } else if (hour % 2 == 1) {
                        readings.add(new Reading("kitchen-tap", ReadingKind.WATER, "2", t));
                    }
                }
            }
        }
        readings.sort(Comparator.comparing(Reading::time));
        readings.forEach(r -> read(r.time(), r.device(), r.kind(), r.value()));
    }

    List<String> events() {
        return alerts.stream().map(a -> a.type() + " " + a.state().wireName()).toList();
    }

    List<Alert> of(AlertType type) {
        return alerts.stream().filter(a -> a.type() == type).toList();
    }

    Alert first(AlertType type, AlertState state) {
        return alerts.stream().filter(a -> a.type() == type && a.state() == state).findFirst().orElse(null);
    }

    static Duration between(Instant a, Instant b) {
        return Duration.between(a, b);
    }
}
