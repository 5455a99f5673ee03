package org.anxin.bridge;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.ClaimedDelivery;
import org.anxin.bridge.store.Access;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns alerts into escalations and runs their steps. The timer of each escalation is its
 * {@code next_step_at} column: whichever bridge instance finds a step due claims the row (FOR
 * UPDATE SKIP LOCKED on PostgreSQL), writes the step's deliveries and moves the timer on in the
 * same transaction, so a step happens exactly once however many instances run and whichever dies.
 */
final class Escalations {

    private static final Logger log = LoggerFactory.getLogger(Escalations.class);
    private static final Pattern NTH_CONTACT = Pattern.compile("contact:([0-9]+)");

    private final Database db;
    private final Clock clock;
    private final Set<String> enabledChannels;
    private final Supplier<URI> publicBase;
    private final BridgeCounters counters;
    private final ZoneId zone;
    private final List<String> fallbackRecipients;
    private final WebhookFeed feed;

    /**
     * @param enabledChannels the channels configured on this bridge; a step's other channels are skipped
     * @param publicBase the bridge's address as recipients reach it, for acknowledgement links
     * @param zone the time zone of the times in messages
     */
    Escalations(Database db, Clock clock, Set<String> enabledChannels, Supplier<URI> publicBase,
                BridgeCounters counters, ZoneId zone) {
        this(db, clock, enabledChannels, publicBase, counters, zone, List.of(), WebhookFeed.NONE);
    }

    /**
     * @param fallbackRecipients {@code channel:address}, the last resort when no operator is on duty ({@link #fallback})
     * @param feed told of every alert event besides the escalation's recipients
     */
    Escalations(Database db, Clock clock, Set<String> enabledChannels, Supplier<URI> publicBase,
                BridgeCounters counters, ZoneId zone, List<String> fallbackRecipients, WebhookFeed feed) {
        this.fallbackRecipients = List.copyOf(fallbackRecipients);
        this.feed = feed;
        this.db = db;
        this.clock = clock;
        this.enabledChannels = Set.copyOf(enabledChannels);
        this.publicBase = publicBase;
        this.counters = counters;
        this.zone = zone;
    }

    /**
     * Opens the escalation of a raised alert and runs its first step at once, or closes the
     * escalation of a cleared one and notices the people already notified; either way tells the
     * webhook feed. Idempotent: an alert delivered twice changes nothing the second time.
     *
     * @return the deliveries written, to send now
     */
    List<ClaimedDelivery> onAlert(String gateway, Alert alert) {
        long now = clock.millis();
        return db.inTransaction(c -> onAlert(c, gateway, alert, now));
    }

    /** {@link #onAlert(String, Alert)} inside the caller's transaction. */
    List<ClaimedDelivery> onAlert(Connection c, String gateway, Alert alert, long now) throws SQLException {
        List<ClaimedDelivery> written = new ArrayList<>();
        feed.tell(c, gateway, alert, now).ifPresent(written::add);
        written.addAll(alert.state() == AlertState.RAISED ? open(c, gateway, alert, now) : close(c, gateway, alert, now));
        return written;
    }

