package org.anxin.bridge;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.anxin.protocol.Alert;

/** What a person is told about an alert: what happened, where, when, and how to acknowledge. */
final class AlertMessages {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private AlertMessages() {
    }

    static String subject(Alert alert) {
        return "[Anxin] " + capitalize(alert.severity().wireName()) + ": " + what(alert);
    }

    static String body(String gateway, Alert alert, Directory.Home home, String ackLink, String apiBase, ZoneId zone) {
        StringBuilder s = new StringBuilder();
        s.append(capitalize(alert.severity().wireName())).append(" alert: ").append(what(alert));
        s.append(" at ").append(where(gateway, alert, home));
        s.append(", ").append(when(alert, zone)).append('.');
        if (!alert.reason().isBlank()) {
            s.append(' ').append(capitalize(alert.reason())).append('.');
        }
        s.append(" Acknowledge: ").append(ackLink);
        s.append(" (or POST ").append(apiBase).append(gateway).append('/').append(alert.id()).append("/ack)");
        return s.toString();
    }

    static String clearedSubject(Alert alert) {
        return "[Anxin] Cleared: " + what(alert);
    }

    static String clearedBody(String gateway, Alert alert, Directory.Home home, ZoneId zone) {
        return "Cleared: " + what(alert) + " at " + where(gateway, alert, home) + ", " + when(alert, zone)
                + (alert.reason().isBlank() ? "" : ". " + capitalize(alert.reason())) + ". The alert is over;"
                + " no further messages will be sent about it.";
    }

    static String detectorClearSubject(Alert alert) {
        return "[Anxin] Detector reports clear, still to be acknowledged: " + what(alert);
    }

    static String detectorClearBody(String gateway, Alert clear, Directory.Home home, String ackLink, ZoneId zone) {
        return "The detector reports clear: " + what(clear) + " at " + where(gateway, clear, home) + ", "
                + when(clear, zone)
                // the clear's own words are not repeated: whoever sent it may not be the detector
                + ". The alarm is not over until someone has checked on the resident and acknowledged it;"
                + " messages go on until then. Acknowledge: " + ackLink;
    }

    static String acknowledgedSubject(Alert alert) {
        return "[Anxin] Acknowledged: " + what(alert);
    }

    static String acknowledgedBody(String gateway, Alert alert, Directory.Home home, String by, java.time.Instant at,
                                   ZoneId zone) {
        return "Acknowledged by " + by + " at " + at(at, zone) + ": " + what(alert) + " at "
                + where(gateway, alert, home) + ", " + when(alert, zone) + ". Someone is taking care of it;"
                + " no further reminders will be sent about it.";
    }

    /** A few words for the acknowledgement page: what happened, and where. */
    static String ackPageText(String gateway, Alert alert, Directory.Home home, ZoneId zone) {
        return capitalize(what(alert)) + " at " + where(gateway, alert, home) + ", " + when(alert, zone);
    }

    /** Local time where the people are, with the zone's name: {@code 2024-03-01 15:15 Asia/Shanghai}. */
    private static String when(Alert alert, ZoneId zone) {
        return at(alert.time(), zone);
    }

    private static String at(java.time.Instant time, ZoneId zone) {
        return WHEN.format(time.atZone(zone)) + " " + (zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId());
    }

    private static String what(Alert alert) {
        if (alert.type() == org.anxin.protocol.AlertType.CHECK_IN_MISSED) {
            // the type's own words ("check in missed") would not tell a family what it is
            return "daily check-in missed, 今日未报平安";
        }
        if (alert.type() == org.anxin.protocol.AlertType.HEALTH_READING_WARNING
                || alert.type() == org.anxin.protocol.AlertType.HEALTH_READING_CRITICAL) {
            // the severity is already said; the reason says which measurement and threshold
            return "health measurement out of range, 健康指标异常";
        }
        if (alert.type() == org.anxin.protocol.AlertType.MEASUREMENT_MISSED) {
            return "daily health measurement missed, 今日未测量";
        }
        return alert.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String where(String gateway, Alert alert, Directory.Home home) {
        String device = alert.device() == null ? "" : ", device " + alert.device();
        if (home == null) {
            return "gateway " + gateway + device;
        }
        return home.place() + " (home " + home.id() + device + ")";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
