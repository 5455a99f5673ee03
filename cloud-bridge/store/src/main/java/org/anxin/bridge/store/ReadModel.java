package org.anxin.bridge.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The queries behind the REST API. */
public final class ReadModel {

    /**
     * An alert whose gateway belongs to no home, or that went to a fallback because its home's
     * policy reached nobody: no policy covers it; the console must.
     */
    private static final String UNASSIGNED =
            "(NOT EXISTS (SELECT 1 FROM home_gateways hg WHERE hg.gateway = alerts.gateway)"
            + " OR EXISTS (SELECT 1 FROM escalations e WHERE e.gateway = alerts.gateway AND e.alert_id = alerts.alert_id"
            + " AND e.fallback IS NOT NULL))";
    private static final String ALERT_COLUMNS = "gateway, alert_id, type, severity, device, state,"
            + " raised_at, cleared_at, reason, clear_reason, " + UNASSIGNED + " AS unassigned";

    private final Database db;

    public ReadModel(Database db) {
        this.db = db;
    }

    /**
     * @param health the latest health the gateway's heartbeat carried, as it sent it; null before any
     * @param healthAt when that heartbeat arrived
     * @param selfTest the last self-test that arrived; null before any
     * @param degradedAlert the open GATEWAY_DEGRADED episode's id; null when none is open
     */
    public record GatewayView(String id, String status, String version, Instant startedAt, Instant firstSeen,
                       Instant lastSeen, Long lastSeq, com.fasterxml.jackson.databind.JsonNode health, Instant healthAt,
                       SelfTestView selfTest, String degradedAlert) {
    }

    /** @param ranAt when the gateway ran it (its clock) @param receivedAt when it arrived @param id its alert id */
    public record SelfTestView(Instant ranAt, Instant receivedAt, String id) {
    }

    public record AlertView(String gateway, String id, String type, String severity, String device, String state,
                     Instant raisedAt, Instant clearedAt, String reason, String clearReason, boolean unassigned) {
    }

    /** One message of the webhook feed; {@code state} is a delivery's: pending, sending, delivered or failed. */
    public record NotificationView(String event, String channel, String target, String state, int attempts,
                            String lastError, Instant createdAt, Instant deliveredAt) {
    }

    /**
     * Which alerts to list.
     *
     * @param state raised or cleared, or {@code null} for both
     * @param gateway one gateway, or {@code null} for all
     * @param limit at most this many, newest first
     * @param unassigned only those whose gateway belongs to no home ({@code true}), only the others
     *     ({@code false}), or both ({@code null})
     */
    public record AlertQuery(String state, String gateway, int limit, Boolean unassigned) {
        public AlertQuery(String state, String gateway, int limit) {
            this(state, gateway, limit, null);
        }
    }

    private static final String GATEWAY_VIEW = "SELECT g.id, g.status, g.version, g.started_at, g.first_seen, g.last_seen,"
            + " g.last_seq, g.health, g.health_at, g.self_test_at, g.self_test_received_at, g.self_test_id, s.degraded_alert_id"
            + " FROM gateways g LEFT JOIN gateway_supervision s ON s.gateway = g.id";

    public List<GatewayView> gateways() {
        return gateways(Access.Filter.all());
    }

