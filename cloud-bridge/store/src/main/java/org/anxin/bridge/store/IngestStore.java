package org.anxin.bridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.anxin.bridge.core.ClaimedDelivery;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;

/** The writes of ingest: each message's effect on the tables, in one transaction. */
public final class IngestStore {

    /**
     * How long after a gateway said it had sent everything up to a number the bridge waits for the
     * stragglers before it calls them missing: a heartbeat (QoS 0) can overtake QoS 1 messages
     * queued for the bridge at the broker.
     */
    static final Duration GAP_GRACE = Duration.ofSeconds(30);

    private static final String SELECT_GAP_STATE = "SELECT checked_seq, horizon_seq, horizon_at, last_seq FROM gateways WHERE id = ?";

    private static final String SELECT_FIRST_SEQ = "SELECT min(seq) FROM events WHERE gateway = ?";

    // the runs of numbers missing inside (lower, horizon]; the tail after the last stored one is found apart
    private static final String SELECT_HOLES = "SELECT prev + 1, seq - 1 FROM (SELECT seq,"
            + " LAG(seq, 1, CAST(? AS BIGINT)) OVER (ORDER BY seq) AS prev FROM events"
            + " WHERE gateway = ? AND seq > ? AND seq <= ?) t WHERE seq > prev + 1 ORDER BY seq";

    private static final String SELECT_LAST_IN_RANGE = "SELECT max(seq) FROM events WHERE gateway = ? AND seq > ? AND seq <= ?";

    private static final String INSERT_GAP = "INSERT INTO sequence_gaps (gateway, first_seq, last_seq, detected_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (gateway, first_seq) DO NOTHING";

    private static final String CHECKED_UP_TO = "UPDATE gateways SET checked_seq = ?, horizon_seq = NULL, horizon_at = NULL WHERE id = ?";

    private static final String SET_HORIZON = "UPDATE gateways SET horizon_seq = ?, horizon_at = ? WHERE id = ?";

    /** The later of the stored and the new last_seen; a NULL new value leaves it as it is. */
    private static final String LATER_LAST_SEEN = "last_seen = CASE"
            + " WHEN excluded.last_seen IS NULL THEN gateways.last_seen"
            + " WHEN gateways.last_seen IS NULL OR excluded.last_seen > gateways.last_seen THEN excluded.last_seen"
            + " ELSE gateways.last_seen END";

    private static final String INSERT_EVENT = "INSERT INTO events (gateway, seq, ts, type, body, received_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (gateway, seq) DO NOTHING";

    private static final String SELECT_LAST_SEQ = "SELECT last_seq FROM gateways WHERE id = ?";

    private static final String TOUCH_GATEWAY_WITH_SEQ = "INSERT INTO gateways"
            + " (id, status, first_seen, last_seen, last_seq) VALUES (?, 'unknown', ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET " + LATER_LAST_SEEN + ", last_seq = CASE"
            + " WHEN gateways.last_seq IS NULL OR excluded.last_seq > gateways.last_seq THEN excluded.last_seq"
            + " ELSE gateways.last_seq END";

    private static final String TOUCH_GATEWAY = "INSERT INTO gateways"
            + " (id, status, first_seen, last_seen) VALUES (?, 'unknown', ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET " + LATER_LAST_SEEN;

    // An offline will left behind by an earlier run (older startedAt) must not mark a gateway
    // offline that has since come back online.
    private static final String APPLY_STATE = "INSERT INTO gateways"
            + " (id, status, version, started_at, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
            + " version = COALESCE(excluded.version, gateways.version),"
            + " started_at = COALESCE(excluded.started_at, gateways.started_at), " + LATER_LAST_SEEN
            + " WHERE NOT (excluded.status = 'offline' AND gateways.status = 'online'"
            + " AND excluded.started_at IS NOT NULL AND gateways.started_at IS NOT NULL"
            + " AND gateways.started_at > excluded.started_at)";

