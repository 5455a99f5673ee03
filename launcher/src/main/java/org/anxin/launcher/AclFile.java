package org.anxin.launcher;

import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mosquitto {@code acl_file} for the embedded broker, read as Mosquitto reads it: {@code topic}
 * lines before any {@code user} line are for anonymous clients, those after a {@code user} line for
 * that user, and {@code pattern} lines (with {@code %u} and {@code %c}) for everyone. A subscription
 * is allowed when a rule's filter covers every topic it could match, so {@code anxin/v1/gw/+/alert}
 * is not covered by {@code anxin/v1/gw/%u/alert}.
 *
 * <p>Not Moquette's own {@code ACLFileParser}: the one in Moquette 0.17 takes a filter's trailing
 * {@code #} for a comment, so {@code topic read anxin/v1/gw/+/#} allowed nothing. {@code deny}
 * rules are refused rather than half-understood.
 */
final class AclFile implements IAuthorizatorPolicy {

    private record Rule(boolean read, boolean write, String filter) {
    }

    private final List<Rule> anonymous = new ArrayList<>();
    private final List<Rule> patterns = new ArrayList<>();
    private final Map<String, List<Rule>> users = new HashMap<>();

    private AclFile() {
    }

    /** Whether the file has rules of this user's own ({@code user} lines): the bridge's account; a gateway's has only the patterns. */
    boolean namesUser(String user) {
        return users.containsKey(user);
    }

    /** @throws IOException naming the file and line of anything that is not a rule this class understands */
    static AclFile read(Path file) throws IOException {
        AclFile acl = new AclFile();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Rule> current = acl.anonymous;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String rest = words.length > 1 ? words[1] : "";
            switch (words[0]) {
                case "user" -> current = acl.users.computeIfAbsent(rest, u -> new ArrayList<>());
                case "topic" -> current.add(rule(rest, file, i + 1));
                case "pattern" -> acl.patterns.add(rule(rest, file, i + 1));
                default -> throw new IOException(file + " line " + (i + 1) + ": expected user, topic or pattern, got '"
                        + words[0] + "'");
            }
        }
        return acl;
    }

    private static Rule rule(String text, Path file, int line) throws IOException {
        String[] words = text.split("\\s+", 2);
        String access = words.length == 2 ? words[0] : "readwrite";
        // the topic is the rest of the line, spaces and all, as Mosquitto reads it
        String filter = words.length == 2 ? words[1] : words[0];
        if (filter.isEmpty()) {
            throw new IOException(file + " line " + line + ": a rule without a topic");
        }
        return switch (access) {
            case "read" -> new Rule(true, false, filter);
            case "write" -> new Rule(false, true, filter);
            case "readwrite" -> new Rule(true, true, filter);
            default -> throw new IOException(file + " line " + line + ": access '" + access
                    + "' is not read, write or readwrite (deny is not supported by the embedded broker)");
        };
    }

    @Override
    public boolean canWrite(Topic topic, String user, String client) {
        return allowed(topic.toString(), user, client, false);
    }

    @Override
    public boolean canRead(Topic topic, String user, String client) {
        return allowed(topic.toString(), user, client, true);
    }

    private boolean allowed(String topic, String user, String client, boolean read) {
        List<Rule> rules = user == null ? anonymous : users.getOrDefault(user, List.of());
        for (Rule rule : rules) {
            if ((read ? rule.read() : rule.write()) && covers(rule.filter(), topic)) {
                return true;
            }
        }
        for (Rule rule : patterns) {
            if (!(read ? rule.read() : rule.write())) {
                continue;
            }
            // as Mosquitto: an identity that would widen the filter is not substituted, and the rule does not apply
            if ((rule.filter().contains("%u") && !substitutable(user)) || (rule.filter().contains("%c") && !substitutable(client))) {
                continue;
            }
            String filter = rule.filter().replace("%u", user == null ? "" : user).replace("%c", client == null ? "" : client);
            if (covers(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    private static boolean substitutable(String identity) {
        return identity != null && !identity.isEmpty() && identity.chars().noneMatch(c -> c == '+' || c == '#' || c == '/');
    }

    /** Whether every topic that {@code requested} (a topic, or a subscription's filter) matches also matches {@code filter}. */
    static boolean covers(String filter, String requested) {
        String[] f = filter.split("/", -1);
        String[] r = requested.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= r.length || r[i].equals("#")) {
                return false;
            }
            if (!f[i].equals("+") && (r[i].equals("+") || !r[i].equals(f[i]))) {
                return false;
            }
        }
        return f.length == r.length;
    }
}
