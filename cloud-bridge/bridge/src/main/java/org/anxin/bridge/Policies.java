package org.anxin.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Severity;

/** The escalation policy of each severity, stored in the database and changed through the API. */
final class Policies {

    private static final Set<String> GROUPS = Set.of("contacts", "visitors", "installers", "centre");
    private static final Pattern NTH_CONTACT = Pattern.compile("contact:([1-9][0-9]?)");
    static final int MAX_STEPS = 20;
    static final long MAX_WAIT_SECONDS = 7 * 24 * 3600;

    /**
     * How soon a critical policy must reach a responder: a fire answered the next day is not
     * answered (the policy papers ask for a visit within the hour; a day is the outer bound).
     */
    static final long CRITICAL_FIRST_REACH_SECONDS = 24 * 3600;
    /** The groups that answer an alarm; installers fit and pair devices, they are not responders. */
    private static final Set<String> RESPONDERS = Set.of("contacts", "visitors", "centre");

    private final Database db;
    private final Clock clock;
    private final Set<String> enabledChannels;

    Policies(Database db, Clock clock) {
        this(db, clock, Channel.NAMES);
    }

    /** @param enabledChannels the channels configured on this bridge; a step naming only others reaches nobody */
    Policies(Database db, Clock clock, Set<String> enabledChannels) {
        this.db = db;
        this.clock = clock;
        this.enabledChannels = Set.copyOf(enabledChannels);
    }

    /**
     * One step: who is notified, through which channels, and how long to wait for an
     * acknowledgement before the next step.
     *
     * @param who (JSON {@code notify}) {@code contacts}, {@code contact:N} (the Nth contact), {@code visitors},
     *     {@code installers}, {@code centre}
     */
    record Step(@JsonProperty("notify") List<String> who, List<String> channels, long waitSeconds) {
    }

    /** @param repeat start again from the first step after the last one, until acknowledged */
    record Policy(String severity, List<Step> steps, boolean repeat) {
    }

    record PolicyInput(List<Step> steps, Boolean repeat) {
    }

    List<Policy> all() {
        return db.withConnection(c -> {
            List<Policy> list = new ArrayList<>();
            for (Severity s : Severity.values()) {
                list.add(policy(c, s.wireName()));
            }
            return list;
        });
    }

    Policy get(String severity) {
        return db.withConnection(c -> policy(c, requireSeverity(severity)));
    }

    /**
     * GATEWAY_DEGRADED's own policy: a gateway that would not alarm is the installer's to mend and
     * the centre's to know of, not the family's. Fixed, not edited through the API.
     */
    static final Policy GATEWAY_HEALTH = new Policy(Severity.WARNING.wireName(),
            List.of(new Step(List.of("installers", "centre"), List.of("sms", "email", "webhook"), 0)), false);

    /** The policy an escalation of this alert type and severity follows. */
    static Policy policyFor(Connection c, String type, String severity) throws SQLException {
        if (org.anxin.protocol.AlertType.GATEWAY_DEGRADED.name().equals(type)) {
            return GATEWAY_HEALTH;
        }
        return policy(c, severity);
    }