    /** The gateways in scope: those of the homes the filter keeps. */
    public List<GatewayView> gateways(Access.Filter scope) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(GATEWAY_VIEW + " WHERE " + scope.onGateway("g.id") + " ORDER BY g.id")) {
                for (int i = 0; i < scope.args().size(); i++) {
                    ps.setString(i + 1, scope.args().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    List<GatewayView> views = new ArrayList<>();
                    while (rs.next()) {
                        views.add(gatewayView(rs));
                    }
                    return views;
                }
            }
        });
    }

    /** One gateway, or empty when it was never heard from. */
    public java.util.Optional<GatewayView> gateway(String id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(GATEWAY_VIEW + " WHERE g.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? java.util.Optional.of(gatewayView(rs)) : java.util.Optional.<GatewayView>empty();
                }
            }
        });
    }

    private static GatewayView gatewayView(ResultSet rs) throws SQLException {
        String health = rs.getString("health");
        com.fasterxml.jackson.databind.JsonNode healthJson = null;
        if (health != null) {
            try {
                healthJson = org.anxin.protocol.MessageCodec.mapper().readTree(health);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                healthJson = null; // written by this bridge from a decoded heartbeat; cannot be malformed
            }
        }
        Instant ranAt = instant(rs, "self_test_at");
        SelfTestView selfTest = ranAt == null ? null
                : new SelfTestView(ranAt, instant(rs, "self_test_received_at"), rs.getString("self_test_id"));
        return new GatewayView(rs.getString("id"), rs.getString("status"), rs.getString("version"),
                instant(rs, "started_at"), instant(rs, "first_seen"), instant(rs, "last_seen"),
                Database.nullableLong(rs, "last_seq"), healthJson, instant(rs, "health_at"), selfTest,
                rs.getString("degraded_alert_id"));
    }

    public List<AlertView> alerts(AlertQuery query) {
        return alerts(query, Access.Filter.all());
    }

    /** The alerts of the gateways in scope. */
    public List<AlertView> alerts(AlertQuery query, Access.Filter scope) {
        StringBuilder sql = new StringBuilder("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE " + scope.onGateway("gateway"));
        List<String> args = new ArrayList<>(scope.args());
        if (query.state() != null) {
            sql.append(" AND state = ?");
            args.add(query.state());
        }
        if (query.gateway() != null) {
            sql.append(" AND gateway = ?");
            args.add(query.gateway());
        }
        if (query.unassigned() != null) {
            sql.append(query.unassigned() ? " AND " : " AND NOT ").append(UNASSIGNED);
        }
        // an episode whose raise has not arrived yet sorts by its clear
        sql.append(" ORDER BY COALESCE(raised_at, cleared_at) DESC, gateway, alert_id LIMIT ?");
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String arg : args) {
                    ps.setString(i++, arg);
                }
                ps.setInt(i, query.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    List<AlertView> views = new ArrayList<>();
                    while (rs.next()) {
                        views.add(alert(rs));
                    }
                    return views;
                }
            }
        });
    }

    public Optional<AlertView> alert(String gateway, String alertId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS
                    + " FROM alerts WHERE gateway = ? AND alert_id = ?")) {
                ps.setString(1, gateway);
                ps.setString(2, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(alert(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The webhook feed's recipient key in {@code deliveries}: its rows are an alert's notifications. */
    public static final String FEED_RECIPIENT = "feed";

    public List<NotificationView> notifications(String gateway, String alertId) {
        // a raise and its clear written in one millisecond: alert.raised sorts after alert.cleared
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT kind AS event, channel, address AS target, state,"
                    + " attempts, last_error, created_at, delivered_at FROM deliveries"
                    + " WHERE gateway = ? AND alert_id = ? AND recipient_key = ? ORDER BY created_at, kind DESC")) {
                ps.setString(1, gateway);
                ps.setString(2, alertId);
                ps.setString(3, FEED_RECIPIENT);
                try (ResultSet rs = ps.executeQuery()) {
                    List<NotificationView> views = new ArrayList<>();
                    while (rs.next()) {
                        views.add(new NotificationView(rs.getString("event"), rs.getString("channel"),
                                rs.getString("target"), rs.getString("state"), rs.getInt("attempts"),
                                rs.getString("last_error"), instant(rs, "created_at"), instant(rs, "delivered_at")));
                    }
                    return views;
                }
            }
        });
    }

    private static AlertView alert(ResultSet rs) throws SQLException {
        return new AlertView(rs.getString("gateway"), rs.getString("alert_id"), rs.getString("type"),
                rs.getString("severity"), rs.getString("device"), rs.getString("state"),
                instant(rs, "raised_at"), instant(rs, "cleared_at"), rs.getString("reason"),
                rs.getString("clear_reason"), rs.getBoolean("unassigned"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Long millis = Database.nullableLong(rs, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