    // a second raise of the episode (the gateway resending it under a new seq) changes nothing
    private static final String RAISE_ALERT = "INSERT INTO alerts"
            + " (gateway, alert_id, type, severity, device, state, raised_at, reason, raised_seq)"
            + " VALUES (?, ?, ?, ?, ?, 'raised', ?, ?, ?) ON CONFLICT (gateway, alert_id) DO NOTHING";

    private static final String SELECT_EPISODE = "SELECT type, state, raised_at, raised_seq FROM alerts"
            + " WHERE gateway = ? AND alert_id = ?";

    private static final String CLEAR_ALERT = "UPDATE alerts SET state = 'cleared', cleared_at = ?, clear_reason = ?"
            + " WHERE gateway = ? AND alert_id = ? AND state = 'raised'";

    // Moves the gateway's last sign of life forward, or changes nothing (0 rows) for one that does not
    // move it: a decision in one statement, so two instances hearing the same replay cannot both take it
    private static final String CLAIM_LIVE = "INSERT INTO gateways (id, status, first_seen, live_ts, live_seq)"
            + " VALUES (?, 'unknown', ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            + " live_ts = CASE WHEN gateways.live_ts IS NULL OR excluded.live_ts > gateways.live_ts"
            + " THEN excluded.live_ts ELSE gateways.live_ts END,"
            + " live_seq = CASE WHEN gateways.live_seq IS NULL OR excluded.live_seq > gateways.live_seq"
            + " THEN excluded.live_seq ELSE gateways.live_seq END"
            + " WHERE gateways.live_ts IS NULL OR gateways.live_seq IS NULL"
            + " OR excluded.live_ts > gateways.live_ts OR excluded.live_seq > gateways.live_seq";

    /**
     * Rows the quarantine table keeps: a flood of poison messages must not fill the disk the
     * alarms are stored on, so past this the oldest rows go (and are counted).
     */
    static final int DEFAULT_QUARANTINE_ROWS = 10_000;

    private final Database db;
    private final long gapGraceMillis = GAP_GRACE.toMillis();
    private final int quarantineRows;

    public IngestStore(Database db) {
        this(db, DEFAULT_QUARANTINE_ROWS);
    }

    public IngestStore(Database db, int quarantineRows) {
        if (quarantineRows < 1) {
            throw new IllegalArgumentException("quarantineRows must be at least 1, got " + quarantineRows);
        }
        this.db = db;
        this.quarantineRows = quarantineRows;
    }

    /**
     * What storing one reading or alert did.
     *
     * @param duplicate the (gateway, seq) was already stored; nothing was written
     * @param previousLastSeq the gateway's highest seq before this one, or {@code null} if none
     * @param refused why a clear was not applied (it was stored as received, nothing else); {@code null}
     *     when it was, or for anything but a clear
     * @param deliveries what the accepted clear's effect wrote, to send now
     */
    public record EventResult(boolean duplicate, Long previousLastSeq, String refused, List<ClaimedDelivery> deliveries) {
    }

    /** What an accepted clear does besides closing the alert, in the same transaction. */
    @FunctionalInterface
    public interface ClearEffect {
        List<ClaimedDelivery> apply(Connection c) throws SQLException;
    }

    /**
     * A heartbeat's or live state's place in its gateway's stream: its envelope's {@code seq} (the
     * last number the gateway assigned) and {@code ts} (its clock when it made the message).
     */
    public record LiveSign(long seq, java.time.Instant ts) {

        public static LiveSign of(Envelope envelope) {
            return new LiveSign(envelope.seq(), envelope.ts());
        }

        long micros() {
            return Math.addExact(Math.multiplyExact(ts.getEpochSecond(), 1_000_000L), ts.getNano() / 1000);
        }
    }

    /**
     * What a heartbeat did.
     *
     * @param replay why it was refused as a replay (nothing was written), or {@code null}
     * @param gaps the runs of numbers newly found missing, oldest first
     */
    public record Beat(String replay, List<Gap> gaps) {
    }

    /** A run of sequence numbers a gateway sent and the bridge never received, {@code first..last}. */
    public record Gap(long first, long last) {

        public long size() {
            return last - first + 1;
        }
    }

