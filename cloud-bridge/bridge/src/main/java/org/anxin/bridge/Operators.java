package org.anxin.bridge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Operator accounts and their sessions. Passwords are kept as salted PBKDF2 hashes; a session is
 * a random bearer token of which only the SHA-256 is stored, in the database, so every bridge
 * instance accepts it.
 */
final class Operators {

    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    static final int MIN_PASSWORD_LENGTH = 10;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int ITERATIONS = 120_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final Clock clock;
    private final Duration sessionLength;

    Operators(Database db, Clock clock, Duration sessionLength) {
        this.db = db;
        this.clock = clock;
        this.sessionLength = sessionLength;
    }

    /** A session token and when it stops working. */
    record Session(String token, long expiresAt) {
    }

    /** Creates the operator, or sets a new password if it exists. */
    void upsert(String username, String password) {
        requireValid(username, password);
        String hash = hash(password);
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO operators (username, password_hash, created_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash")) {
                ps.setString(1, username);
                ps.setString(2, hash);
                ps.setLong(3, clock.millis());
                return ps.executeUpdate();
            }
        });
    }

    /** Creates the operator; false if the name is taken. */
    boolean create(String username, String password) {
        requireValid(username, password);
        String hash = hash(password);
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO operators (username, password_hash, created_at)"
                    + " VALUES (?, ?, ?) ON CONFLICT (username) DO NOTHING")) {
                ps.setString(1, username);
                ps.setString(2, hash);
                ps.setLong(3, clock.millis());
                return ps.executeUpdate() == 1;
            }
        });
    }

    static void requireValid(String username, String password) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("username must match " + USERNAME.pattern());
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }

    /** A new session if the password is right; empty otherwise (which of the two was wrong is not said). */
    Optional<Session> login(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        Optional<String> stored = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM operators WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
        if (stored.isEmpty() || !verify(password, stored.get())) {
            return Optional.empty();
        }
        String token = randomToken();
        long expiresAt = clock.millis() + sessionLength.toMillis();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE expires_at < ?")) {
                ps.setLong(1, clock.millis());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?, ?, ?)")) {
                ps.setString(1, sha256(token));
                ps.setString(2, username);
                ps.setLong(3, expiresAt);
                return ps.executeUpdate();
            }
        });
        return Optional.of(new Session(token, expiresAt));
    }

    /** The operator a bearer token belongs to, if it is a live session. */
    Optional<String> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT username FROM sessions WHERE token_hash = ? AND expires_at > ?")) {
                ps.setString(1, sha256(token));
                ps.setLong(2, clock.millis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    void logout(String token) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE token_hash = ?")) {
                ps.setString(1, sha256(token));
                return ps.executeUpdate();
            }
        });
    }

    static String randomToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return ALGORITHM + "$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS));
    }

    static boolean verify(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals(ALGORITHM)) {
            return false;
        }
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        byte[] actual = pbkdf2(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
