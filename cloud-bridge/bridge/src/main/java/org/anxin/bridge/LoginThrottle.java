package org.anxin.bridge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.anxin.bridge.core.Credentials;
import org.anxin.bridge.store.Database;

/**
 * Failed logins counted per user name and per remote address, in the database so that every
 * bridge instance counts the same. After {@link #FREE_FAILURES} failures a key is locked for
 * {@link #FIRST_LOCK}, and each further failure doubles the lock up to {@link #MAX_LOCK}. While
 * either key of an attempt is locked the password is not checked at all, so a guess made then
 * tells nothing. A key's count starts again after {@link #FORGET_AFTER} without a failure; a
 * right password clears its user name's count (not its address's: one account of one's own must
 * not reset the count of guesses at others).
 */
final class LoginThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration MAX_LOCK = Duration.ofMinutes(15);
    static final Duration FORGET_AFTER = Duration.ofHours(1);

    private final Database db;
    private final Clock clock;

    LoginThrottle(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    static String userKey(String username) {
        String u = username == null ? "" : username;
        // a name that cannot be a user name (too long, control characters) is still counted, by its digest
        return "user:" + (Credentials.USERNAME.matcher(u).matches() ? u : "#" + Operators.sha256(u));
    }

    static String addressKey(String address) {
        return "address:" + address;
    }

    /** How long until an attempt with these keys may be checked; empty when it may be now. */
    Optional<Duration> lockedFor(List<String> keys) {
        long now = clock.millis();
        long until = db.withConnection(c -> {
            long latest = 0;
            for (String key : keys) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT locked_until FROM login_failures WHERE throttle_key = ?")) {
                    ps.setString(1, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            latest = Math.max(latest, rs.getLong(1));
                        }
                    }
                }
            }
            return latest;
        });
        return until > now ? Optional.of(Duration.ofMillis(until - now)) : Optional.empty();
    }

    /** Counts a failure against each key; the longest lock it now imposes, if any. */
    Optional<Duration> failed(List<String> keys) {
        long now = clock.millis();
        long until = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM login_failures WHERE last_failure < ?"
                    + " AND locked_until < ?")) {
                ps.setLong(1, now - FORGET_AFTER.toMillis());
                ps.setLong(2, now);
                ps.executeUpdate();
            }
            long latest = 0;
            for (String key : keys) {
                latest = Math.max(latest, fail(c, key, now));
            }
            return latest;
        });
        return until > now ? Optional.of(Duration.ofMillis(until - now)) : Optional.empty();
    }

    private long fail(Connection c, String key, long now) throws SQLException {
        int failures = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT failures FROM login_failures WHERE throttle_key = ?"
                + db.forUpdate())) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    failures = rs.getInt(1);
                }
            }
        }
        failures++;
        long lockedUntil = failures < FREE_FAILURES ? 0 : now + lock(failures).toMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO login_failures (throttle_key, failures,"
                + " last_failure, locked_until) VALUES (?, ?, ?, ?) ON CONFLICT (throttle_key) DO UPDATE SET"
                + " failures = excluded.failures, last_failure = excluded.last_failure,"
                + " locked_until = excluded.locked_until")) {
            ps.setString(1, key);
            ps.setInt(2, failures);
            ps.setLong(3, now);
            ps.setLong(4, lockedUntil);
            ps.executeUpdate();
        }
        return lockedUntil;
    }

    /** The lock after this many failures: the first at the fifth, doubling, at most {@link #MAX_LOCK}. */
    static Duration lock(int failures) {
        int doublings = Math.min(failures - FREE_FAILURES, 20);
        Duration d = FIRST_LOCK.multipliedBy(1L << doublings);
        return d.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : d;
    }

    void succeeded(String key) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM login_failures WHERE throttle_key = ?")) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        });
    }
}