    /**
     * Stores a reading or alert once per (gateway, seq). A raise opens its episode; a clear closes
     * it only when {@link #refusal} finds nothing wrong, and then runs {@code onClear}.
     */
    public EventResult storeEvent(Envelope envelope, String type, String bodyJson, long receivedAt, Alert alert) {
        return storeEvent(envelope, type, bodyJson, receivedAt, alert, c -> List.of());
    }

    public EventResult storeEvent(Envelope envelope, String type, String bodyJson, long receivedAt, Alert alert,
                           ClearEffect onClear) {
        return db.inTransaction(c -> {
            // the insert goes first: it takes SQLite's write lock and decides if anything else happens;
            // a copy (or a forged clear reusing the raise's own seq) changes nothing
            if (!insertEvent(c, envelope, type, bodyJson, receivedAt)) {
                return new EventResult(true, null, null, List.of());
            }
            Long previousLastSeq = lastSeq(c, envelope.gateway());
            try (PreparedStatement ps = c.prepareStatement(TOUCH_GATEWAY_WITH_SEQ)) {
                ps.setString(1, envelope.gateway());
                ps.setLong(2, receivedAt);
                ps.setLong(3, receivedAt);
                ps.setLong(4, envelope.seq());
                ps.executeUpdate();
            }
            List<ClaimedDelivery> deliveries = List.of();
            if (alert != null && alert.state() == AlertState.RAISED) {
                raiseAlert(c, envelope, alert);
            } else if (alert != null) {
                String refused = refusal(c, envelope, alert);
                if (refused != null) {
                    return new EventResult(false, previousLastSeq, refused, List.of());
                }
                if (!clearAlert(c, envelope.gateway(), alert)) {
                    return new EventResult(false, previousLastSeq, "the episode is already cleared", List.of());
                }
                deliveries = onClear.apply(c);
            }
            return new EventResult(false, previousLastSeq, null, deliveries);
        });
    }

