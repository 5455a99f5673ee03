package org.anxin.launcher;

import io.moquette.broker.security.IAuthenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.broker.BrokerAccounts;
import org.anxin.broker.MosquittoPasswords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets into the embedded broker the accounts of a Mosquitto password file, the one
 * {@code ./anxin provision} writes. The file is read again when it changes, so a gateway
 * provisioned while the broker runs gets in, as Mosquitto lets it in after a reload. A gateway's
 * client id, {@code anxin-gw-<id>}, is reserved to that gateway's account.
 */
final class PasswordFileAuthenticator implements IAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordFileAuthenticator.class);
    /** Checked for an unknown user, so an unknown name takes as long to refuse as a wrong password. */
    private static final String NOBODY = MosquittoPasswords.line("nobody", MosquittoPasswords.newPassword()).substring("nobody:".length());

    /** The client id prefix of the gateway's uplink ({@code Uplink}), followed by the gateway id. */
    static final String GATEWAY_CLIENT_PREFIX = "anxin-gw-";

    private final Path file;
    private final AtomicLong refused = new AtomicLong();
    private Map<String, String> users;
    private FileTime modified;
    private long size;

    /** Accounts that choose their own client ids (the bridge's); every other account is a gateway's. */
    private final java.util.function.Predicate<String> choosesClientIds;

    /** Only for accounts the tests name: each may take any client id but another gateway's. */
    PasswordFileAuthenticator(Path file) throws IOException {
        this(file, user -> true);
    }

    /**
     * @param choosesClientIds whether an account may connect with client ids of its choosing; any
     *     other connects only as its uplink does, {@code anxin-gw-<its name>}
     * @throws IOException when the file is missing or has a line that is no account
     */
    PasswordFileAuthenticator(Path file, java.util.function.Predicate<String> choosesClientIds) throws IOException {
        this.file = file;
        this.choosesClientIds = choosesClientIds;
        load();
    }

    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        String stored = username == null ? null : users().get(username);
        String why = stored == null ? "no such account in " + file : "wrong password";
        boolean valid;
        try {
            valid = password != null
                    && MosquittoPasswords.matches(new String(password, StandardCharsets.UTF_8), stored != null ? stored : NOBODY)
                    && stored != null;
        } catch (IllegalArgumentException e) {
            valid = false;
            why = "its hash in " + file + " is unreadable (" + e.getMessage() + ")";
        }
        // a gateway's uplink connects as anxin-gw-<its id>; another account taking that client id would
        // disconnect the gateway (a session takeover), so that name is its own account's only
        if (valid && clientId != null && clientId.startsWith(GATEWAY_CLIENT_PREFIX) && !clientId.equals(GATEWAY_CLIENT_PREFIX + username)) {
            valid = false;
            why = "client id " + clientId + " belongs to another gateway";
        }
        // nor the bridge's, nor any other: a gateway's account has the one client id, as Mosquitto's
        // use_username_as_clientid gives it its own name and no other
        if (valid && !choosesClientIds.test(username) && !(GATEWAY_CLIENT_PREFIX + username).equals(clientId)) {
            valid = false;
            why = "a gateway's account connects only as " + GATEWAY_CLIENT_PREFIX + username + ", not " + clientId;
        }
        if (!valid) {
            refused.incrementAndGet();
            LOG.warn("MQTT login refused: user {} (client {}): {}", username, clientId, why);
        }
        return valid;
    }

    /** Logins refused since start. */
    long refused() {
        return refused.get();
    }

    private synchronized Map<String, String> users() {
        try {
            if (!Files.getLastModifiedTime(file).equals(modified) || Files.size(file) != size) {
                load();
                LOG.info("MQTT accounts read again from {}: {} accounts", file, users.size());
            }
        } catch (IOException e) {
            // a file being replaced or broken: the accounts read last stay, rather than nobody getting in
            LOG.warn("cannot read {} again, keeping its last {} accounts: {}", file, users.size(), e.getMessage());
        }
        return users;
    }

    private synchronized void load() throws IOException {
        FileTime time = Files.getLastModifiedTime(file);
        long length = Files.size(file);
        users = Map.copyOf(BrokerAccounts.readPasswords(file));
        modified = time;
        size = length;
    }
}
