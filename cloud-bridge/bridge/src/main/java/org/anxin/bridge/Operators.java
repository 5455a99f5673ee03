package org.anxin.bridge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.Credentials;
import org.anxin.bridge.store.Access;
import org.anxin.bridge.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator accounts, their roles and sessions. Passwords are kept as salted PBKDF2 hashes; a
 * session is a random bearer token of which only the SHA-256 is stored, in the database, so every
 * bridge instance accepts it. A session works only while its operator exists and is enabled, and
 * a new password ends every session of its operator.
 */
final class Operators {

    private static final Logger log = LoggerFactory.getLogger(Operators.class);

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int ITERATIONS = 120_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Checked for a user name that does not exist, so that it takes as long as a known one. */
    private static final String DUMMY_HASH = hash(randomToken());

    private final Database db;
    private final Clock clock;
    private final Duration sessionLength;
    private final LoginThrottle throttle;
    private final Set<String> enabledChannels;

    Operators(Database db, Clock clock, Duration sessionLength) {
        this(db, clock, sessionLength, Channel.NAMES);
    }

    /** @param enabledChannels the channels configured on this bridge: an operator on duty must be reachable on one */
    Operators(Database db, Clock clock, Duration sessionLength, Set<String> enabledChannels) {
        this.db = db;
        this.clock = clock;
        this.sessionLength = sessionLength;
        this.throttle = new LoginThrottle(db, clock);
        this.enabledChannels = Set.copyOf(enabledChannels);
    }

    /** A session token and when it stops working. */
    record Session(String token, long expiresAt) {
    }

    /** What a login attempt comes to. */
    sealed interface LoginResult {
    }

    record LoggedIn(Session session) implements LoginResult {
    }

    /** Wrong name or password; which of the two is not said. */
    record Refused() implements LoginResult {
    }

    /** Too many failures: not checked; try again after this long. */
    record Throttled(Duration retryAfter) implements LoginResult {
    }

    /** {@code POST /api/operators}; {@code centre} for a centre operator, {@code person} for a visitor or installer. */
    record OperatorInput(String username, String password, String role, String centre, String person) {
    }

    /**
     * {@code PATCH /api/operators/{username}}: each field given replaces the stored one; an empty
     * phone, email or webhook removes it.
     */
    record OperatorPatch(String role, String centre, String person, Boolean disabled, Boolean onDuty, String phone,
                         String email, String webhook) {
    }

    /** {@code PATCH /api/me}: what an operator may change of themself, their duty and how they are reached. */
    record SelfPatch(Boolean onDuty, String phone, String email, String webhook) {
    }

    /** {@code PUT /api/operators/{username}/password} and {@code PUT /api/me/password}. */
    record PasswordInput(String password, String currentPassword) {
    }

    /** @param onDuty told of alerts that reach nobody else (the fallback chain of {@link Escalations}) */
    record OperatorView(String username, String role, String centre, String person, boolean disabled,
                        Instant createdAt, Instant disabledAt, boolean onDuty, String phone, String email,
                        String webhook) {
    }

    /**
     * Makes the operator an enabled administrator with this password, creating it if needed: the
     * bootstrap account of {@code --admin-user}. The stored hash (and so every session) is kept
     * when the password is the one already stored, so a restart logs nobody out.
     */
    void ensureAdministrator(String username, String password) {
        Credentials.requireValid(username, password);
        db.inTransaction(c -> {
            Optional<String> stored = passwordHash(c, username);
            if (stored.isPresent()) {
                boolean same = verify(password, stored.get());
                try (PreparedStatement ps = c.prepareStatement("UPDATE operators SET role = ?, scope = NULL,"
                        + " disabled_at = NULL" + (same ? "" : ", password_hash = ?") + " WHERE username = ?")) {
                    ps.setString(1, Access.Role.ADMINISTRATOR.wireName());
                    if (same) {
                        ps.setString(2, username);
                    } else {
                        ps.setString(2, hash(password));
                        ps.setString(3, username);
                    }
                    ps.executeUpdate();
                }
                if (!same) {
                    revoke(c, username);
                }
                return null;
            }
            insert(c, username, hash(password), Access.Role.ADMINISTRATOR, null);
            return null;
        });
    }