    static Policy policy(Connection c, String severity) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT steps, repeat_steps FROM escalation_policies WHERE severity = ?")) {
            ps.setString(1, severity);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new Policy(severity, List.of(), false);
                }
                return new Policy(severity, parseSteps(rs.getString(1)), rs.getBoolean(2));
            }
        }
    }

    Policy put(String severity, PolicyInput in) {
        String s = requireSeverity(severity);
        if (in == null || in.steps() == null || in.steps().isEmpty()) {
            throw ApiException.badRequest("steps must list at least one step");
        }
        if (in.steps().size() > MAX_STEPS) {
            throw ApiException.badRequest("at most " + MAX_STEPS + " steps");
        }
        List<Step> steps = new ArrayList<>();
        long totalWait = 0;
        for (int i = 0; i < in.steps().size(); i++) {
            Step step = in.steps().get(i);
            String at = "step " + (i + 1) + ": ";
            if (step == null || step.who() == null || step.who().isEmpty()) {
                throw ApiException.badRequest(at + "notify must name at least one of contacts, contact:N, visitors,"
                        + " installers, centre");
            }
            for (String who : step.who()) {
                if (who == null || !(GROUPS.contains(who) || NTH_CONTACT.matcher(who).matches())) {
                    throw ApiException.badRequest(at + "cannot notify '" + who
                            + "'; expected contacts, contact:N, visitors, installers or centre");
                }
            }
            if (step.channels() == null || step.channels().isEmpty()) {
                throw ApiException.badRequest(at + "channels must name at least one of webhook, email, sms");
            }
            List<String> channels = new ArrayList<>();
            for (String ch : step.channels()) {
                String lower = ch == null ? "" : ch.toLowerCase(Locale.ROOT);
                if (!Channel.NAMES.contains(lower)) {
                    throw ApiException.badRequest(at + "unknown channel '" + ch + "'; expected webhook, email or sms");
                }
                channels.add(lower);
            }
            if (step.waitSeconds() < 0 || step.waitSeconds() > MAX_WAIT_SECONDS) {
                throw ApiException.badRequest(at + "waitSeconds must be from 0 to " + MAX_WAIT_SECONDS);
            }
            totalWait += step.waitSeconds();
            steps.add(new Step(List.copyOf(step.who()), List.copyOf(channels), step.waitSeconds()));
        }
        boolean repeat = in.repeat() != null && in.repeat();
        if (repeat && totalWait < 1) {
            throw ApiException.badRequest("a repeating policy must wait at least 1 second in all");
        }
        if (s.equals(Severity.CRITICAL.wireName())) {
            requireReachesSomeone(steps);
        }
        String json;
        try {
            json = MessageCodec.mapper().writeValueAsString(steps);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO escalation_policies"
                    + " (severity, steps, repeat_steps, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (severity)"
                    + " DO UPDATE SET steps = excluded.steps, repeat_steps = excluded.repeat_steps,"
                    + " updated_at = excluded.updated_at")) {
                ps.setString(1, s);
                ps.setString(2, json);
                ps.setBoolean(3, repeat);
                ps.setLong(4, clock.millis());
                return ps.executeUpdate();
            }
        });
        return new Policy(s, steps, repeat);
    }

    /**
     * Refuses a critical policy none of whose steps within the first day names a responder on a
     * channel this bridge has: with it, the next fire would reach nobody.
     */
    private void requireReachesSomeone(List<Step> steps) {
        List<String> why = new ArrayList<>();
        long startsAt = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String at = "step " + (i + 1);
            List<String> problems = new ArrayList<>();
            if (startsAt >= CRITICAL_FIRST_REACH_SECONDS) {
                problems.add("starts only after " + startsAt + " s, not within the first "
                        + CRITICAL_FIRST_REACH_SECONDS + " s");
            }
            if (step.who().stream().noneMatch(w -> RESPONDERS.contains(w) || NTH_CONTACT.matcher(w).matches())) {
                problems.add("notifies " + step.who() + ", none of them a responder (contacts, contact:N, visitors,"
                        + " centre)");
            }
            if (step.channels().stream().noneMatch(enabledChannels::contains)) {
                problems.add("uses " + step.channels() + ", none of them configured on this bridge (configured: "
                        + enabledChannels.stream().sorted().toList() + ")");
            }
            if (problems.isEmpty()) {
                return;
            }
            why.add(at + " " + String.join(" and ", problems));
            startsAt += step.waitSeconds();
        }
        throw ApiException.unprocessable("a critical policy must reach a responder within the first day, and this"
                + " one reaches nobody: " + String.join("; ", why));
    }

    private static String requireSeverity(String severity) {
        for (Severity s : Severity.values()) {
            if (s.wireName().equals(severity)) {
                return severity;
            }
        }
        throw ApiException.notFound("no severity '" + severity + "'; expected critical, warning or maintenance");
    }

    private static List<Step> parseSteps(String json) {
        try {
            return MessageCodec.mapper().readValue(json, new TypeReference<List<Step>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored escalation policy is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
