package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
     * One ordinary day: up at 07:00, water and motion through the day every 30 to 90 minutes,
     * bed at 22:30. Every device checks in hourly.
     */
    void ordinaryDay(LocalDate day) {
        for (int hour = 0; hour < 24; hour++) {
            for (String device : List.of("kitchen-tap", "hall-pir", "bed")) {
                read(day.atTime(hour, 0).toInstant(ZoneOffset.UTC), device, ReadingKind.HEARTBEAT, "ok");
            }
            if (hour >= 7 && hour <= 22) {
                read(day.atTime(hour, 10).toInstant(ZoneOffset.UTC), "hall-pir", ReadingKind.MOTION, "on");
                if (hour % 2 == 1) {
                    read(day.atTime(hour, 20).toInstant(ZoneOffset.UTC), "kitchen-tap", ReadingKind.WATER, "2");
                }
                read(day.atTime(hour, 40).toInstant(ZoneOffset.UTC), "hall-pir", ReadingKind.MOTION, "on");
            }
        }
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
