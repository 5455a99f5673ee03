package org.anxin.bridge.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Body;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.Reading;

/**
 * What a message must be to be stored: every field within what the tables hold and a person can
 * read, its numbers and times within sane bounds. A message that fails is refused for its content
 * (quarantined), never retried: delivering it again cannot make it better.
 */
public final class IngestChecks {

    static final int MAX_GATEWAY = 128;
    static final int MAX_DEVICE = 128;
    static final int MAX_ALERT_ID = 255;
    static final int MAX_REASON = 1000;
    static final int MAX_TEXT = 16_000;
    /**
     * How far ahead of the highest number stored for a gateway its next one may be: ten million
     * messages, weeks of a busy home's telemetry queued while offline; a billion is a forgery or
     * a fault, and taken as a promise of a heartbeat it would report a billion missing.
     */
    static final long MAX_SEQ_AHEAD = 10_000_000;
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Duration MAX_AHEAD = Duration.ofDays(1);
    /**
     * How far ahead of the bridge's clock a heartbeat's or state's {@code ts} may be. Tighter than
     * {@link #MAX_AHEAD}: a sign of life taken from the future would make the gateway's honest
     * ones look replayed (not later than it) until its clock caught up.
     */
    static final Duration MAX_LIVE_AHEAD = Duration.ofMinutes(10);

    private IngestChecks() {
    }

    /** Why the gateway id of a topic cannot be stored, or {@code null}. */
    public static String gatewayProblem(String gateway) {
        if (gateway.length() > MAX_GATEWAY) {
            return "gateway id of " + gateway.length() + " characters, at most " + MAX_GATEWAY;
        }
        return null;
    }

