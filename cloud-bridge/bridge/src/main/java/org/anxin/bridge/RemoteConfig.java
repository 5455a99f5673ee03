package org.anxin.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.ConfigDocument;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.DesiredConfig;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned, signed configuration documents for gateways: an operator's push becomes the next
 * version of the gateway's document, stored, signed and published retained on the gateway's
 * {@code config/desired} topic, so a gateway that is offline gets the latest when it reconnects.
 * The gateway checks the document against its components' MetaType and reports; the bridge keeps
 * each version's outcome.
 *
 * <p>The broker retains one document per gateway, so only the newest version may ever be left
 * there: publishing always sends the newest stored version, and a stale retained document seen
 * on the subscription (another instance's publish overtaken) makes the newest go out again.
 */
final class RemoteConfig {

    private static final Logger log = LoggerFactory.getLogger(RemoteConfig.class);

    /** A configuration file name without {@code .cfg}: a PID, or a factory PID and a name. */
    static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    static final int MAX_KEY_LENGTH = 200;
    static final int HISTORY = 20;
    static final String PATCH_IGNORED = "nothing changed: the gateway's software predates patches and ignored this"
            + " one; update the gateway, or push a replacement (mode replace) that names every property";

    private final Database db;
    private final SigningKey key;
    private final DownlinkPublisher downlink;
    private final Clock clock;

    RemoteConfig(Database db, SigningKey key, DownlinkPublisher downlink, Clock clock) {
        this.db = db;
        this.key = key;
        this.downlink = downlink;
        this.clock = clock;
    }

    /**
     * How a change's properties meet what the gateway has: {@code replace} gives each configuration
     * exactly the properties named; {@code patch} sets those named and keeps the rest as the gateway
     * has it (merged on the gateway, which alone knows an installer's local edits).
     */
    enum Mode {
        REPLACE, PATCH;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The mode an operator named, or {@code byDefault} when none. */
        static Mode parse(String mode, Mode byDefault) {
            if (mode == null) {
                return byDefault;
            }
            for (Mode m : values()) {
                if (m.wireName().equals(mode)) {
                    return m;
                }
            }
            throw ApiException.badRequest("mode must be replace or patch, not '" + mode + "'");
        }
    }

    /**
     * A checked change: the properties of each configuration set (all of them, or for a patch those
     * to set), for a patch the properties to delete, and the configurations deleted.
     */
    record Change(Mode mode, Map<String, Map<String, Object>> components, Map<String, List<String>> unset,
                  List<String> removed) {

        /** The gateway's document of this change. */
        DesiredConfig document(String gateway, long version, Instant issued) {
            return mode == Mode.PATCH
                    ? new DesiredConfig(gateway, version, issued, Map.of(), removed, components, unset)
                    : new DesiredConfig(gateway, version, issued, components, removed);
        }
    }

    /** One gateway's new version. */
    record Pushed(String gateway, long version) {
    }

    /** A replacement: {@link #change(Mode, Map, List)} with {@link Mode#REPLACE}. */
    static Change change(Map<String, JsonNode> components, List<String> removed) {
        return change(Mode.REPLACE, components, removed);
    }

    /**
     * Checks an operator's change. Values must be JSON scalars: a configuration property is a
     * string, number or boolean, and the gateway's MetaType decides the rest. In a patch, a
     * property given as {@code null} is deleted (as in a JSON merge patch, RFC 7386).
     *
     * @throws ApiException 400 naming the first wrong key or value
     */
    static Change change(Mode mode, Map<String, JsonNode> components, List<String> removed) {
        Map<String, Map<String, Object>> checked = new TreeMap<>();
        Map<String, List<String>> unset = new TreeMap<>();
        if (components != null) {
            for (Map.Entry<String, JsonNode> component : components.entrySet()) {
                String name = requireKey(component.getKey(), "components");
                JsonNode properties = component.getValue();
                if (properties == null || !properties.isObject()) {
                    throw ApiException.badRequest("components." + name + " must be an object of properties, not "
                            + (properties == null ? "null" : properties.getNodeType().name().toLowerCase()));
                }
                Map<String, Object> values = new TreeMap<>();
                List<String> deleted = new ArrayList<>();
                for (var it = properties.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> p = it.next();
                    if (p.getKey().isBlank()) {
                        throw ApiException.badRequest("components." + name + " has a property with an empty name");
                    }
                    if (mode == Mode.PATCH && p.getValue() != null && p.getValue().isNull()) {
                        deleted.add(p.getKey());
                    } else {
                        values.put(p.getKey(), scalar(mode, name, p.getKey(), p.getValue()));
                    }
                }
                if (mode == Mode.PATCH && values.isEmpty() && deleted.isEmpty()) {
                    throw ApiException.badRequest("components." + name + " patches nothing: name the properties"
                            + " to set, or give them as null to delete them");
                }
                if (!values.isEmpty() || mode == Mode.REPLACE) {
                    checked.put(name, values);
                }
                if (!deleted.isEmpty()) {
                    unset.put(name, List.copyOf(deleted));
                }
            }
        }
        Set<String> deleted = new LinkedHashSet<>();
        if (removed != null) {
            for (String r : removed) {
                String name = requireKey(r, "removed");
                if (checked.containsKey(name) || unset.containsKey(name)) {
                    throw ApiException.badRequest("'" + name + "' is both set in components and listed in removed");
                }
                deleted.add(name);
            }
        }
        if (checked.isEmpty() && unset.isEmpty() && deleted.isEmpty()) {
            throw ApiException.badRequest("nothing to push: give components to set or configurations to remove");
        }
        return new Change(mode, checked, unset, List.copyOf(deleted));
    }

    private static String requireKey(String key, String where) {
        if (key == null || key.isEmpty()) {
            throw ApiException.badRequest(where + " holds an empty configuration name");
        }
        if (key.length() > MAX_KEY_LENGTH || !KEY.matcher(key).matches()) {
            throw ApiException.badRequest(where + ": '" + key + "' is not a configuration name (a PID such as"
                    + " org.anxin.detection, or factory PID and name such as org.anxin.driver.gpio.input-kitchen;"
                    + " letters, digits, '_', '.' and '-')");
        }
        return key;
    }

    private static Object scalar(Mode mode, String component, String property, JsonNode value) {
        if (value == null || value.isNull() || value.isContainerNode() || value.isMissingNode()) {
            boolean isNull = value == null || value.isNull();
            throw ApiException.badRequest("components." + component + "." + property + " must be a string, number or"
                    + " boolean, not " + (isNull ? "null" : value.getNodeType().name().toLowerCase())
                    + (isNull && mode == Mode.REPLACE ? " (a replacement leaves out what it does not set;"
                    + " with mode patch, null deletes a property)" : ""));
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            return value.numberValue();
        }
        throw ApiException.badRequest("components." + component + "." + property + " must be a string, number or"
                + " boolean");
    }

    static String requireGateway(String gateway) {
        if (gateway == null || !Reading.DEVICE_ID.matcher(gateway).matches()) {
            throw ApiException.badRequest("'" + gateway + "' is not a gateway id (" + Reading.DEVICE_ID.pattern() + ")");
        }
        return gateway;
    }

    /**
     * Stores the change as the gateway's next version and publishes it (or leaves it for the
     * timer when the broker is away).
     */
    Pushed push(String gateway, Change change, String operator, String bulkId) {
        requireGateway(gateway);
        Pushed pushed;
        try {
            pushed = store(gateway, change, operator, bulkId);
        } catch (Database.StorageException e) {
            // two instances on PostgreSQL took the same next version; the key caught it: take the next one
            log.info("version clash for gateway {} ({}); trying again", gateway, e.getMessage());
            pushed = store(gateway, change, operator, bulkId);
        }
        log.info("operator {} pushed configuration version {} ({}) to gateway {}{}", operator, pushed.version(),
                change.mode().wireName(), gateway, bulkId == null ? "" : " (bulk " + bulkId + ")");
        publishLatest(gateway);
        return pushed;
    }

    private Pushed store(String gateway, Change change, String operator, String bulkId) {
        return db.inTransaction(c -> {
            long version;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COALESCE(MAX(version), 0) FROM config_versions WHERE gateway = ?")) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    version = rs.getLong(1) + 1;
                }
            }
            long now = clock.millis();
            String document = json(change.document(gateway, version, Instant.ofEpochMilli(now)));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO config_versions (gateway, version, document,"
                    + " signature, issued_at, created_by, bulk_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')")) {
                ps.setString(1, gateway);
                ps.setLong(2, version);
                ps.setString(3, document);
                ps.setString(4, key.sign(document));
                ps.setLong(5, now);
                ps.setString(6, operator);
                Database.setNullableText(ps, 7, bulkId);
                ps.executeUpdate();
            }
            return new Pushed(gateway, version);
        });
    }

    /**
     * Publishes the gateway's newest document, retained, and marks it and every older unpublished
     * one as published. Returns whether the broker took it.
     */
    synchronized boolean publishLatest(String gateway) {
        record Latest(long version, String document, String signature, long issuedAt) {
        }
        Latest latest = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version, document, signature, issued_at"
                    + " FROM config_versions WHERE gateway = ? ORDER BY version DESC LIMIT 1")) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Latest(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)) : null;
                }
            }
        });
        if (latest == null) {
            return true;
        }
        try {
            downlink.publish(Envelope.of(gateway, latest.version(), Instant.ofEpochMilli(latest.issuedAt()),
                    new ConfigDocument(latest.document(), latest.signature())));
        } catch (DownlinkPublisher.NotSent e) {
            log.warn("configuration version {} for gateway {} not published yet: {}; it will be retried",
                    latest.version(), gateway, e.getMessage());
            return false;
        }
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_versions SET published_at = ?"
                    + " WHERE gateway = ? AND version <= ? AND published_at IS NULL")) {
                ps.setLong(1, clock.millis());
                ps.setString(2, gateway);
                ps.setLong(3, latest.version());
                return ps.executeUpdate();
            }
        });
        return true;
    }

    /** Publishes what the broker did not take at push time; run by the bridge's timer. */
    void publishPending() {
        List<String> gateways = db.withConnection(c -> {
            List<String> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT gateway FROM config_versions WHERE published_at IS NULL ORDER BY gateway")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(rs.getString(1));
                    }
                }
            }
            return list;
        });
        for (String gateway : gateways) {
            if (!publishLatest(gateway)) {
                return; // the broker is away; the next tick tries again
            }
        }
    }

    /**
     * A document seen on the gateway's desired topic (the bridge hears its own publications and
     * the broker's retained copy). If it is older than the newest stored version, the newest is
     * sent again: two publishes overtook each other and the broker kept the older one.
     */
    void onDesiredSeen(String gateway, ConfigDocument document) {
        long seen;
        try {
            seen = MessageCodec.mapper().readValue(document.document(), DesiredConfig.class).version();
        } catch (JsonProcessingException | RuntimeException e) {
            return; // not ours to judge; the gateway rejects it
        }
        int marked = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_versions SET published_at = NULL"
                    + " WHERE gateway = ? AND version > ? AND published_at IS NOT NULL AND version ="
                    + " (SELECT MAX(version) FROM config_versions WHERE gateway = ?)")) {
                ps.setString(1, gateway);
                ps.setLong(2, seen);
                ps.setString(3, gateway);
                return ps.executeUpdate();
            }
        });
        if (marked > 0) {
            log.warn("the broker holds configuration version {} for gateway {}, older than the newest; sending the"
                    + " newest again", seen, gateway);
        }
    }

    /**
     * Records a gateway's report, in the transaction that stores the message.
     *
     * @return false when the report is about a version this bridge never issued
     */
    boolean applyReport(Connection c, String gateway, ConfigReport report, long now) throws SQLException {
        boolean known = report.version() <= 0;
        if (report.version() > 0) {
            // a rejection settles only a version still pending: one the gateway already applied (or that
            // was superseded) is rejected again only when a forged or replayed copy of it reached the
            // gateway, and that says nothing about the genuine document
            boolean rejection = report.outcome() == ConfigReport.Outcome.REJECTED;
            // an applied report's result is what the version left on the gateway; any other keeps the one stored
            boolean withResult = report.outcome() == ConfigReport.Outcome.APPLIED;
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_versions SET status = ?, reason = ?,"
                    + " reported_at = ?" + (withResult ? ", result = ?" : "") + " WHERE gateway = ? AND version = ?"
                    + (rejection ? " AND status = 'pending'" : ""))) {
                int i = 1;
                ps.setString(i++, report.outcome().wireName());
                Database.setNullableText(ps, i++, report.reason());
                ps.setLong(i++, now);
                if (withResult) {
                    Database.setNullableText(ps, i++, report.result().isEmpty() ? null : json(report.result()));
                }
                ps.setString(i++, gateway);
                ps.setLong(i, report.version());
                known = ps.executeUpdate() > 0;
            }
            if (!known && rejection) {
                try (PreparedStatement ps = c.prepareStatement("SELECT status FROM config_versions WHERE gateway = ?"
                        + " AND version = ?")) {
                    ps.setString(1, gateway);
                    ps.setLong(2, report.version());
                    try (ResultSet rs = ps.executeQuery()) {
                        known = rs.next();
                        if (known) {
                            log.warn("gateway {} rejected a copy of configuration version {} ({}), which is {} here: a"
                                    + " forged or replayed document reached it; the version's status is kept", gateway,
                                    report.version(), report.reason(), rs.getString(1));
                        }
                    }
                }
            }
        }
        if (known && report.version() > 0 && report.outcome() == ConfigReport.Outcome.APPLIED && report.result().isEmpty()) {
            markPatchIgnored(c, gateway, report.version());
        }
        if (known && report.version() > 0) {
            // a gateway that was away gets only the newest document: the ones before it never reach it
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_versions SET status = 'superseded',"
                    + " reported_at = ? WHERE gateway = ? AND version < ? AND status = 'pending'")) {
                ps.setLong(1, now);
                ps.setString(2, gateway);
                ps.setLong(3, report.version());
                ps.executeUpdate();
            }
        }
        if (report.outcome() == ConfigReport.Outcome.ROLLED_BACK && report.running() > 0) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE config_versions SET status = 'applied',"
                    + " reason = NULL, reported_at = ? WHERE gateway = ? AND version = ?")) {
                ps.setLong(1, now);
                ps.setString(2, gateway);
                ps.setLong(3, report.running());
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_config (gateway, running_version, kept,"
                + " reported_at) VALUES (?, ?, ?, ?) ON CONFLICT (gateway) DO UPDATE SET"
                + " running_version = excluded.running_version, kept = excluded.kept,"
                + " reported_at = excluded.reported_at")) {
            ps.setString(1, gateway);
            ps.setLong(2, report.running());
            ps.setString(3, json(report.kept()));
            ps.setLong(4, now);
            ps.executeUpdate();
        }
        return known;
    }

    /**
     * A gateway older than patches reads a patch as an empty document (its fields are unknown to it),
     * applies nothing and reports applied without a result: the history says so, as the operator
     * would otherwise believe the change was made.
     */
    private static void markPatchIgnored(Connection c, String gateway, long version) throws SQLException {
        String document;
        try (PreparedStatement ps = c.prepareStatement("SELECT document FROM config_versions WHERE gateway = ?"
                + " AND version = ?")) {
            ps.setString(1, gateway);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                document = rs.getString(1);
            }
        }
        if (!parse(document).patches()) {
            return;
        }
        log.warn("gateway {} reports configuration version {} applied without a result: its software predates"
                + " patches, so it ignored the patch and changed nothing", gateway, version);
        try (PreparedStatement ps = c.prepareStatement("UPDATE config_versions SET reason = ? WHERE gateway = ?"
                + " AND version = ?")) {
            ps.setString(1, PATCH_IGNORED);
            ps.setString(2, gateway);
            ps.setLong(3, version);
            ps.executeUpdate();
        }
    }

    /** {@code GET /api/gateways/{gw}/config}. */
    Map<String, Object> view(String gateway) {
        requireGateway(gateway);
        return db.withConnection(c -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("gateway", gateway);
            Map<String, Object> desired = null;
            List<Map<String, Object>> history = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT version, document, issued_at, created_by, status,"
                    + " reason, reported_at, published_at, bulk_id, result FROM config_versions WHERE gateway = ?"
                    + " ORDER BY version DESC LIMIT " + HISTORY)) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        DesiredConfig doc = parse(rs.getString("document"));
                        String result = rs.getString("result");
                        if (desired == null) {
                            desired = new LinkedHashMap<>();
                            desired.put("version", rs.getLong("version"));
                            desired.put("issued", Instant.ofEpochMilli(rs.getLong("issued_at")));
                            putChange(desired, doc);
                            desired.put("status", rs.getString("status"));
                            desired.put("reason", rs.getString("reason"));
                            desired.put("createdBy", rs.getString("created_by"));
                            desired.put("published", rs.getObject("published_at") != null);
                        }
                        Map<String, Object> h = new LinkedHashMap<>();
                        h.put("version", rs.getLong("version"));
                        h.put("status", rs.getString("status"));
                        h.put("reason", rs.getString("reason"));
                        h.put("issued", Instant.ofEpochMilli(rs.getLong("issued_at")));
                        Long reported = Database.nullableLong(rs, "reported_at");
                        h.put("reportedAt", reported == null ? null : Instant.ofEpochMilli(reported));
                        h.put("createdBy", rs.getString("created_by"));
                        h.put("bulk", rs.getString("bulk_id"));
                        putChange(h, doc);
                        h.put("result", result == null ? null : readJson(result, Map.class));
                        history.add(h);
                    }
                }
            }
            out.put("desired", desired);
            Object running = null;
            Object kept = List.of();
            Object reportedAt = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT running_version, kept, reported_at FROM gateway_config WHERE gateway = ?")) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        running = rs.getLong(1);
                        kept = readJson(rs.getString(2), List.class);
                        reportedAt = Instant.ofEpochMilli(rs.getLong(3));
                    }
                }
            }
            out.put("running", running);
            out.put("kept", kept);
            out.put("reportedAt", reportedAt);
            out.put("history", history);
            return out;
        });
    }

    /** What a version asked for: its mode, and what it replaced, patched, deleted and removed. */
    private static void putChange(Map<String, Object> out, DesiredConfig doc) {
        out.put("mode", (doc.patches() ? Mode.PATCH : Mode.REPLACE).wireName());
        out.put("components", doc.components());
        out.put("patch", doc.patch());
        out.put("unset", doc.unset());
        out.put("removed", doc.removed());
    }

    /** The gateways of every home in a community, by the homes' records. */
    List<String> gatewaysOfCommunity(String community) {
        return db.withConnection(c -> {
            List<String> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT hg.gateway FROM home_gateways hg"
                    + " JOIN homes h ON h.id = hg.home_id WHERE h.community = ? ORDER BY hg.gateway")) {
                ps.setString(1, community);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(rs.getString(1));
                    }
                }
            }
            return list;
        });
    }

    /** Of these gateways, those the bridge knows neither from a message nor from a home's record. */
    List<String> unknownGateways(List<String> gateways) {
        return db.withConnection(c -> {
            List<String> unknown = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM gateways WHERE id = ?"
                    + " UNION ALL SELECT 1 FROM home_gateways WHERE gateway = ?")) {
                for (String g : gateways) {
                    ps.setString(1, g);
                    ps.setString(2, g);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            unknown.add(g);
                        }
                    }
                }
            }
            return unknown;
        });
    }

    /** Pushes one change to each gateway, under one bulk id. */
    Map<String, Object> bulk(List<String> gateways, Map<String, Object> selector, Change change, String operator) {
        String id = "bulk-" + UUID.randomUUID().toString().substring(0, 13);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO bulk_pushes (id, created_at, created_by, selector) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setLong(2, clock.millis());
                ps.setString(3, operator);
                ps.setString(4, json(selector));
                return ps.executeUpdate();
            }
        });
        List<Map<String, Object>> pushed = new ArrayList<>();
        for (String gateway : gateways) {
            Pushed p = push(gateway, change, operator, id);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("gateway", gateway);
            row.put("version", p.version());
            pushed.add(row);
        }
        log.info("operator {} pushed bulk {} to {} gateway(s) selected by {}", operator, id, gateways.size(), selector);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bulk", id);
        out.put("mode", change.mode().wireName());
        out.put("gateways", pushed);
        return out;
    }

    /** {@code GET /api/config/bulk/{id}}: each gateway's outcome, and how many of each. */
    Map<String, Object> bulkView(String id) {
        return db.withConnection(c -> {
            Map<String, Object> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT created_at, created_by, selector FROM bulk_pushes WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no bulk push '" + id + "'");
                    }
                    out.put("bulk", id);
                    out.put("createdAt", Instant.ofEpochMilli(rs.getLong(1)));
                    out.put("createdBy", rs.getString(2));
                    out.put("selector", readJson(rs.getString(3), Map.class));
                }
            }
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String status : List.of("applied", "pending", "rejected", "rolled-back", "superseded")) {
                counts.put(status, 0L);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT gateway, version, status, reason, reported_at"
                    + " FROM config_versions WHERE bulk_id = ? ORDER BY gateway")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("gateway", rs.getString(1));
                        row.put("version", rs.getLong(2));
                        row.put("status", rs.getString(3));
                        row.put("reason", rs.getString(4));
                        Long reported = Database.nullableLong(rs, "reported_at");
                        row.put("reportedAt", reported == null ? null : Instant.ofEpochMilli(reported));
                        counts.merge(rs.getString(3), 1L, Long::sum);
                        rows.add(row);
                    }
                }
            }
            out.put("counts", counts);
            out.put("gateways", rows);
            return out;
        });
    }

    private static DesiredConfig parse(String document) {
        return readJson(document, DesiredConfig.class);
    }

    private static <T> T readJson(String text, Class<T> type) {
        try {
            return MessageCodec.mapper().readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Object value) {
        try {
            return MessageCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
