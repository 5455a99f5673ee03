package org.anxin.bridge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.Command;
import org.anxin.protocol.CommandRequest;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator commands to one gateway: stored, signed, published, and answered by the gateway's
 * {@code command/result}. The caller waits for the answer by reading the database, so it arrives
 * whichever bridge instance ingests it.
 */
final class GatewayCommands {

    private static final Logger log = LoggerFactory.getLogger(GatewayCommands.class);
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    static final List<String> NAMES = List.of("permit-join", "mode", "test-siren", "diagnostics", "rollback");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(120);
    /** A gateway refuses a command after this, at the least: clocks differ and brokers hold messages. */
    static final Duration MIN_VALIDITY = Duration.ofSeconds(30);
    static final long POLL_MS = 100;

    private final Database db;
    private final SigningKey key;
    private final DownlinkPublisher downlink;
    private final Clock clock;

    GatewayCommands(Database db, SigningKey key, DownlinkPublisher downlink, Clock clock) {
        this.db = db;
        this.key = key;
        this.downlink = downlink;
        this.clock = clock;
    }

    /**
     * Sends the command and waits for the gateway's answer.
     *
     * @return {@code {"id","name","ok":true,"result":{...}}} or {@code {"id","name","ok":false,"error":"..."}}
     * @throws ApiException 400 for an unknown name, 404 for an unknown gateway, 409 for an offline
     *     one, 503 when the broker did not take it, 504 when no answer came in time
     */
    Map<String, Object> send(String gateway, String name, Map<String, Object> args, String operator, Duration timeout) {
        RemoteConfig.requireGateway(gateway);
        if (name == null || !NAMES.contains(name)) {
            throw ApiException.badRequest("name must be one of " + String.join(", ", NAMES) + ", not '" + name + "'");
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw ApiException.badRequest("timeoutSeconds must be from 1 to " + MAX_TIMEOUT.toSeconds() + ", got "
                    + timeout.toSeconds());
        }
        requireOnline(gateway);
        long issued = clock.millis();
        long expires = issued + Math.max(timeout.toMillis(), MIN_VALIDITY.toMillis());
        String id = UUID.randomUUID().toString();
        Command command = new Command(id, gateway, name, args, Instant.ofEpochMilli(issued), Instant.ofEpochMilli(expires));
        String text = RemoteConfig.json(command);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO commands (id, gateway, name, args, issued_at,"
                    + " expires_at, created_by, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')")) {
                ps.setString(1, id);
                ps.setString(2, gateway);
                ps.setString(3, name);
                ps.setString(4, RemoteConfig.json(command.args()));
                ps.setLong(5, issued);
                ps.setLong(6, expires);
                ps.setString(7, operator);
                return ps.executeUpdate();
            }
        });
        try {
            downlink.publish(Envelope.of(gateway, 0, Instant.ofEpochMilli(issued), new CommandRequest(text, key.sign(text))));
        } catch (DownlinkPublisher.NotSent e) {
            finish(id, "failed", "not sent: " + e.getMessage(), null);
            throw new ApiException(503, "command " + name + " to gateway " + gateway + " was not sent: "
                    + e.getMessage());
        }
        update("UPDATE commands SET published_at = ? WHERE id = ?", clock.millis(), id);
        log.info("operator {} sent {} to gateway {} (command {})", operator, name, gateway, id);
        long deadline = issued + timeout.toMillis();
        while (true) {
            Map<String, Object> answer = answer(id, name);
            if (answer != null) {
                return answer;
            }
            if (clock.millis() >= deadline) {
                break;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(503, "the bridge is stopping; command " + id + " was sent but not answered");
            }
        }
        if (!finish(id, "expired", "no answer within " + timeout.toSeconds() + " s", null)) {
            Map<String, Object> answer = answer(id, name); // it came just now
            if (answer != null) {
                return answer;
            }
        }
        log.warn("gateway {} did not answer {} (command {}) within {} s", gateway, name, id, timeout.toSeconds());
        throw new ApiException(504, "gateway " + gateway + " did not answer within " + timeout.toSeconds() + " s"
                + " (command " + id + ")");
    }

    private void requireOnline(String gateway) {
        record State(String status, long seen, boolean silent) {
        }
        State state = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT g.status, COALESCE(g.last_seen, g.first_seen),"
                    + " s.offline_alert_id FROM gateways g LEFT JOIN gateway_supervision s ON s.gateway = g.id"
                    + " WHERE g.id = ?")) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new State(rs.getString(1), rs.getLong(2), rs.getString(3) != null) : null;
                }
            }
        });
        if (state == null) {
            throw ApiException.notFound("gateway " + gateway + " has never reported to this bridge");
        }
        if (state.status().equals("offline") || state.silent()) {
            throw ApiException.conflict("gateway " + gateway + " is offline since "
                    + WHEN.format(Instant.ofEpochMilli(state.seen())) + "; the command was not sent");
        }
    }

    private Map<String, Object> answer(String id, String name) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT status, result, error FROM commands WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    String status = rs.getString(1);
                    if (!status.equals("done") && !status.equals("failed")) {
                        return null;
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", id);
                    out.put("name", name);
                    out.put("ok", status.equals("done"));
                    if (status.equals("done")) {
                        String result = rs.getString(2);
                        out.put("result", result == null ? Map.of() : MessageCodec.mapper().readValue(result, Map.class));
                    } else {
                        out.put("error", rs.getString(3));
                    }
                    return out;
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /** Moves a pending command to its end state; false if it was no longer pending. */
    private boolean finish(String id, String status, String error, String result) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE commands SET status = ?, error = ?, result = ?,"
                    + " answered_at = ? WHERE id = ? AND status = 'pending'")) {
                ps.setString(1, status);
                Database.setNullableText(ps, 2, error);
                Database.setNullableText(ps, 3, result);
                ps.setLong(4, clock.millis());
                ps.setString(5, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private void update(String sql, long value, String id) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, value);
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Records a gateway's answer, in the transaction that stores the message. A late answer (after
     * the caller gave up) is still recorded: the operator can see what the gateway did.
     *
     * @return false when no command of this gateway has the id
     */
    boolean applyResult(Connection c, String gateway, CommandResult result, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE commands SET status = ?, result = ?, error = ?,"
                + " answered_at = ? WHERE id = ? AND gateway = ? AND status IN ('pending', 'expired')")) {
            ps.setString(1, result.ok() ? "done" : "failed");
            Database.setNullableText(ps, 2, result.result() == null ? null : RemoteConfig.json(result.result()));
            Database.setNullableText(ps, 3, result.ok() ? null : (result.error() == null ? "refused" : result.error()));
            ps.setLong(4, now);
            ps.setString(5, result.id());
            ps.setString(6, gateway);
            if (ps.executeUpdate() > 0) {
                return true;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM commands WHERE id = ? AND gateway = ?")) {
            ps.setString(1, result.id());
            ps.setString(2, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next(); // answered already: a copy
            }
        }
    }

    /** Marks commands nobody waits for any more (their instance stopped) as expired; run by the timer. */
    void expireOverdue() {
        update("UPDATE commands SET status = 'expired', error = 'no answer before it expired' WHERE status = 'pending'"
                + " AND expires_at < ?", clock.millis());
    }

    private void update(String sql, long value) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, value);
                return ps.executeUpdate();
            }
        });
    }
}
