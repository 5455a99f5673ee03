package org.anxin.bridge.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.anxin.bridge.core.Redaction;

/** The handling record of alerts: escalations, who was told what, acknowledgements, outcomes. */
public final class Incidents {

    private static final String COLUMNS = "e.gateway, e.alert_id, e.home_id, e.type, e.severity, e.state, e.next_step,"
            + " e.round, e.next_step_at, e.opened_at, e.acknowledged_at, e.acknowledged_by, e.cleared_at, e.resolved_at,"
            + " e.resolved_by, e.action_taken, e.outcome, e.fallback, h.district, h.street, h.community,"
            + " (SELECT COUNT(*) FROM deliveries d WHERE d.gateway = e.gateway AND d.alert_id = e.alert_id"
            + "  AND d.state = 'delivered') AS delivered,"
            + " (SELECT COUNT(*) FROM deliveries d WHERE d.gateway = e.gateway AND d.alert_id = e.alert_id"
            + "  AND d.state = 'failed') AS failed";

    private final Database db;

    public Incidents(Database db) {
        this.db = db;
    }

    public record Incident(String gateway, String alertId, String homeId, String district, String street, String community,
                    String type, String severity, String state, Integer nextStep, Instant nextStepAt, int round,
                    Instant openedAt, Instant acknowledgedAt, String acknowledgedBy, Instant clearedAt,
                    Instant resolvedAt, String resolvedBy, String actionTaken, String outcome, long messagesDelivered,
                    long messagesFailed, String fallback) {
    }

    record DeliveryView(String kind, int round, int step, String recipient, String channel, String address,
                        String state, int attempts, String lastError, Instant createdAt, Instant firstSentAt,
                        Instant deliveredAt, String reason) {
    }

    /**
     * @param state open, acknowledged, cleared, or {@code null} for all
     * @param from opened at or after, epoch ms, or {@code null}
     * @param to opened before, epoch ms, or {@code null}
     * @param scope the homes whose incidents are listed (the home the alert was for)
     */
    public List<Incident> list(String state, Long from, Long to, int limit, Access.Filter scope) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS
                + " FROM escalations e LEFT JOIN homes h ON h.id = e.home_id WHERE " + scope.onHome("e.home_id"));
        List<Object> args = new ArrayList<>(scope.args());
        if (state != null) {
            sql.append(" AND e.state = ?");
            args.add(state);
        }
        if (from != null) {
            sql.append(" AND e.opened_at >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" AND e.opened_at < ?");
            args.add(to);
        }
        sql.append(" ORDER BY e.opened_at DESC, e.gateway, e.alert_id LIMIT ?");
        args.add(limit);
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<Incident> list = new ArrayList<>();
                    while (rs.next()) {
                        list.add(incident(rs));
                    }
                    return list;
                }
            }
        });
    }

    public Optional<Incident> get(String gateway, String alertId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM escalations e LEFT JOIN homes h ON h.id = e.home_id WHERE e.gateway = ? AND e.alert_id = ?")) {
                ps.setString(1, gateway);
                ps.setString(2, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every message of one alert, addresses masked. */
    public List<DeliveryView> deliveries(String gateway, String alertId) {
        return deliveries("WHERE gateway = ? AND alert_id = ?", List.of(gateway, alertId), 1000);
    }

    /** Deliveries in one state (failed ones, say), newest first, of the incidents in scope. */
    public List<DeliveryView> deliveriesIn(String state, int limit, Access.Filter scope) {
        if (scope.homes() == null) {
            return deliveries("WHERE state = ?", List.of(state), limit);
        }
        List<String> args = new ArrayList<>(scope.args());
        args.add(state);
        return deliveries("WHERE EXISTS (SELECT 1 FROM escalations e WHERE e.gateway = deliveries.gateway"
                + " AND e.alert_id = deliveries.alert_id AND " + scope.onHome("e.home_id") + ") AND state = ?",
                args, limit);
    }

    private List<DeliveryView> deliveries(String where, List<String> args, int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT kind, round, step, recipient, channel, address, state,"
                    + " attempts, last_error, created_at, first_sent_at, delivered_at, reason FROM deliveries " + where
                    + " ORDER BY created_at DESC, round, step, recipient, channel LIMIT ?")) {
                int i = 1;
                for (String a : args) {
                    ps.setString(i++, a);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<DeliveryView> list = new ArrayList<>();
                    while (rs.next()) {
                        String channel = rs.getString("channel");
                        String address = rs.getString("address");
                        String shown = switch (channel) {
                            case "sms" -> Redaction.phone(address);
                            case "email" -> Redaction.email(address);
                            default -> Redaction.url(address);
                        };
                        list.add(new DeliveryView(rs.getString("kind"), rs.getInt("round") + 1, rs.getInt("step") + 1,
                                rs.getString("recipient"), channel, shown, rs.getString("state"), rs.getInt("attempts"),
                                rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "first_sent_at"),
                                instant(rs, "delivered_at"), rs.getString("reason")));
                    }
                    return list;
                }
            }
        });
    }

    /** The handling records as CSV, one line per incident, for audit. */
    public static String csv(List<Incident> incidents) {
        StringBuilder s = new StringBuilder("gateway,alert_id,type,severity,home_id,district,street,community,state,"
                + "opened_at,acknowledged_at,acknowledged_by,cleared_at,resolved_at,resolved_by,action_taken,outcome,"
                + "messages_delivered,messages_failed\r\n");
        for (Incident i : incidents) {
            List<Object> cells = List.of(i.gateway(), i.alertId(), i.type(), i.severity(), nz(i.homeId()),
                    nz(i.district()), nz(i.street()), nz(i.community()), i.state(), nz(i.openedAt()),
                    nz(i.acknowledgedAt()), nz(i.acknowledgedBy()), nz(i.clearedAt()), nz(i.resolvedAt()),
                    nz(i.resolvedBy()), nz(i.actionTaken()), nz(i.outcome()), i.messagesDelivered(), i.messagesFailed());
            for (int k = 0; k < cells.size(); k++) {
                if (k > 0) {
                    s.append(',');
                }
                s.append(csvCell(cells.get(k).toString()));
            }
            s.append("\r\n");
        }
        return s.toString();
    }

    private static Object nz(Object o) {
        return o == null ? "" : o;
    }

    private static String csvCell(String v) {
        // a leading = + - @ would be a formula to a spreadsheet
        String safe = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }

    private static Incident incident(ResultSet rs) throws SQLException {
        Instant next = instant(rs, "next_step_at");
        return new Incident(rs.getString("gateway"), rs.getString("alert_id"), rs.getString("home_id"),
                rs.getString("district"), rs.getString("street"), rs.getString("community"), rs.getString("type"),
                rs.getString("severity"), rs.getString("state"), next == null ? null : rs.getInt("next_step") + 1, next,
                rs.getInt("round") + 1, instant(rs, "opened_at"), instant(rs, "acknowledged_at"),
                rs.getString("acknowledged_by"), instant(rs, "cleared_at"), instant(rs, "resolved_at"),
                rs.getString("resolved_by"), rs.getString("action_taken"), rs.getString("outcome"),
                rs.getLong("delivered"), rs.getLong("failed"), rs.getString("fallback"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
