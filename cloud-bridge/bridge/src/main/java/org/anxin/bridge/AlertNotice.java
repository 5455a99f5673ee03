package org.anxin.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.MessageCodec;

/** The message a person (or a chat bot) receives about an alert. */
final class AlertNotice {

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private AlertNotice() {
    }

    static String event(Alert alert) {
        return alert.state() == AlertState.RAISED ? "alert.raised" : "alert.cleared";
    }

    /** The webhook's JSON body. */
    static String json(String gateway, Alert alert) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", alert.id());
        body.put("type", alert.type().name());
        body.put("severity", alert.severity().wireName());
        body.put("state", alert.state().wireName());
        body.put("device", alert.device());
        body.put("time", alert.time().toString());
        body.put("reason", alert.reason());
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("event", event(alert));
        notice.put("gateway", gateway);
        notice.put("alert", body);
        notice.put("text", text(gateway, alert));
        try {
            return MessageCodec.mapper().writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One sentence: what, where, when, and the gateway's reason. */
    static String text(String gateway, Alert alert) {
        String what = alert.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        String where = "gateway " + gateway + (alert.device() == null ? "" : ", device " + alert.device());
        String when = WHEN.format(alert.time());
        String reason = alert.reason().isBlank() ? "" : ": " + alert.reason();
        if (alert.state() == AlertState.RAISED) {
            return capitalize(alert.severity().wireName()) + " alert: " + what + " raised at " + where
                    + " on " + when + reason;
        }
        return "Cleared: " + what + " at " + where + " on " + when + reason;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