    /** Creates the operator; 409 if the name is taken. */
    OperatorView create(OperatorInput in) {
        if (in == null) {
            throw ApiException.badRequest("a JSON object with username, password, role and centre or person is expected");
        }
        try {
            Credentials.requireValid(in.username(), in.password());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (in.role() == null) {
            throw ApiException.badRequest("role is required: administrator, centre_operator, visitor or installer");
        }
        Access.Role role = Access.Role.of(in.role());
        String hash = hash(in.password());
        db.inTransaction(c -> {
            String scope = scope(c, role, in.centre(), in.person());
            if (passwordHash(c, in.username()).isPresent()) {
                throw ApiException.conflict("operator '" + in.username() + "' exists");
            }
            insert(c, in.username(), hash, role, scope);
            return null;
        });
        log.info("operator {} created as {}", in.username(), role.wireName());
        return view(in.username()).orElseThrow();
    }

    private void insert(Connection c, String username, String hash, Access.Role role, String scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO operators (username, password_hash, created_at,"
                + " role, scope) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, username);
            ps.setString(2, hash);
            ps.setLong(3, clock.millis());
            ps.setString(4, role.wireName());
            Database.setNullableText(ps, 5, scope);
            ps.executeUpdate();
        }
    }

    /** The stored scope of a role: a centre that exists, or an e-mail address or phone number. */
    private static String scope(Connection c, Access.Role role, String centre, String person) throws SQLException {
        switch (role) {
            case ADMINISTRATOR -> {
                if (centre != null || person != null) {
                    throw ApiException.badRequest("an administrator has no centre or person: it sees everything");
                }
                return null;
            }
            case CENTRE_OPERATOR -> {
                if (person != null) {
                    throw ApiException.badRequest("a centre operator has a centre, not a person");
                }
                if (centre == null || centre.isBlank()) {
                    throw ApiException.badRequest("centre is required for a centre operator: the id of the centre"
                            + " whose homes they look after");
                }
                if (Directory.centre(c, centre).isEmpty()) {
                    throw ApiException.badRequest("centre '" + centre + "' names no centre; PUT /api/centres/"
                            + centre + " first");
                }
                return centre;
            }
            default -> {
                if (centre != null) {
                    throw ApiException.badRequest("a " + role.wireName() + " has a person, not a centre");
                }
                if (person == null || person.isBlank()) {
                    throw ApiException.badRequest("person is required for a " + role.wireName() + ": the e-mail"
                            + " address or phone number by which the homes they look after list them as their "
                            + role.personRole());
                }
                String p = person.trim();
                if (p.contains("@")) {
                    if (!p.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+") || p.length() > 255) {
                        throw ApiException.badRequest("person '" + p + "' is neither an e-mail address nor a phone number");
                    }
                    return p.toLowerCase(Locale.ROOT);
                }
                if (!p.matches("\\+?[0-9][0-9 -]{4,30}")) {
                    throw ApiException.badRequest("person '" + p + "' is neither an e-mail address nor a phone number");
                }
                return Access.phone(p);
            }
        }
    }

    List<OperatorView> list() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + VIEW_COLUMNS + " FROM operators ORDER BY username");
                 ResultSet rs = ps.executeQuery()) {
                List<OperatorView> list = new ArrayList<>();
                while (rs.next()) {
                    list.add(view(rs));
                }
                return list;
            }
        });
    }

    Optional<OperatorView> view(String username) {
        return db.withConnection(c -> view(c, username));
    }

    private static final String VIEW_COLUMNS = "username, role, scope, created_at, disabled_at, on_duty, phone,"
            + " email, webhook";

    private static Optional<OperatorView> view(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VIEW_COLUMNS + " FROM operators WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(view(rs)) : Optional.empty();
            }
        }
    }

    private static OperatorView view(ResultSet rs) throws SQLException {
        String role = rs.getString("role");
        String scope = rs.getString("scope");
        Long disabledAt = Database.nullableLong(rs, "disabled_at");
        return new OperatorView(rs.getString("username"), role, role.equals("centre_operator") ? scope : null,
                role.equals("visitor") || role.equals("installer") ? scope : null, disabledAt != null,
                Instant.ofEpochMilli(rs.getLong("created_at")), disabledAt == null ? null : Instant.ofEpochMilli(disabledAt),
                rs.getBoolean("on_duty"), rs.getString("phone"), rs.getString("email"), rs.getString("webhook"));
    }

    /** Changes role, scope or whether the operator is disabled; disabling ends its sessions at once. */
    OperatorView update(String username, OperatorPatch patch) {
        if (patch == null) {
            throw ApiException.badRequest("a JSON object with role, centre, person or disabled is expected");
        }
        db.inTransaction(c -> {
            OperatorView old = view(c, username).orElseThrow(() -> notFound(username));
            Access.Role role = patch.role() == null ? Access.Role.of(old.role()) : Access.Role.of(patch.role());
            boolean sameKind = role.wireName().equals(old.role());
            String centre = patch.centre() != null ? patch.centre()
                    : patch.person() == null && sameKind ? old.centre() : null;
            String person = patch.person() != null ? patch.person()
                    : patch.centre() == null && sameKind ? old.person() : null;
            String scope = scope(c, role, centre, person);
            boolean disabled = patch.disabled() == null ? old.disabled() : patch.disabled();
            if (old.role().equals(Access.Role.ADMINISTRATOR.wireName()) && !old.disabled()
                    && (role != Access.Role.ADMINISTRATOR || disabled)) {
                requireAnotherAdministrator(c, username, disabled ? "disabled" : "given another role");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE operators SET role = ?, scope = ?, disabled_at = ? WHERE username = ?")) {
                ps.setString(1, role.wireName());
                Database.setNullableText(ps, 2, scope);
                Database.setNullableLong(ps, 3, disabled ? (old.disabled() ? old.disabledAt().toEpochMilli()
                        : clock.millis()) : null);
                ps.setString(4, username);
                ps.executeUpdate();
            }
            if (disabled) {
                revoke(c, username);
            }
            setDuty(c, username, role, new SelfPatch(patch.onDuty(), patch.phone(), patch.email(), patch.webhook()));
            return null;
        });
        log.info("operator {} changed: role {}, disabled {}, onDuty {}", username, patch.role(), patch.disabled(),
                patch.onDuty());
        return view(username).orElseThrow();
    }

    /** An operator's own change of duty and addresses ({@code PATCH /api/me}). */
    OperatorView updateSelf(String username, SelfPatch patch) {
        if (patch == null) {
            throw ApiException.badRequest("a JSON object with onDuty, phone, email or webhook is expected");
        }
        db.inTransaction(c -> {
            OperatorView old = view(c, username).orElseThrow(() -> notFound(username));
            setDuty(c, username, Access.Role.of(old.role()), patch);
            return null;
        });
        log.info("operator {} changed their own duty or addresses: onDuty {}", username, patch.onDuty());
        return view(username).orElseThrow();
    }

    /**
     * Applies a change of duty and addresses, checked against the operator's (new) role: only an
     * administrator or a centre operator is on duty, and only while reachable on a channel this
     * bridge has, so that a last resort is never someone nobody can reach. A role without duty
     * leaves it.
     */
    private void setDuty(Connection c, String username, Access.Role role, SelfPatch patch) throws SQLException {
        OperatorView old = view(c, username).orElseThrow(() -> notFound(username));
        String phone = patch.phone() == null ? old.phone() : Directory.optionalPhone(patch.phone());
        String email = patch.email() == null ? old.email() : Directory.optionalEmail(patch.email());
        String webhook = patch.webhook() == null ? old.webhook() : Directory.optionalWebhook(patch.webhook());
        boolean dutyRole = role == Access.Role.ADMINISTRATOR || role == Access.Role.CENTRE_OPERATOR;
        if (Boolean.TRUE.equals(patch.onDuty()) && !dutyRole) {
            throw ApiException.badRequest("a " + role.wireName() + " is not on duty: only administrators and centre"
                    + " operators answer alerts that reach nobody else");
        }
        boolean onDuty = dutyRole && (patch.onDuty() == null ? old.onDuty() : patch.onDuty());
        boolean asked = patch.onDuty() != null || patch.phone() != null || patch.email() != null
                || patch.webhook() != null;
        // checked only when asked, so that a bridge restarted without a channel can still disable or re-role them
        if (onDuty && asked && !reachable(phone, email, webhook)) {
            throw ApiException.badRequest("an operator on duty needs a phone, email or webhook on a channel this"
                    + " bridge has (" + enabledChannels.stream().sorted().toList() + "), or nobody can reach them");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE operators SET on_duty = ?, phone = ?, email = ?, webhook = ? WHERE username = ?")) {
            ps.setBoolean(1, onDuty);
            Database.setNullableText(ps, 2, phone);
            Database.setNullableText(ps, 3, email);
            Database.setNullableText(ps, 4, webhook);
            ps.setString(5, username);
            ps.executeUpdate();
        }
    }

    private boolean reachable(String phone, String email, String webhook) {
        return phone != null && enabledChannels.contains("sms") || email != null && enabledChannels.contains("email")
                || webhook != null && enabledChannels.contains("webhook");
    }

    /** Deletes the operator and its sessions. */
    void delete(String username) {
        db.inTransaction(c -> {
            OperatorView old = view(c, username).orElseThrow(() -> notFound(username));
            if (old.role().equals(Access.Role.ADMINISTRATOR.wireName()) && !old.disabled()) {
                requireAnotherAdministrator(c, username, "deleted");
            }
            revoke(c, username);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM operators WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            return null;
        });
        log.info("operator {} deleted", username);
    }

    private static void requireAnotherAdministrator(Connection c, String username, String what) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM operators WHERE role = ?"
                + " AND disabled_at IS NULL AND username <> ?")) {
            ps.setString(1, Access.Role.ADMINISTRATOR.wireName());
            ps.setString(2, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw ApiException.conflict("'" + username + "' is the last enabled administrator and cannot be "
                            + what + "; make another administrator first");
                }
            }
        }
    }

    /**
     * Sets a new password and ends every session of the operator.
     *
     * @param currentPassword the operator's own password, when they change it themselves; {@code null}
     *     for an administrator's reset
     */
    void setPassword(String username, String password, String currentPassword) {
        try {
            Credentials.requireValid(username, password);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String hash = hash(password);
        db.inTransaction(c -> {
            String stored = passwordHash(c, username).orElseThrow(() -> notFound(username));
            if (currentPassword != null && !verify(currentPassword, stored)) {
                throw new ApiException(403, "currentPassword is wrong; the password is unchanged");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE operators SET password_hash = ? WHERE username = ?")) {
                ps.setString(1, hash);
                ps.setString(2, username);
                ps.executeUpdate();
            }
            revoke(c, username);
            return null;
        });
        log.info("password of operator {} {}; its sessions are ended", username,
                currentPassword == null ? "reset" : "changed");
    }

    private static void revoke(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE username = ?")) {
            ps.setString(1, username);
            ps.executeUpdate();
        }
    }

    private static ApiException notFound(String username) {
        return ApiException.notFound("no operator '" + username + "'");
    }

    private static Optional<String> passwordHash(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM operators WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * Checks a login, throttled per user name and per address ({@link LoginThrottle}). An unknown
     * or disabled user costs the same hash check as a known one, so the answer's time does not
     * tell which names exist.
     */
    LoginResult login(String username, String password, String address) {
        String name = username == null ? "" : username;
        String shownName = Credentials.USERNAME.matcher(name).matches() ? name : "(not a user name)";
        List<String> keys = List.of(LoginThrottle.userKey(name), LoginThrottle.addressKey(address));
        Optional<Duration> locked = throttle.lockedFor(keys);
        if (locked.isPresent()) {
            log.warn("login as {} from {} not checked: too many failures, locked for {} s more", shownName, address,
                    locked.get().toSeconds());
            return new Throttled(locked.get());
        }
        // a name no operator can have is not looked up (PostgreSQL refuses some characters), but costs the same hash
        Optional<String[]> stored = !Credentials.USERNAME.matcher(name).matches() ? Optional.empty() : db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT password_hash, disabled_at FROM operators WHERE username = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)})
                            : Optional.<String[]>empty();
                }
            }
        });
        boolean right = verify(password == null ? "" : password, stored.map(s -> s[0]).orElse(DUMMY_HASH));
        if (!right || stored.isEmpty() || stored.get()[1] != null) {
            Optional<Duration> lock = throttle.failed(keys);
            log.warn("failed login as {} from {}{}", shownName, address,
                    lock.map(d -> "; locked for " + d.toSeconds() + " s").orElse(""));
            return new Refused();
        }
        throttle.succeeded(keys.get(0));
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
                ps.setString(2, name);
                ps.setLong(3, expiresAt);
                return ps.executeUpdate();
            }
        });
        log.info("operator {} logged in from {}", name, address);
        return new LoggedIn(new Session(token, expiresAt));
    }

    /** The operator a bearer token belongs to, if it is a live session of an enabled operator. */
    Optional<Access.Principal> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT o.username, o.role, o.scope FROM sessions s"
                    + " JOIN operators o ON o.username = s.username"
                    + " WHERE s.token_hash = ? AND s.expires_at > ? AND o.disabled_at IS NULL")) {
                ps.setString(1, sha256(token));
                ps.setLong(2, clock.millis());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Access.Principal(rs.getString(1),
                            Access.Role.of(rs.getString(2)), rs.getString(3))) : Optional.<Access.Principal>empty();
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