    private List<ClaimedDelivery> open(Connection c, String gateway, Alert alert, long now) throws SQLException {
        Optional<Directory.Home> home = Directory.homeOfGateway(c, gateway);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO escalations (gateway, alert_id, home_id, type,"
                + " severity, state, next_step, round, next_step_at, opened_at) VALUES (?, ?, ?, ?, ?, 'open', 0, 0, ?, ?)"
                + " ON CONFLICT (gateway, alert_id) DO NOTHING")) {
            ps.setString(1, gateway);
            ps.setString(2, alert.id());
            Database.setNullableText(ps, 3, home.map(Directory.Home::id).orElse(null));
            ps.setString(4, alert.type().name());
            ps.setString(5, alert.severity().wireName());
            Database.setNullableLong(ps, 6, now);
            ps.setLong(7, now);
            if (ps.executeUpdate() == 0) {
                return List.of(); // a copy, or the clear came first
            }
        }
        if (home.isEmpty()) {
            log.warn("gateway {} belongs to no home: alert {} is recorded, listed unassigned and told to the"
                    + " fallbacks; it follows the policy of the home the gateway is added to", gateway, alert.id());
        }
        return runStep(c, claim(c, gateway, alert.id()).orElseThrow(), now);
    }

    private List<ClaimedDelivery> close(Connection c, String gateway, Alert alert, long now) throws SQLException {
        String state;
        String severity;
        try (PreparedStatement ps = c.prepareStatement("SELECT state, severity FROM escalations"
                + " WHERE gateway = ? AND alert_id = ?" + db.forUpdate())) {
            ps.setString(1, gateway);
            ps.setString(2, alert.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of(); // never opened (its raise is still to come, and will open it)
                }
                state = rs.getString(1);
                severity = rs.getString(2);
            }
        }
        if (state.equals("open") && severity.equals(Severity.CRITICAL.wireName())) {
            return detectorClear(c, gateway, alert, now);
        }
        int closed;
        try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET state = 'cleared', cleared_at = ?,"
                + " next_step_at = NULL WHERE gateway = ? AND alert_id = ? AND state IN ('open', 'acknowledged')")) {
            ps.setLong(1, now);
            ps.setString(2, gateway);
            ps.setString(3, alert.id());
            closed = ps.executeUpdate();
        }
        if (closed == 0) {
            return List.of(); // already closed
        }
        cancelPending(c, gateway, alert.id());
        Optional<Directory.Home> home = homeOf(c, gateway, alert.id());
        List<ClaimedDelivery> ids = tellReached(c, gateway, alert.id(), "cleared", AlertMessages.clearedSubject(alert),
                who -> AlertMessages.clearedBody(gateway, alert, home.orElse(null), zone), now);
        log.info("escalation of {}/{} closed by the gateway's clear; {} notice(s) to the people notified",
                gateway, alert.id(), ids.size());
        return ids;
    }

    /**
     * A critical alarm's detector reports clear before anyone acknowledged: the escalation goes on
     * (every alarm is answered by a person; a clear may be a fault, a forgery, or a fire that burnt
     * the detector), and everyone already reached is told, with a new link to acknowledge.
     */
    private List<ClaimedDelivery> detectorClear(Connection c, String gateway, Alert alert, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET cleared_at = ?"
                + " WHERE gateway = ? AND alert_id = ? AND cleared_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, gateway);
            ps.setString(3, alert.id());
            if (ps.executeUpdate() == 0) {
                return List.of();
            }
        }
        Optional<Directory.Home> home = homeOf(c, gateway, alert.id());
        List<ClaimedDelivery> ids = tellReached(c, gateway, alert.id(), "cleared",
                AlertMessages.detectorClearSubject(alert),
                who -> AlertMessages.detectorClearBody(gateway, alert, home.orElse(null),
                        ackLink(c, gateway, alert.id(), who, now), zone), now);
        log.warn("{}/{}: the detector reports clear before anyone acknowledged; the escalation goes on;"
                + " {} notice(s) to the people notified", gateway, alert.id(), ids.size());
        return ids;
    }

    @FunctionalInterface
    private interface BodyFor {
        String body(String recipient) throws SQLException;
    }

    /** One message of {@code kind} to everyone already reached, once per person and channel. */
    private static List<ClaimedDelivery> tellReached(Connection c, String gateway, String alertId, String kind,
                                                        String subject, BodyFor bodyFor, long now) throws SQLException {
        List<String[]> reached = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT recipient_key, recipient, channel, address"
                + " FROM deliveries WHERE gateway = ? AND alert_id = ? AND kind = 'alert'"
                + " AND state IN ('delivered', 'sending') ORDER BY recipient_key, channel")) {
            ps.setString(1, gateway);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reached.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        Map<String, String> bodies = new LinkedHashMap<>();
        List<ClaimedDelivery> ids = new ArrayList<>();
        for (String[] r : reached) {
            String body = bodies.get(r[0]);
            if (body == null) {
                body = bodyFor.body(r[1]);
                bodies.put(r[0], body);
            }
            insertDelivery(c, gateway, alertId, kind, 0, 0, r[0], r[1], r[2], r[3], subject, body, null, now)
                    .ifPresent(ids::add);
        }
        return ids;
    }

    /** A new one-time acknowledgement link for {@code recipient}. */
    private String ackLink(Connection c, String gateway, String alertId, String recipient, long now)
            throws SQLException {
        String token = Operators.randomToken();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ack_tokens (token_hash, gateway, alert_id,"
                + " recipient, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, Operators.sha256(token));
            ps.setString(2, gateway);
            ps.setString(3, alertId);
            ps.setString(4, recipient);
            ps.setLong(5, now);
            ps.executeUpdate();
        }
        return publicBase.get().resolve("ack/" + token).toString();
    }

    /** Runs every step that is due, on any escalation; returns the deliveries written. */
    List<ClaimedDelivery> runDue(int limit) {
        long now = clock.millis();
        return db.inTransaction(c -> {
            adoptUnassigned(c, now);
            List<Row> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway, alert_id, home_id, type, severity,"
                    + " next_step, round FROM escalations WHERE next_step_at IS NOT NULL AND next_step_at <= ?"
                    + " AND state = 'open' ORDER BY next_step_at LIMIT ?" + db.forUpdateSkipLocked())) {
                ps.setLong(1, now);
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(row(rs));
                    }
                }
            }
            List<ClaimedDelivery> ids = new ArrayList<>();
            for (Row r : due) {
                ids.addAll(runStep(c, r, now));
            }
            ids.addAll(failOver(c, now));
            return ids;
        });
    }

    private static String failedOver(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT failed_over FROM escalations WHERE gateway = ?"
                + " AND alert_id = ?")) {
            ps.setString(1, r.gateway());
            ps.setString(2, r.alertId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * A step whose every message failed for good (a webhook that answers 404, say) reached nobody
     * as surely as one with no address: its fallbacks are tried, in the step's own round, so that
     * nobody already tried in it is tried again and the chain goes on past them. Only the latest
     * step of each open escalation is looked at; it is tried again when more of its messages fail.
     */
    private List<ClaimedDelivery> failOver(Connection c, long now) throws SQLException {
        record Failed(Row row, String key, String error, boolean timer) {
        }
        List<Failed> failed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.gateway, e.alert_id, e.home_id, e.type, e.severity,"
                + " d.step AS next_step, d.round AS round, e.failed_over, e.next_step_at, COUNT(*) AS failures,"
                + " MAX(d.last_error) AS error FROM escalations e JOIN deliveries d ON d.gateway = e.gateway"
                + " AND d.alert_id = e.alert_id WHERE e.state = 'open' AND d.kind = 'alert' AND d.state = 'failed'"
                + " AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.gateway = d.gateway AND o.alert_id = d.alert_id"
                + " AND o.kind = 'alert' AND o.round = d.round AND o.step = d.step AND o.state <> 'failed')"
                + " AND NOT EXISTS (SELECT 1 FROM deliveries l WHERE l.gateway = d.gateway AND l.alert_id = d.alert_id"
                + " AND l.kind = 'alert' AND (l.round > d.round OR (l.round = d.round AND l.step > d.step)))"
                + " GROUP BY e.gateway, e.alert_id, e.home_id, e.type, e.severity, d.step, d.round, e.failed_over,"
                + " e.next_step_at")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = row(rs);
                    String key = r.round() + ":" + r.step() + ":" + rs.getLong("failures");
                    if (!key.equals(rs.getString("failed_over"))) {
                        failed.add(new Failed(r, key, rs.getString("error"), Database.nullableLong(rs, "next_step_at") != null));
                    }
                }
            }
        }
        List<ClaimedDelivery> ids = new ArrayList<>();
        for (Failed f : failed) {
            Row r = f.row();
            Optional<Row> locked = claim(c, r.gateway(), r.alertId());
            if (locked.isEmpty() || f.key().equals(failedOver(c, r))) {
                continue; // another instance has it, or had it and is done
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET failed_over = ? WHERE gateway = ?"
                    + " AND alert_id = ?")) {
                ps.setString(1, f.key());
                ps.setString(2, r.gateway());
                ps.setString(3, r.alertId());
                ps.executeUpdate();
            }
            Optional<Directory.Home> home = r.homeId() == null ? Optional.empty() : Directory.home(c, r.homeId());
            Optional<Directory.Centre> centre = home.isEmpty() || home.get().centreId() == null
                    ? Optional.empty() : Directory.centre(c, home.get().centreId());
            String why = "every message of step " + (r.step() + 1) + " failed (" + f.error() + ")";
            log.warn("escalation {}/{}: {}; trying the fallbacks", r.gateway(), r.alertId(), why);
            String used = fallback(c, r, alertOf(c, r), home, centre, why, ids, now);
            if (!f.timer() && (r.severity().equals(Severity.CRITICAL.wireName()) || used.equals(NOBODY))) {
                // the policy had ended with this step: told again until answered, as in runStep
                setTimer(c, r, r.step(), r.round() + 1,
                        now + repeatMillis(Policies.policyFor(c, r.type(), r.severity())));
            }
            log.info("escalation {}/{}: the failed step went to fallback {}", r.gateway(), r.alertId(), used);
        }
        return ids;
    }

    /**
     * An open alert of a gateway that belonged to no home, whose gateway has since been added to
     * one, takes that home and runs the home's policy from its first step at once: an alert is
     * never left open with no next step.
     */
    private static void adoptUnassigned(Connection c, long now) throws SQLException {
        // the round goes on from the fallback's, so that the home's first step is a message of its own
        try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET home_id = (SELECT hg.home_id"
                + " FROM home_gateways hg WHERE hg.gateway = escalations.gateway), next_step = 0, round = round + 1,"
                + " fallback = NULL, next_step_at = ? WHERE state = 'open' AND home_id IS NULL"
                + " AND EXISTS (SELECT 1 FROM home_gateways hg WHERE hg.gateway = escalations.gateway)")) {
            ps.setLong(1, now);
            int adopted = ps.executeUpdate();
            if (adopted > 0) {
                log.info("{} open alert(s) of gateways newly added to a home now follow that home's policy", adopted);
            }
        }
    }

    private Optional<Row> claim(Connection c, String gateway, String alertId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT gateway, alert_id, home_id, type, severity, next_step,"
                + " round FROM escalations WHERE gateway = ? AND alert_id = ?" + db.forUpdateSkipLocked())) {
            ps.setString(1, gateway);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private record Row(String gateway, String alertId, String homeId, String type, String severity, int step,
                       int round) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("gateway"), rs.getString("alert_id"), rs.getString("home_id"), rs.getString("type"),
                rs.getString("severity"), rs.getInt("next_step"), rs.getInt("round"));
    }

    /** How often the fallback is told again of a critical alert no policy step reaches, when the policy has no pace. */
    static final long FALLBACK_REPEAT_MILLIS = 5 * 60_000;
    /** The channels an operator on duty is reached on, each they have and this bridge has. */
    private static final List<String> OPERATOR_CHANNELS = List.of("sms", "email", "webhook");

    /**
     * Writes one step's deliveries and sets the timer for the next; inside the claiming transaction.
     * A step that reaches nobody (the gateway is in no home, the policy has no such step, nobody it
     * names has an address on a channel it uses and this bridge has) goes to the fallbacks instead.
     */
    private List<ClaimedDelivery> runStep(Connection c, Row r, long now) throws SQLException {
        Policies.Policy policy = Policies.policyFor(c, r.type(), r.severity());
        Optional<Directory.Home> home = r.homeId() == null ? Optional.empty() : Directory.home(c, r.homeId());
        Optional<Directory.Centre> centre = home.isEmpty() || home.get().centreId() == null
                ? Optional.empty() : Directory.centre(c, home.get().centreId());
        Policies.Step step = home.isPresent() && r.step() < policy.steps().size() ? policy.steps().get(r.step()) : null;
        Alert alert = alertOf(c, r);
        List<ClaimedDelivery> ids = new ArrayList<>();
        int written = 0;
        String why;
        if (step != null) {
            List<Recipient> recipients = recipients(step, home.get(), centre);
            if (recipients.isEmpty() && centre.isPresent()) {
                // a step that reaches nobody (no installer entered, say) falls back to the centre
                recipients = List.of(Recipient.of(centre.get()));
            }
            written = notify(c, r, alert, home.orElse(null), recipients, step.channels(), null, "", ids, now);
            counters.escalationSteps.incrementAndGet();
            why = "step " + (r.step() + 1) + " of the " + r.severity() + " policy (" + step.who() + " on "
                    + step.channels() + ") reached nobody";
        } else if (home.isEmpty()) {
            why = "gateway " + r.gateway() + " belongs to no home";
        } else {
            why = "the " + r.severity() + " policy has no step " + (r.step() + 1);
        }
        String fallback = null;
        if (written == 0) {
            log.warn("escalation {}/{}: {}; trying the fallbacks", r.gateway(), r.alertId(), why);
            fallback = fallback(c, r, alert, home, centre, why, ids, now);
        }
        int nextStep = r.step();
        int round = r.round();
        Long nextAt = null;
        if (step != null) {
            nextStep = r.step() + 1;
            nextAt = now + step.waitSeconds() * 1000;
            if (nextStep >= policy.steps().size()) {
                if (policy.repeat()) {
                    nextStep = 0;
                    round++;
                } else {
                    nextAt = null;
                }
            }
        }
        if (nextAt == null && fallback != null
                && (r.severity().equals(Severity.CRITICAL.wireName()) || fallback.equals(NOBODY))) {
            // a critical alarm is answered by a person, and an alert that reached nobody waits for
            // someone to go on duty: the same step again, in a new round, until acknowledged
            nextStep = r.step();
            round = r.round() + 1;
            nextAt = now + repeatMillis(policy);
        }
        setTimer(c, r, nextStep, round, nextAt);
        log.info("escalation {}/{} step {} (round {}): {} recipient(s), {} message(s){}", r.gateway(), r.alertId(),
                r.step() + 1, r.round() + 1, written, ids.size(), fallback == null ? "" : ", fallback " + fallback);
        return ids;
    }

    /** The policy's own pace: the sum of its waits, or {@link #FALLBACK_REPEAT_MILLIS} when it has none. */
    private static long repeatMillis(Policies.Policy policy) {
        long sum = policy.steps().stream().mapToLong(Policies.Step::waitSeconds).sum() * 1000;
        return sum > 0 ? sum : FALLBACK_REPEAT_MILLIS;
    }

    static final String CENTRE_ON_DUTY = "centre_on_duty";
    static final String ADMINISTRATORS_ON_DUTY = "administrators_on_duty";
    static final String FALLBACK_RECIPIENTS = "fallback_recipients";
    static final String NOBODY = "nobody";

    /**
     * The fallback chain for a step that reached nobody: the enabled operators on duty of the home's
     * centre, else the enabled administrators on duty, else {@code --fallback-recipient}. A gateway
     * in no home has no centre, so its alert starts at the administrators. Which one was used is kept
     * on the escalation (the alert is then listed unassigned) and, with why, on each message.
     *
     * @return which fallback was used, or {@link #NOBODY}
     */
    private String fallback(Connection c, Row r, Alert alert, Optional<Directory.Home> home,
                            Optional<Directory.Centre> centre, String why, List<ClaimedDelivery> ids, long now)
            throws SQLException {
        String suffix = home.isEmpty()
                ? " This gateway belongs to no home: add it to one (PUT /api/homes/{id}) so its people are told."
                : " You are told as the fallback: " + why + ".";
        String used = null;
        if (centre.isPresent()) {
            List<Recipient> onDuty = onDuty(c, Access.Role.CENTRE_OPERATOR, centre.get().id());
            if (notify(c, r, alert, home.orElse(null), onDuty, OPERATOR_CHANNELS,
                    why + "; sent to the operators on duty at centre " + centre.get().id(), suffix, ids, now) > 0) {
                used = CENTRE_ON_DUTY;
            }
        }
        if (used == null && notify(c, r, alert, home.orElse(null), onDuty(c, Access.Role.ADMINISTRATOR, null),
                OPERATOR_CHANNELS, why + (centre.isPresent() ? "; nobody on duty at centre " + centre.get().id() : "")
                        + "; sent to the administrators on duty", suffix, ids, now) > 0) {
            used = ADMINISTRATORS_ON_DUTY;
        }
        if (used == null) {
            List<Recipient> configured = new ArrayList<>();
            for (int i = 0; i < fallbackRecipients.size(); i++) {
                String recipient = fallbackRecipients.get(i);
                int colon = recipient.indexOf(':');
                String channel = recipient.substring(0, colon);
                String address = recipient.substring(colon + 1);
                configured.add(new Recipient("fallback:" + (i + 1), "fallback " + (i + 1),
                        channel.equals("sms") ? address : null, channel.equals("email") ? address : null,
                        channel.equals("webhook") ? address : null));
            }
            if (notify(c, r, alert, home.orElse(null), configured, OPERATOR_CHANNELS,
                    why + "; no operator on duty; sent to the bridge's --fallback-recipient", suffix, ids, now) > 0) {
                used = FALLBACK_RECIPIENTS;
            }
        }
        if (used == null) {
            used = NOBODY;
            counters.alertsReachingNobody.incrementAndGet();
            log.error("ALERT {}/{} ({}, {}) REACHES NOBODY: {}; no operator on duty is reachable and no"
                    + " --fallback-recipient is; it stays open in the unassigned queue. Put an operator on duty"
                    + " (PATCH /api/me {\"onDuty\":true}) or configure --fallback-recipient", r.gateway(), r.alertId(),
                    r.type(), r.severity(), why);
        } else {
            counters.fallbackUsed.incrementAndGet();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET fallback = ? WHERE gateway = ?"
                + " AND alert_id = ?")) {
            ps.setString(1, used);
            ps.setString(2, r.gateway());
            ps.setString(3, r.alertId());
            ps.executeUpdate();
        }
        return used;
    }

    /** The enabled operators of this role on duty (of this centre, for centre operators), as recipients. */
    private static List<Recipient> onDuty(Connection c, Access.Role role, String centre) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT username, phone, email, webhook FROM operators"
                + " WHERE on_duty = ? AND disabled_at IS NULL AND role = ?" + (centre == null ? "" : " AND scope = ?")
                + " ORDER BY username")) {
            ps.setBoolean(1, true);
            ps.setString(2, role.wireName());
            if (centre != null) {
                ps.setString(3, centre);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Recipient> list = new ArrayList<>();
                while (rs.next()) {
                    list.add(new Recipient("operator:" + rs.getString(1), "operator " + rs.getString(1),
                            rs.getString(2), rs.getString(3), rs.getString(4)));
                }
                return list;
            }
        }
    }

    /**
     * Writes the alert's message to each recipient on each of {@code channels} they have an address
     * for and this bridge has, with one acknowledgement link per recipient.
     *
     * @param reason why these recipients, for a fallback; {@code null} for the policy's own
     * @return how many recipients got at least one message
     */
    private int notify(Connection c, Row r, Alert alert, Directory.Home home, List<Recipient> recipients,
                       List<String> channels, String reason, String suffix, List<ClaimedDelivery> ids, long now)
            throws SQLException {
        int written = 0;
        for (Recipient who : recipients) {
            String token = Operators.randomToken();
            String link = publicBase.get().resolve("ack/" + token).toString();
            String subject = AlertMessages.subject(alert);
            String body = AlertMessages.body(r.gateway(), alert, home, link,
                    publicBase.get().resolve("api/incidents/").toString(), zone) + suffix;
            boolean any = false;
            for (String channel : channels) {
                String address = who.address(channel);
                if (address == null || !enabledChannels.contains(channel)) {
                    continue;
                }
                Optional<ClaimedDelivery> id = insertDelivery(c, r.gateway(), r.alertId(), "alert", r.round(),
                        r.step(), who.key(), who.name(), channel, address, subject, body, reason, now);
                id.ifPresent(ids::add);
                any |= id.isPresent();
            }
            if (any) {
                written++;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO ack_tokens (token_hash, gateway, alert_id,"
                        + " recipient, created_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, Operators.sha256(token));
                    ps.setString(2, r.gateway());
                    ps.setString(3, r.alertId());
                    ps.setString(4, who.name());
                    ps.setLong(5, now);
                    ps.executeUpdate();
                }
            }
        }
        return written;
    }

    private static void setTimer(Connection c, Row r, int nextStep, int round, Long nextAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET next_step = ?, round = ?, next_step_at = ?"
                + " WHERE gateway = ? AND alert_id = ?")) {
            ps.setInt(1, nextStep);
            ps.setInt(2, round);
            Database.setNullableLong(ps, 3, nextAt);
            ps.setString(4, r.gateway());
            ps.setString(5, r.alertId());
            ps.executeUpdate();
        }
    }

    /** The alert as stored, to describe it; falls back to the escalation's own columns. */
    private static Alert alertOf(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT type, severity, device, raised_at, reason FROM alerts"
                + " WHERE gateway = ? AND alert_id = ?")) {
            ps.setString(1, r.gateway());
            ps.setString(2, r.alertId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    // read at once: wasNull() answers for the column read last (a null device made it 1970)
                    Long raisedAt = Database.nullableLong(rs, "raised_at");
                    return new Alert(r.alertId(), org.anxin.protocol.AlertType.valueOf(rs.getString("type")),
                            AlertState.RAISED, org.anxin.protocol.Severity.fromWireName(rs.getString("severity")),
                            rs.getString("device"), raisedAt == null ? Instant.EPOCH : Instant.ofEpochMilli(raisedAt),
                            rs.getString("reason") == null ? "" : rs.getString("reason"));
                }
            }
        }
        return new Alert(r.alertId(), org.anxin.protocol.AlertType.valueOf(r.type()), AlertState.RAISED,
                org.anxin.protocol.Severity.fromWireName(r.severity()), null, Instant.EPOCH, "");
    }

    private static Optional<Directory.Home> homeOf(Connection c, String gateway, String alertId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT home_id FROM escalations WHERE gateway = ? AND alert_id = ?")) {
            ps.setString(1, gateway);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    return Directory.home(c, rs.getString(1));
                }
            }
        }
        return Directory.homeOfGateway(c, gateway);
    }

    private static List<Recipient> recipients(Policies.Step step, Directory.Home home,
                                              Optional<Directory.Centre> centre) {
        Map<String, Recipient> chosen = new LinkedHashMap<>();
        List<Directory.Person> contacts = home.people().stream().filter(p -> p.role().equals("contact")).toList();
        for (String who : step.who()) {
            Matcher nth = NTH_CONTACT.matcher(who);
            if (nth.matches()) {
                int n = Integer.parseInt(nth.group(1));
                if (n <= contacts.size()) {
                    Recipient r = Recipient.of(contacts.get(n - 1));
                    chosen.putIfAbsent(r.key(), r);
                }
                continue;
            }
            switch (who) {
                case "contacts" -> contacts.forEach(p -> chosen.putIfAbsent("person:" + p.id(), Recipient.of(p)));
                case "visitors", "installers" -> {
                    String role = who.substring(0, who.length() - 1);
                    home.people().stream().filter(p -> p.role().equals(role))
                            .forEach(p -> chosen.putIfAbsent("person:" + p.id(), Recipient.of(p)));
                }
                case "centre" -> centre.ifPresent(ce -> chosen.putIfAbsent("centre:" + ce.id(), Recipient.of(ce)));
                default -> log.warn("escalation step names unknown recipients '{}'", who);
            }
        }
        return new ArrayList<>(chosen.values());
    }

    private record Recipient(String key, String name, String phone, String email, String webhook) {

        static Recipient of(Directory.Person p) {
            return new Recipient("person:" + p.id(), p.name(), p.phone(), p.email(), p.webhook());
        }

        static Recipient of(Directory.Centre ce) {
            return new Recipient("centre:" + ce.id(), ce.name(), ce.phone(), ce.email(), ce.webhook());
        }

        String address(String channel) {
            return switch (channel) {
                case "sms" -> phone;
                case "email" -> email;
                case "webhook" -> webhook;
                default -> null;
            };
        }
    }

    /**
     * Writes a delivery already claimed by this instance (state {@code sending}, first attempt,
     * with a lease), so that it can be sent as soon as the transaction commits; should this
     * instance die first, the lease runs out and another instance sends it.
     */
    static Optional<ClaimedDelivery> insertDelivery(Connection c, String gateway, String alertId, String kind,
                                                       int round, int step, String key, String name,
                                                       String channel, String address, String subject,
                                                       String body, String reason, long now)
            throws SQLException {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (id, gateway, alert_id, kind, round, step,"
                + " recipient_key, recipient, channel, address, subject, body, state, attempts, next_attempt_at,"
                + " lease_until, created_at, first_sent_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', 1,"
                + " ?, ?, ?, ?, ?)"
                + " ON CONFLICT (gateway, alert_id, kind, round, step, recipient_key, channel) DO NOTHING")) {
            ps.setString(1, id);
            ps.setString(2, gateway);
            ps.setString(3, alertId);
            ps.setString(4, kind);
            ps.setInt(5, round);
            ps.setInt(6, step);
            ps.setString(7, key);
            ps.setString(8, name);
            ps.setString(9, channel);
            ps.setString(10, address);
            ps.setString(11, subject);
            ps.setString(12, body);
            ps.setLong(13, now);
            ps.setLong(14, now + Deliveries.LEASE.toMillis());
            ps.setLong(15, now);
            ps.setLong(16, now);
            Database.setNullableText(ps, 17, reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500));
            if (ps.executeUpdate() == 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new ClaimedDelivery(id, gateway, alertId, kind, channel, address, subject, body, 1));
    }

    private static void cancelPending(Connection c, String gateway, String alertId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET state = 'cancelled', lease_until = NULL"
                + " WHERE gateway = ? AND alert_id = ? AND kind = 'alert' AND state = 'pending'")) {
            ps.setString(1, gateway);
            ps.setString(2, alertId);
            ps.executeUpdate();
        }
    }

    // ---- acknowledge and resolve

    /**
     * How an acknowledgement went.
     *
     * @param acknowledged true when this call acknowledged it
     * @param by who acknowledged it (this call or earlier)
     * @param at when
     * @param told the notices to everyone already reached that this call wrote, to be sent
     */
    record AckResult(boolean acknowledged, String gateway, String alertId, String by, Instant at,
                     @com.fasterxml.jackson.annotation.JsonIgnore List<ClaimedDelivery> told) {
    }

    /**
     * What a link is for, in words, for the page that asks to acknowledge: the recipient must see
     * which alarm and which home before pressing the button. 404 for a link that is not valid.
     */
    String describeToken(String token) {
        return db.withConnection(c -> {
            AckToken link = ackToken(c, token, "");
            String gateway = link.gateway();
            String alertId = link.alertId();
            Row row;
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway, alert_id, home_id, type, severity,"
                    + " next_step, round FROM escalations WHERE gateway = ? AND alert_id = ?")) {
                ps.setString(1, gateway);
                ps.setString(2, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("this acknowledgement link is not valid");
                    }
                    row = row(rs);
                }
            }
            return AlertMessages.ackPageText(gateway, alertOf(c, row), homeOf(c, gateway, alertId).orElse(null), zone);
        });
    }

    /** A one-time acknowledgement link as stored; only its hash is. */
    private record AckToken(String gateway, String alertId, String recipient, Long usedAt) {
    }

    /** The link's row, 404 for a link that is not valid; {@code lock} is the database's row lock clause, or "". */
    private static AckToken ackToken(java.sql.Connection c, String token, String lock) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT gateway, alert_id, recipient, used_at FROM ack_tokens"
                + " WHERE token_hash = ?" + lock)) {
            ps.setString(1, Operators.sha256(token));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("this acknowledgement link is not valid");
                }
                return new AckToken(rs.getString(1), rs.getString(2), rs.getString(3), Database.nullableLong(rs, "used_at"));
            }
        }
    }

    /** Acknowledges through a one-time link. */
    AckResult acknowledgeByToken(String token) {
        long now = clock.millis();
        return db.inTransaction(c -> {
            AckToken link = ackToken(c, token, db.forUpdate());
            String gateway = link.gateway();
            String alertId = link.alertId();
            String recipient = link.recipient();
            Long usedAt = link.usedAt();
            if (usedAt != null) {
                throw new ApiException(410, "this acknowledgement link was already used at "
                        + Instant.ofEpochMilli(usedAt));
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE ack_tokens SET used_at = ? WHERE token_hash = ?")) {
                ps.setLong(1, now);
                ps.setString(2, Operators.sha256(token));
                ps.executeUpdate();
            }
            return acknowledge(c, gateway, alertId, recipient + " (link)", now);
        });
    }

    /** Acknowledges for an operator through the API. */
    AckResult acknowledge(String gateway, String alertId, String by) {
        long now = clock.millis();
        return db.inTransaction(c -> acknowledge(c, gateway, alertId, by, now));
    }

    private AckResult acknowledge(Connection c, String gateway, String alertId, String by, long now) throws SQLException {
        int changed;
        try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET state = 'acknowledged',"
                + " acknowledged_at = ?, acknowledged_by = ?, next_step_at = NULL"
                + " WHERE gateway = ? AND alert_id = ? AND state = 'open'")) {
            ps.setLong(1, now);
            ps.setString(2, by);
            ps.setString(3, gateway);
            ps.setString(4, alertId);
            changed = ps.executeUpdate();
        }
        if (changed == 1) {
            cancelPending(c, gateway, alertId);
            counters.acknowledged.incrementAndGet();
            // the others stop wondering whether to go, and know whom to ask
            List<ClaimedDelivery> told = List.of();
            Optional<Row> row = claim(c, gateway, alertId);
            if (row.isPresent()) {
                Alert alert = alertOf(c, row.get());
                Optional<Directory.Home> home = homeOf(c, gateway, alertId);
                Instant at = Instant.ofEpochMilli(now);
                told = tellReached(c, gateway, alertId, "acknowledged", AlertMessages.acknowledgedSubject(alert),
                        who -> AlertMessages.acknowledgedBody(gateway, alert, home.orElse(null), by, at, zone), now);
            }
            log.info("escalation {}/{} acknowledged by {}; {} notice(s) to the people notified", gateway, alertId,
                    by, told.size());
            return new AckResult(true, gateway, alertId, by, Instant.ofEpochMilli(now), told);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT state, acknowledged_by, acknowledged_at FROM escalations"
                + " WHERE gateway = ? AND alert_id = ?")) {
            ps.setString(1, gateway);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound("no escalation for alert '" + alertId + "' of gateway '" + gateway + "'");
                }
                Long at = Database.nullableLong(rs, "acknowledged_at");
                if (at == null) {
                    throw ApiException.conflict("the alert was cleared before anyone acknowledged it");
                }
                return new AckResult(false, gateway, alertId, rs.getString("acknowledged_by"), Instant.ofEpochMilli(at),
                        List.of());
            }
        }
    }

    record ResolveInput(String action, String outcome) {
    }

    /** Records what was done and how it ended; acknowledges first if nobody has. */
    void resolve(String gateway, String alertId, String by, ResolveInput in) {
        if (in == null || in.action() == null || in.action().isBlank()) {
            throw ApiException.badRequest("action (what was done) is required");
        }
        if (in.outcome() == null || in.outcome().isBlank()) {
            throw ApiException.badRequest("outcome (how it ended) is required");
        }
        if (in.action().length() > 4000 || in.outcome().length() > 4000) {
            throw ApiException.badRequest("action and outcome must have at most 4000 characters each");
        }
        long now = clock.millis();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, resolved_at FROM escalations"
                    + " WHERE gateway = ? AND alert_id = ?")) {
                ps.setString(1, gateway);
                ps.setString(2, alertId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no escalation for alert '" + alertId + "' of gateway '" + gateway + "'");
                    }
                    if (Database.nullableLong(rs, "resolved_at") != null) {
                        throw ApiException.conflict("already resolved; the handling record is kept as it was");
                    }
                    if (rs.getString("state").equals("open")) {
                        acknowledge(c, gateway, alertId, by, now);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE escalations SET resolved_at = ?, resolved_by = ?,"
                    + " action_taken = ?, outcome = ?, next_step_at = NULL WHERE gateway = ? AND alert_id = ?")) {
                ps.setLong(1, now);
                ps.setString(2, by);
                ps.setString(3, in.action().trim());
                ps.setString(4, in.outcome().trim());
                ps.setString(5, gateway);
                ps.setString(6, alertId);
                return ps.executeUpdate();
            }
        });
    }
}
