package org.anxin.bridge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.ClaimedDelivery;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises GATEWAY_OFFLINE for a gateway that has been silent (no birth, heartbeat or other live
 * message) for longer than the supervision interval, and clears it when the gateway is heard
 * again. Which instance raises or clears is decided by a conditional update of the gateway's
 * supervision row, in the same transaction as the alert and its escalation, so it happens once.
 *
 * <p>Raises GATEWAY_DEGRADED, the same way, when a gateway's heartbeat says its alarm path is
 * impaired (two heartbeats in a row: a gateway still starting its components is not degraded) or
 * its self-test failed, or when no self-test has arrived for {@value #SELF_TEST_PERIODS} of its
 * periods; and clears it (same episode) on the first heartbeat that says it is healthy. Only the
 * bridge raises and clears either: a gateway's clear of them is refused at ingest.
 */
final class GatewaySupervisor {

    private static final Logger log = LoggerFactory.getLogger(GatewaySupervisor.class);
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private final Database db;
    private final Duration interval;
    private final Escalations escalations;
    private final BridgeCounters counters;
    private final Clock clock;
    private final ZoneId zone;

    /** @param zone the zone of the times in its messages, the bridge's */
    GatewaySupervisor(Database db, Duration interval, Escalations escalations,
                      BridgeCounters counters, Clock clock, ZoneId zone) {
        this.zone = zone;
        this.db = db;
        this.interval = interval;
        this.escalations = escalations;
        this.counters = counters;
        this.clock = clock;
    }

    /** What one pass raised and cleared: the deliveries to send. */
    record Pass(List<ClaimedDelivery> deliveries) {
    }

    Pass check() {
        long now = clock.millis();
        List<ClaimedDelivery> deliveries = new ArrayList<>();
        record Silent(String gateway, long seen, String status) {
        }
        List<Silent> silent = db.withConnection(c -> {
            List<Silent> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT g.id, COALESCE(g.last_seen, g.first_seen) AS seen,"
                    + " g.status FROM gateways g LEFT JOIN gateway_supervision s ON s.gateway = g.id"
                    + " WHERE COALESCE(g.last_seen, g.first_seen) < ? AND s.offline_alert_id IS NULL")) {
                ps.setLong(1, now - interval.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(new Silent(rs.getString(1), rs.getLong(2), rs.getString(3)));
                    }
                }
            }
            return list;
        });
        for (Silent s : silent) {
            Alert alert = Alert.raise(AlertType.GATEWAY_OFFLINE, null, Instant.ofEpochMilli(now),
                    "gateway " + s.gateway() + " silent since " + when(s.seen())
                            + " (no message for more than " + interval.toSeconds() + " s"
                            + (s.status().equals("offline") ? "; its last will said offline)" : ")"));
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_supervision (gateway,"
                        + " offline_alert_id, raised_at) VALUES (?, ?, ?) ON CONFLICT (gateway) DO UPDATE SET"
                        + " offline_alert_id = excluded.offline_alert_id, raised_at = excluded.raised_at"
                        + " WHERE gateway_supervision.offline_alert_id IS NULL")) {
                    ps.setString(1, s.gateway());
                    ps.setString(2, alert.id());
                    ps.setLong(3, now);
                    if (ps.executeUpdate() == 0) {
                        return null; // another instance raised it
                    }
                }
                record(c, s.gateway(), alert, now, deliveries);
                counters.gatewaysOffline.incrementAndGet();
                log.warn("gateway {} silent for more than {} s: GATEWAY_OFFLINE raised", s.gateway(),
                        interval.toSeconds());
                return null;
            });
        }
        record Back(String gateway, String alertId, long raisedAt) {
        }
        List<Back> back = db.withConnection(c -> {
            List<Back> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.gateway, s.offline_alert_id, s.raised_at"
                    + " FROM gateway_supervision s JOIN gateways g ON g.id = s.gateway"
                    + " WHERE s.offline_alert_id IS NOT NULL AND g.last_seen > s.raised_at")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(new Back(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            return list;
        });
        for (Back b : back) {
            Alert raised = new Alert(b.alertId(), AlertType.GATEWAY_OFFLINE, org.anxin.protocol.AlertState.RAISED,
                    AlertType.GATEWAY_OFFLINE.defaultSeverity(), null, Instant.ofEpochMilli(b.raisedAt()), "");
            Alert cleared = raised.clear(Instant.ofEpochMilli(now), "gateway " + b.gateway() + " is reporting again");
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE gateway_supervision SET offline_alert_id = NULL"
                        + " WHERE gateway = ? AND offline_alert_id = ?")) {
                    ps.setString(1, b.gateway());
                    ps.setString(2, b.alertId());
                    if (ps.executeUpdate() == 0) {
                        return null;
                    }
                }
                record(c, b.gateway(), cleared, now, deliveries);
                log.info("gateway {} reporting again: GATEWAY_OFFLINE cleared", b.gateway());
                return null;
            });
        }
        return new Pass(deliveries);
    }

    /** A gateway whose self-test has not arrived for this many of its periods is degraded. */
    static final int SELF_TEST_PERIODS = 2;
    /** Reasons are cut here: a heartbeat's causes are many at most, but a reason is for a person. */
    private static final int MAX_REASON = 1000;

    /**
     * Stores a heartbeat's health, and raises or clears GATEWAY_DEGRADED by it; a heartbeat
     * without health (an older gateway) changes neither.
     */
    Pass onHeartbeat(String gateway, Heartbeat heartbeat, long now) {
        List<ClaimedDelivery> deliveries = new ArrayList<>();
        GatewayHealth health = heartbeat.health();
        if (health == null) {
            return new Pass(deliveries);
        }
        String json;
        try {
            json = MessageCodec.mapper().writeValueAsString(health);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        db.inTransaction(c -> {
            String previous = null;
            Long selfTestReceived = null;
            String open = null;
            Long openAt = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT g.health, g.self_test_received_at, s.degraded_alert_id,"
                    + " s.degraded_raised_at FROM gateways g LEFT JOIN gateway_supervision s ON s.gateway = g.id WHERE g.id = ?")) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        previous = rs.getString(1);
                        selfTestReceived = Database.nullableLong(rs, "self_test_received_at");
                        open = rs.getString(3);
                        openAt = Database.nullableLong(rs, "degraded_raised_at");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE gateways SET health = ?, health_at = ? WHERE id = ?")) {
                ps.setString(1, json);
                ps.setLong(2, now);
                ps.setString(3, gateway);
                ps.executeUpdate();
            }
            List<String> causes = new ArrayList<>(health.impairments());
            String missed = missedSelfTest(health.selfTest(), heartbeat.uptimeSeconds(), selfTestReceived, now);
            if (missed != null) {
                causes.add(missed);
            }
            if (!causes.isEmpty() && open == null && (missed != null || wasImpaired(previous))) {
                raiseDegraded(c, gateway, causes, now, deliveries);
            } else if (causes.isEmpty() && open != null) {
                clearDegraded(c, gateway, open, openAt == null ? now : openAt, now, deliveries);
            }
            return null;
        });
        return new Pass(deliveries);
    }

    /** Why the self-test counts as missed, or null: nothing arrived for two periods since the later of its start and the last one. */
    static String missedSelfTest(GatewayHealth.SelfTest selfTest, long uptimeSeconds, Long lastReceived, long now) {
        if (selfTest == null || selfTest.everyMinutes() <= 0) {
            return null; // the gateway runs none (yet), so there is no period to miss
        }
        long period = Duration.ofMinutes(selfTest.everyMinutes()).toMillis();
        long since = Math.max(lastReceived == null ? 0 : lastReceived, now - uptimeSeconds * 1000);
        if (now - since <= SELF_TEST_PERIODS * period) {
            return null;
        }
        return "no self-test has arrived for " + Duration.ofMillis(now - since).toMinutes() + " min (the gateway runs one every "
                + selfTest.everyMinutes() + " min)";
    }

    private static boolean wasImpaired(String healthJson) {
        if (healthJson == null) {
            return false;
        }
        try {
            return MessageCodec.mapper().readValue(healthJson, GatewayHealth.class).alarmPathImpaired();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    private void raiseDegraded(Connection c, String gateway, List<String> causes, long now,
                               List<ClaimedDelivery> deliveries) throws SQLException {
        String reason = "gateway " + gateway + ": the alarm path is impaired: " + String.join("; ", causes);
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON - 3) + "...";
        }
        Alert alert = Alert.raise(AlertType.GATEWAY_DEGRADED, null, Instant.ofEpochMilli(now), reason);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_supervision (gateway, degraded_alert_id,"
                + " degraded_raised_at) VALUES (?, ?, ?) ON CONFLICT (gateway) DO UPDATE SET"
                + " degraded_alert_id = excluded.degraded_alert_id, degraded_raised_at = excluded.degraded_raised_at"
                + " WHERE gateway_supervision.degraded_alert_id IS NULL")) {
            ps.setString(1, gateway);
            ps.setString(2, alert.id());
            ps.setLong(3, now);
            if (ps.executeUpdate() == 0) {
                return; // another instance raised it
            }
        }
        record(c, gateway, alert, now, deliveries);
        counters.gatewaysDegraded.incrementAndGet();
        log.warn("gateway {} degraded: GATEWAY_DEGRADED raised: {}", gateway, String.join("; ", causes));
    }

    private void clearDegraded(Connection c, String gateway, String alertId, long raisedAt, long now,
                               List<ClaimedDelivery> deliveries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE gateway_supervision SET degraded_alert_id = NULL,"
                + " degraded_raised_at = NULL WHERE gateway = ? AND degraded_alert_id = ?")) {
            ps.setString(1, gateway);
            ps.setString(2, alertId);
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        Alert raised = new Alert(alertId, AlertType.GATEWAY_DEGRADED, org.anxin.protocol.AlertState.RAISED,
                AlertType.GATEWAY_DEGRADED.defaultSeverity(), null, Instant.ofEpochMilli(raisedAt), "");
        record(c, gateway, raised.clear(Instant.ofEpochMilli(now), "gateway " + gateway + " reports its alarm path healthy again"),
                now, deliveries);
        log.info("gateway {} healthy again: GATEWAY_DEGRADED cleared", gateway);
    }

    private String when(long millis) {
        return WHEN.format(Instant.ofEpochMilli(millis).atZone(zone)) + " "
                + (zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId());
    }

    /** Stores the alert as a gateway's would be, with its escalation (and so its feed notification). */
    private void record(Connection c, String gateway, Alert alert, long now, List<ClaimedDelivery> deliveries)
            throws SQLException {
        boolean raised = alert.state() == org.anxin.protocol.AlertState.RAISED;
        String sql = raised
                ? "INSERT INTO alerts (gateway, alert_id, type, severity, device, state, raised_at, reason)"
                    + " VALUES (?, ?, ?, ?, ?, 'raised', ?, ?) ON CONFLICT (gateway, alert_id) DO NOTHING"
                : "INSERT INTO alerts (gateway, alert_id, type, severity, device, state, cleared_at, clear_reason)"
                    + " VALUES (?, ?, ?, ?, ?, 'cleared', ?, ?) ON CONFLICT (gateway, alert_id) DO UPDATE SET"
                    + " state = 'cleared', cleared_at = excluded.cleared_at, clear_reason = excluded.clear_reason";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, gateway);
            ps.setString(2, alert.id());
            ps.setString(3, alert.type().name());
            ps.setString(4, alert.severity().wireName());
            Database.setNullableText(ps, 5, alert.device());
            ps.setLong(6, alert.time().toEpochMilli());
            ps.setString(7, alert.reason());
            ps.executeUpdate();
        }
        deliveries.addAll(escalations.onAlert(c, gateway, alert, now));
    }
}