    /** Why the decoded JSON holds text no table should hold (control characters, overlong), or {@code null}. */
    public static String textProblem(JsonNode node, String path) {
        if (node.isTextual()) {
            return textProblem(node.textValue(), path, MAX_TEXT);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String p = path + "." + f.getKey();
                String problem = textProblem(f.getKey(), p + " (name)", 200);
                if (problem == null) {
                    problem = textProblem(f.getValue(), p);
                }
                if (problem != null) {
                    return problem;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String problem = textProblem(node.get(i), path + "[" + i + "]");
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String textProblem(String text, String path, int max) {
        if (text.length() > max) {
            return path + " has " + text.length() + " characters, at most " + max;
        }
        for (int i = 0; i < text.length(); i++) {
            if (isForbidden(text.charAt(i))) {
                return path + " holds control character U+" + String.format("%04X", (int) text.charAt(i));
            }
        }
        return null;
    }

    /** Control characters other than tab and line breaks; U+0000 is refused by PostgreSQL's text. */
    static boolean isForbidden(char ch) {
        return Character.isISOControl(ch) && ch != '\t' && ch != '\n' && ch != '\r';
    }

    /**
     * Why the envelope's fields are out of bounds, or {@code null}.
     *
     * @param lastSeq the highest number stored for the gateway, {@code null} if none
     */
    public static String envelopeProblem(Envelope envelope, long now, Long lastSeq) {
        Body body = envelope.body();
        boolean numbered = body instanceof Reading || body instanceof Alert;
        if (envelope.seq() < (numbered ? 1 : 0)) {
            return "seq " + envelope.seq() + " is below " + (numbered ? 1 : 0);
        }
        if (lastSeq != null && envelope.seq() > lastSeq + MAX_SEQ_AHEAD) {
            return "seq " + envelope.seq() + " is more than " + MAX_SEQ_AHEAD + " ahead of the gateway's last, " + lastSeq;
        }
        String time = timeProblem("ts", envelope.ts(), now);
        if (time != null) {
            return time;
        }
        if ((body instanceof Heartbeat || body instanceof GatewayState)
                && envelope.ts().isAfter(Instant.ofEpochMilli(now).plus(MAX_LIVE_AHEAD))) {
            return "ts " + envelope.ts() + " of a " + body.channel().path() + " is more than "
                    + MAX_LIVE_AHEAD.toMinutes() + " min after the bridge's clock (" + Instant.ofEpochMilli(now) + ")";
        }
        if (body instanceof Reading r) {
            if (r.device().length() > MAX_DEVICE) {
                return "device id of " + r.device().length() + " characters, at most " + MAX_DEVICE;
            }
            return timeProblem("reading time", r.time(), now);
        }
        if (body instanceof Alert a) {
            return alertProblem(a, now);
        }
        return null;
    }

    /** Why an alert is out of bounds, or {@code null}. */
    static String alertProblem(Alert a, long now) {
        if (a.id().isEmpty() || a.id().length() > MAX_ALERT_ID) {
            return "alert id of " + a.id().length() + " characters, expected 1 to " + MAX_ALERT_ID;
        }
        String text = textProblem(a.id(), "alert id", MAX_ALERT_ID);
        if (text == null) {
            text = textProblem(a.reason(), "alert reason", MAX_REASON);
        }
        if (text != null) {
            return text;
        }
        if (a.device() != null && (a.device().length() > MAX_DEVICE || !Reading.DEVICE_ID.matcher(a.device()).matches())) {
            return "alert device is not a device id (" + Reading.DEVICE_ID.pattern() + ", at most " + MAX_DEVICE + ")";
        }
        if (a.reason().length() > MAX_REASON) {
            return "alert reason of " + a.reason().length() + " characters, at most " + MAX_REASON;
        }
        if (a.severity() != a.type().defaultSeverity()) {
            return "a " + a.type() + " alert is " + a.type().defaultSeverity().wireName() + ", not "
                    + a.severity().wireName();
        }
        return timeProblem("alert time", a.time(), now);
    }

    /**
     * A life-safety alarm is never lost for what can be mended: its reason is cleaned of control
     * characters and shortened, its severity set to its type's, a time out of bounds replaced by
     * the bridge's. What cannot be mended (its id, its device) is left for {@link #alertProblem}.
     *
     * @return the envelope with the alarm mended, or the same envelope when nothing needed it
     */
    public static Envelope mendAlarm(Envelope envelope, Alert a, long now) {
        StringBuilder reason = new StringBuilder(Math.min(a.reason().length(), MAX_REASON));
        for (int i = 0; i < a.reason().length() && reason.length() < MAX_REASON; i++) {
            char ch = a.reason().charAt(i);
            reason.append(isForbidden(ch) ? '\uFFFD' : ch);
        }
        Instant time = timeProblem("", a.time(), now) == null ? a.time() : Instant.ofEpochMilli(now);
        Instant ts = timeProblem("", envelope.ts(), now) == null ? envelope.ts() : Instant.ofEpochMilli(now);
        // the test mark is kept: a self-test mended is still a self-test, never a call to notify
        Alert mended = new Alert(a.id(), a.type(), a.state(), a.type().defaultSeverity(), a.device(), time,
                reason.toString(), a.test());
        if (mended.equals(a) && ts.equals(envelope.ts())) {
            return envelope;
        }
        return new Envelope(envelope.schema(), envelope.gateway(), envelope.seq(), ts, mended);
    }

    /** Whether the database refused a value (too long, untranslatable), not failed: retrying cannot help. */
    public static boolean isContentError(Database.StorageException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && state.startsWith("22")) {
                    return true; // PostgreSQL: data exception (string too long, U+0000 in text, ...)
                }
                int primary = sql.getErrorCode() & 0xff;
                if (t.getClass().getName().startsWith("org.sqlite.") && (primary == 18 || primary == 20)) {
                    return true; // SQLite: SQLITE_TOOBIG, SQLITE_MISMATCH
                }
            }
        }
        return false;
    }

    private static String timeProblem(String what, Instant time, long now) {
        if (time == null) {
            return null;
        }
        if (time.isBefore(EARLIEST) || time.isAfter(Instant.ofEpochMilli(now).plus(MAX_AHEAD))) {
            return what + " " + time + " is not between " + EARLIEST + " and a day after the bridge's clock";
        }
        return null;
    }
}
