package org.anxin.bridge;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.ProtocolException;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.SignedEnvelope;

/**
 * Each gateway's own public key, and the check that a message on a gateway's topic was signed by
 * it. Keys are cached for a few seconds: a key registered on another instance of the bridge (or
 * replaced there) is used here that much later, never for longer.
 */
final class GatewayKeys {

    /** How long a looked-up key (or its absence) is trusted before the database is asked again. */
    static final long CACHE_MILLIS = 5_000;

    private final Database db;
    private final Clock clock;
    private final boolean allowUnsigned;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(PublicKey key, long until) {
    }

    /**
     * What the check made of a payload.
     *
     * @param envelope the schema-1 envelope bytes to decode; {@code null} when refused
     * @param refusal why it was refused; {@code null} when accepted
     * @param unsigned whether the refusal is for a missing signature rather than a wrong one
     */
    record Verdict(byte[] envelope, String refusal, boolean unsigned) {

        static Verdict accept(byte[] envelope) {
            return new Verdict(envelope, null, false);
        }
    }

    /** @param allowUnsigned hear gateways that have no registered key, unsigned (the migration path) */
    GatewayKeys(Database db, Clock clock, boolean allowUnsigned) {
        this.db = db;
        this.clock = clock;
        this.allowUnsigned = allowUnsigned;
    }

    /** Registers (or replaces) the gateway's key, in the caller's transaction. */
    void register(Connection c, String gateway, PublicKey key, String by, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO gateway_keys (gateway, public_key, registered_at,"
                + " registered_by) VALUES (?, ?, ?, ?) ON CONFLICT (gateway) DO UPDATE SET public_key = excluded.public_key,"
                + " registered_at = excluded.registered_at, registered_by = excluded.registered_by")) {
            ps.setString(1, gateway);
            ps.setString(2, Signatures.encode(key));
            ps.setLong(3, now);
            ps.setString(4, by);
            ps.executeUpdate();
        }
        cache.remove(gateway);
    }

    /** The gateway's registered key, if it has one. */
    Optional<PublicKey> of(String gateway) {
        long now = clock.millis();
        Cached cached = cache.get(gateway);
        if (cached == null || cached.until() <= now) {
            String text = db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT public_key FROM gateway_keys WHERE gateway = ?")) {
                    ps.setString(1, gateway);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : null;
                    }
                }
            });
            cached = new Cached(text == null ? null : Signatures.publicKey(text), now + CACHE_MILLIS);
            cache.put(gateway, cached);
        }
        return Optional.ofNullable(cached.key());
    }

    /**
     * Whether the message on {@code topic} (from {@code gateway}) may be heard: signed by the
     * gateway's key for that very topic, or unsigned from a gateway with no key when unsigned
     * gateways are allowed.
     */
    Verdict check(String topic, String gateway, byte[] payload) {
        SignedEnvelope signed;
        try {
            signed = SignedEnvelope.open(payload);
        } catch (ProtocolException e) {
            return new Verdict(null, "malformed signed envelope: " + e.getMessage(), false);
        }
        Optional<PublicKey> key = of(gateway);
        if (key.isEmpty()) {
            if (!allowUnsigned) {
                return new Verdict(null, "gateway " + gateway + " has no registered key (provision it, or start the bridge"
                        + " with --allow-unsigned-gateways while it is upgraded)", signed == null);
            }
            return Verdict.accept(signed == null ? payload : signed.envelope());
        }
        if (signed == null) {
            return new Verdict(null, "unsigned, but gateway " + gateway + " has a registered key", true);
        }
        if (!signed.verifies(key.get(), topic)) {
            return new Verdict(null, "the signature does not verify with gateway " + gateway + "'s key for topic "
                    + topic, false);
        }
        return Verdict.accept(signed.envelope());
    }
}