    /**
     * Why a clear may not end its episode, or {@code null} if it may: it must end an open raise of
     * the same episode and type that came earlier in the gateway's sequence. A call button has no
     * clear (a person pressed it; only a person answers it), and GATEWAY_OFFLINE is the bridge's
     * own, cleared when the bridge hears the gateway again.
     */
    private static String refusal(Connection c, Envelope envelope, Alert clear) throws SQLException {
        if (clear.type() == AlertType.EMERGENCY_CALL) {
            return "an emergency call has no clear; a person acknowledges it";
        }
        if (clear.type() == AlertType.GATEWAY_OFFLINE || clear.type() == AlertType.GATEWAY_DEGRADED) {
            return clear.type() + " is raised and cleared by the bridge, not by a gateway";
        }
        try (PreparedStatement ps = c.prepareStatement(SELECT_EPISODE)) {
            ps.setString(1, envelope.gateway());
            ps.setString(2, clear.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || Database.nullableLong(rs, "raised_at") == null) {
                    return "no raise of this episode has arrived";
                }
                if (!rs.getString("type").equals(clear.type().name())) {
                    return "the episode is a " + rs.getString("type") + ", the clear says " + clear.type();
                }
                if (!rs.getString("state").equals("raised")) {
                    return "the episode is already " + rs.getString("state");
                }
                Long raisedSeq = Database.nullableLong(rs, "raised_seq");
                if (raisedSeq != null && envelope.seq() <= raisedSeq) {
                    return "seq " + envelope.seq() + " is not later than the raise's seq " + raisedSeq;
                }
                return null;
            }
        }
    }

    /**
     * Stores a message from the gateway's outbox that is not a reading or alert (a configuration
     * report, a command's result) once per (gateway, seq), and applies its effect in the same
     * transaction. Kept in the events table, it counts as received when the sequence is judged, so
     * it never shows up as a gap. A message without a number of the outbox ({@code seq} 0) has its
     * effect applied every time.
     *
     * @param live whether it is proof that the gateway is alive now; a retained copy is not
     * @return whether the effect was applied: false for a duplicate
     */
    public boolean storeOutboxMessage(Envelope envelope, String type, String bodyJson, long receivedAt, boolean live,
                               Database.SqlWork<?> effect) {
        return db.inTransaction(c -> {
            if (envelope.seq() > 0 && !insertEvent(c, envelope, type, bodyJson, receivedAt)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(envelope.seq() > 0 ? TOUCH_GATEWAY_WITH_SEQ : TOUCH_GATEWAY)) {
                ps.setString(1, envelope.gateway());
                ps.setLong(2, receivedAt);
                Database.setNullableLong(ps, 3, live ? receivedAt : null);
                if (envelope.seq() > 0) {
                    ps.setLong(4, envelope.seq());
                }
                ps.executeUpdate();
            }
            effect.run(c);
            return true;
        });
    }

    /**
     * Records a gateway's self-test as its latest, in the caller's transaction (a later one never
     * gives way to an earlier one that arrives late). Never an alert: nothing is notified or escalated.
     */
    public static void recordSelfTest(Connection c, String gateway, Alert test, long receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE gateways SET self_test_at = ?, self_test_received_at = ?,"
                + " self_test_id = ? WHERE id = ? AND (self_test_at IS NULL OR self_test_at <= ?)")) {
            ps.setLong(1, test.time().toEpochMilli());
            ps.setLong(2, receivedAt);
            ps.setString(3, test.id());
            ps.setString(4, gateway);
            ps.setLong(5, test.time().toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** Inserts the event once per (gateway, seq); false when it was there already. */
    private static boolean insertEvent(Connection c, Envelope envelope, String type, String bodyJson,
                                       long receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENT)) {
            ps.setString(1, envelope.gateway());
            ps.setLong(2, envelope.seq());
            ps.setLong(3, envelope.ts().toEpochMilli());
            ps.setString(4, type);
            ps.setString(5, bodyJson);
            ps.setLong(6, receivedAt);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Records a gateway's birth or last will.
     *
     * @param live its place in the gateway's stream when it is a sign of life heard now (a live
     *     "online"); {@code null} for a will or a retained copy, which say nothing about when the
     *     gateway was last heard from
     * @return why it was refused as a replay (nothing was written), or {@code null}
     */
    public String applyState(String gateway, GatewayState state, long receivedAt, LiveSign live) {
        return db.inTransaction(c -> {
            if (live != null) {
                String replay = claimLive(c, gateway, live, receivedAt);
                if (replay != null) {
                    return takeLateBirth(c, gateway, state) ? null : replay;
                }
            }
            Long liveAt = live == null ? null : receivedAt;
            try (PreparedStatement ps = c.prepareStatement(APPLY_STATE)) {
                ps.setString(1, gateway);
                ps.setString(2, state.status().wireName());
                Database.setNullableText(ps, 3, state.version());
                Database.setNullableLong(ps, 4, state.startedAt() == null ? null : state.startedAt().toEpochMilli());
                ps.setLong(5, receivedAt);
                Database.setNullableLong(ps, 6, liveAt);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * A birth that arrives after the heartbeats of its own run: the broker sends a QoS 0 heartbeat
     * at once but holds a QoS 1 birth back for a subscriber that is behind, so the birth loses to
     * {@link #claimLive}. It is no sign of life (the heartbeat was, and {@code last_seen} stays its),
     * but it is news of a run the bridge has not recorded: its status, version and start are taken.
     * A replay cannot be such news: every birth the bridge has seen, and its run's will, recorded
     * their start, and only a later start is taken (so a replayed birth never undoes a will).
     */
    private static boolean takeLateBirth(Connection c, String gateway, GatewayState state)
            throws SQLException {
        if (state.startedAt() == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE gateways SET status = ?,"
                + " version = COALESCE(?, version), started_at = ?"
                + " WHERE id = ? AND (started_at IS NULL OR started_at < ?)")) {
            long started = state.startedAt().toEpochMilli();
            ps.setString(1, state.status().wireName());
            Database.setNullableText(ps, 2, state.version());
            ps.setLong(3, started);
            ps.setString(4, gateway);
            ps.setLong(5, started);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Takes a sign of life if it moves the gateway's stream forward: its {@code ts} or its
     * {@code seq} later than the last one taken. A recorded genuine heartbeat sent again moves
     * neither, and proves nothing. Either suffices, so a gateway whose clock was set back is still
     * heard once it has stored something new; its restart needs neither (its clock went on, and
     * its sequence never goes back).
     *
     * @return why it is a replay, or {@code null} when it was taken
     */
    private static String claimLive(Connection c, String gateway, LiveSign live, long receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLAIM_LIVE)) {
            ps.setString(1, gateway);
            ps.setLong(2, receivedAt);
            ps.setLong(3, live.micros());
            ps.setLong(4, live.seq());
            if (ps.executeUpdate() > 0) {
                return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT live_ts, live_seq FROM gateways WHERE id = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long micros = rs.getLong(1);
                java.time.Instant last = java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1000);
                return "replayed: ts " + live.ts() + " and seq " + live.seq() + " are no later than the last accepted"
                        + " sign of life's (ts " + last + ", seq " + rs.getLong(2) + ")";
            }
        }
    }

    /**
     * Records a heartbeat and judges the gateway's sequence. A heartbeat with an empty outbox says
     * every number up to its {@code seq} has left the gateway; one grace period later, each such
     * number not stored is missing. Numbers merely out of order (alerts overtaking telemetry, a
     * backlog still draining) are never reported.
     *
     * A heartbeat that does not move the gateway's stream forward is a replay and changes nothing
     * ({@link #claimLive}).
     *
     * @return what it did; its gaps are recorded in sequence_gaps
     */
    public Beat heartbeat(String gateway, LiveSign live, long queued, long receivedAt) {
        long seq = live.seq();
        return db.inTransaction(c -> {
            String replay = claimLive(c, gateway, live, receivedAt);
            if (replay != null) {
                return new Beat(replay, List.of());
            }
            try (PreparedStatement ps = c.prepareStatement(TOUCH_GATEWAY)) {
                ps.setString(1, gateway);
                ps.setLong(2, receivedAt);
                ps.setLong(3, receivedAt);
                ps.executeUpdate();
            }
            Long checked;
            Long horizon;
            Long horizonAt;
            Long lastSeq;
            try (PreparedStatement ps = c.prepareStatement(SELECT_GAP_STATE)) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    checked = Database.nullableLong(rs, "checked_seq");
                    horizon = Database.nullableLong(rs, "horizon_seq");
                    horizonAt = Database.nullableLong(rs, "horizon_at");
                    lastSeq = Database.nullableLong(rs, "last_seq");
                }
            }
            List<Gap> found = List.of();
            if (horizon != null && receivedAt - horizonAt >= gapGraceMillis) {
                found = judge(c, gateway, checked, horizon, receivedAt);
                checked = horizon;
                horizon = null;
            }
            // a newer promise is taken only once the pending one is judged, so every number gets its grace;
            // and only from a gateway with a stored message: before that there is nothing to judge, and a
            // first heartbeat with a huge seq would mark every number below it checked
            if (horizon == null && queued == 0 && lastSeq != null && (checked == null || seq > checked)) {
                try (PreparedStatement ps = c.prepareStatement(SET_HORIZON)) {
                    ps.setLong(1, seq);
                    ps.setLong(2, receivedAt);
                    ps.setString(3, gateway);
                    ps.executeUpdate();
                }
            }
            return new Beat(null, found);
        });
    }

    /** Finds and records the numbers missing in (checked, horizon], and marks them checked. */
    private static List<Gap> judge(Connection c, String gateway, Long checked, long horizon, long now) throws SQLException {
        Long lower = checked;
        if (lower == null) {
            // the first judgement: numbers before the first one this bridge ever stored are not its business
            try (PreparedStatement ps = c.prepareStatement(SELECT_FIRST_SEQ)) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long first = rs.getLong(1);
                    lower = rs.wasNull() ? horizon : first - 1;
                }
            }
        }
        List<Gap> gaps = new ArrayList<>();
        if (lower < horizon) {
            try (PreparedStatement ps = c.prepareStatement(SELECT_HOLES)) {
                ps.setLong(1, lower);
                ps.setString(2, gateway);
                ps.setLong(3, lower);
                ps.setLong(4, horizon);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        gaps.add(new Gap(rs.getLong(1), rs.getLong(2)));
                    }
                }
            }
            long last;
            try (PreparedStatement ps = c.prepareStatement(SELECT_LAST_IN_RANGE)) {
                ps.setString(1, gateway);
                ps.setLong(2, lower);
                ps.setLong(3, horizon);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    last = rs.getLong(1);
                    if (rs.wasNull()) {
                        last = lower;
                    }
                }
            }
            if (last < horizon) {
                gaps.add(new Gap(last + 1, horizon));
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_GAP)) {
                for (Gap gap : gaps) {
                    ps.setString(1, gateway);
                    ps.setLong(2, gap.first());
                    ps.setLong(3, gap.last());
                    ps.setLong(4, now);
                    ps.addBatch();
                }
                if (!gaps.isEmpty()) {
                    ps.executeBatch();
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(CHECKED_UP_TO)) {
            ps.setLong(1, horizon);
            ps.setString(2, gateway);
            ps.executeUpdate();
        }
        return gaps;
    }

    /** Records that a gateway was heard from. */
    void touch(String gateway, long receivedAt) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(TOUCH_GATEWAY)) {
                ps.setString(1, gateway);
                ps.setLong(2, receivedAt);
                ps.setLong(3, receivedAt);
                return ps.executeUpdate();
            }
        });
    }

    /** The highest number stored for the gateway, or {@code null} if none. */
    public Long lastSeq(String gateway) {
        return db.withConnection(c -> lastSeq(c, gateway));
    }

    /**
     * Keeps a message refused for its content, for a person to look at: its topic and the start
     * of its payload, as text with control characters escaped, so the row itself is always storable.
     */
    public int quarantine(String topic, String gateway, byte[] payload, String reason, long receivedAt) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO quarantine (id, received_at, topic, gateway,"
                    + " reason, payload, size) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, java.util.UUID.randomUUID().toString());
                ps.setLong(2, receivedAt);
                ps.setString(3, printable(topic, 255));
                Database.setNullableText(ps, 4, gateway);
                ps.setString(5, printable(reason, 2000));
                ps.setString(6, printable(new String(payload, 0, Math.min(payload.length, 4096),
                        java.nio.charset.StandardCharsets.UTF_8), 4096));
                ps.setInt(7, payload.length);
                ps.executeUpdate();
            }
            // the oldest go first; ties on the clock by id, so every instance drops the same rows
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM quarantine WHERE id NOT IN (SELECT id FROM"
                    + " quarantine ORDER BY received_at DESC, id DESC LIMIT ?)")) {
                ps.setInt(1, quarantineRows);
                return ps.executeUpdate();
            }
        });
    }

    private static String printable(String text, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length() && s.length() < max - 6; i++) {
            char ch = text.charAt(i);
            if (IngestChecks.isForbidden(ch)) {
                s.append(String.format("\\u%04x", (int) ch));
            } else {
                s.append(ch);
            }
        }
        return s.toString();
    }

    private static Long lastSeq(Connection c, String gateway) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_LAST_SEQ)) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Database.nullableLong(rs, "last_seq") : null;
            }
        }
    }

    private static void raiseAlert(Connection c, Envelope envelope, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RAISE_ALERT)) {
            ps.setString(1, envelope.gateway());
            ps.setString(2, alert.id());
            ps.setString(3, alert.type().name());
            ps.setString(4, alert.severity().wireName());
            Database.setNullableText(ps, 5, alert.device());
            ps.setLong(6, alert.time().toEpochMilli());
            ps.setString(7, alert.reason());
            ps.setLong(8, envelope.seq());
            ps.executeUpdate();
        }
    }

    /** @return false when another instance cleared it first */
    private static boolean clearAlert(Connection c, String gateway, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLEAR_ALERT)) {
            ps.setLong(1, alert.time().toEpochMilli());
            ps.setString(2, alert.reason());
            ps.setString(3, gateway);
            ps.setString(4, alert.id());
            return ps.executeUpdate() > 0;
        }
    }
}
