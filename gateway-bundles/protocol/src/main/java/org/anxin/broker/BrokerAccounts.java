package org.anxin.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Channel;
import org.anxin.protocol.Reading;
import org.anxin.protocol.Topics;
import org.anxin.secrets.SecretFiles;

/**
 * The broker's access files: a Mosquitto {@code password_file} (one account per gateway, its user
 * name the gateway id, and one for the bridge) and an {@code acl_file} in which each gateway may
 * publish only its own uplink topics and read only its own downlinks, and the bridge reads every
 * gateway and sends the downlinks. Mosquitto reads both (with the fragment {@code /mosquitto/anxin.conf}
 * of this jar); so does the launcher's embedded broker. Made by {@code ./anxin provision} and by the
 * tests' Mosquitto alike, so the tests run on the files the field gets.
 */
public final class BrokerAccounts {

    public static final String DEFAULT_BRIDGE_USER = "anxin-bridge";

    private BrokerAccounts() {
    }

    /**
     * Gives the user this password in the password file, creating the file if need be. The file is
     * rewritten whole, owner-only (group read kept where the broker reads it through its group).
     *
     * @param replace whether an account the file already has may get a new password; without it,
     *     re-provisioning an id would lock out the gateway that has it
     * @throws IllegalStateException when the user exists and {@code replace} is false
     */
    public static void putUser(Path passwordFile, String user, String password, boolean replace) throws IOException {
        requireUser(user);
        String line = MosquittoPasswords.line(user, password);
        List<String> lines = new ArrayList<>();
        boolean found = false;
        for (String existing : existingLines(passwordFile)) {
            if (existing.startsWith(user + ":")) {
                if (!replace) {
                    throw new IllegalStateException(passwordFile + " already has the MQTT user " + user
                            + "; --force gives it a new password (the gateway that has the old one is then locked out)");
                }
                if (!found) {
                    lines.add(line);
                }
                found = true;
            } else {
                lines.add(existing);
            }
        }
        if (!found) {
            lines.add(line);
        }
        SecretFiles.update(passwordFile, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The accounts of a password file, user to hash, checked: every line is {@code user:$7$...}, as
     * Mosquitto 2's {@code mosquitto_passwd} writes it. Blank lines and lines starting with {@code #}
     * are left out.
     *
     * @throws IOException naming the file and line (never the hash) of a line in neither form
     */
    public static Map<String, String> readPasswords(Path passwordFile) throws IOException {
        Map<String, String> users = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String hash = colon < 0 ? "" : line.substring(colon + 1);
            if (colon <= 0 || !hash.startsWith("$7$")) {
                throw new IOException(passwordFile + " line " + (i + 1) + " is not user:$7$... as mosquitto_passwd writes it");
            }
            users.put(line.substring(0, colon), hash);
        }
        return users;
    }

    /**
     * The ACL, made from the protocol's channels so it names every topic a gateway uses. Patterns
     * ({@code %u}, the user name, which is the gateway id) come first and the bridge's section last:
     * Mosquitto and the embedded broker then read the file alike.
     */
    public static String acl(String bridgeUser) {
        requireUser(bridgeUser);
        StringBuilder acl = new StringBuilder("""
                # Anxin broker ACL, written by ./anxin provision (Mosquitto acl_file form; the embedded broker reads it too).
                # A gateway's MQTT user name is its gateway id: it may publish only its own uplink topics and
                # read only its own downlinks. Anything else it publishes is dropped, and its subscriptions
                # to other topics are refused.
                """);
        for (Channel channel : Channel.values()) {
            acl.append("pattern ").append(channel.toGateway() ? "read " : "write ")
                    .append(Topics.ROOT).append("/%u/").append(channel.path()).append('\n');
        }
        acl.append("\n# the bridge reads every gateway and sends their downlinks\n");
        acl.append("user ").append(bridgeUser).append('\n');
        acl.append("topic read ").append(Topics.ALL_FROM_GATEWAYS).append('\n');
        for (Channel channel : Channel.values()) {
            if (channel.toGateway()) {
                acl.append("topic write ").append(Topics.ROOT).append("/+/").append(channel.path()).append('\n');
            }
        }
        return acl.toString();
    }

    public static void writeAcl(Path aclFile, String bridgeUser) throws IOException {
        // no secret in it, but written the same safe way: a broker reloading it never sees half a file
        SecretFiles.update(aclFile, acl(bridgeUser).getBytes(StandardCharsets.UTF_8));
    }

    /** A user name both brokers substitute safely for {@code %u}: a gateway id's characters, no wildcard. */
    public static String requireUser(String user) {
        if (user == null || !Reading.DEVICE_ID.matcher(user).matches()) {
            throw new IllegalArgumentException("MQTT user '" + user + "' is not an id: letters, digits, '.', '_' and '-'");
        }
        return user;
    }

    private static List<String> existingLines(Path file) throws IOException {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            lines.removeIf(String::isBlank);
            return lines;
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
