package org.anxin.bridge;

import java.security.PublicKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.time.Clock;
import java.util.Map;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.Signatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a new gateway with its home and tells the installer what the gateway needs to trust
 * and reach the bridge: the bridge's public signing key and the broker's address. Registers the
 * gateway's own public key, with which the bridge verifies everything the gateway sends.
 */
final class Provisioning {

    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);

    private final Database db;
    private final SigningKey key;
    private final String brokerUrl;
    private final GatewayKeys keys;
    private final Clock clock;

    /** @param brokerUrl the broker as gateways reach it, without credentials */
    Provisioning(Database db, SigningKey key, String brokerUrl, GatewayKeys keys, Clock clock) {
        this.db = db;
        this.key = key;
        this.brokerUrl = brokerUrl;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Registers the gateway with the home, and its own public key when given (replacing the one it
     * had: a gateway re-provisioned with a new key is heard only through the new one); idempotent
     * for the same home.
     *
     * @param gatewayKey the gateway's Base64 X.509 Ed25519 public key; {@code null} to keep the
     *     registered one (or none, for a gateway that does not sign yet)
     * @throws ApiException 400 for a malformed key, 404 for an unknown home, 409 when the gateway belongs to another home
     */
    Map<String, Object> provision(String gateway, String home, String operator, String gatewayKey) {
        RemoteConfig.requireGateway(gateway);
        if (home == null || home.isBlank()) {
            throw ApiException.badRequest("home is required: the id of an existing home");
        }
        PublicKey publicKey;
        try {
            publicKey = gatewayKey == null ? null : Signatures.publicKey(gatewayKey);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("gatewayKey is " + e.getMessage());
        }
        boolean added = db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM homes WHERE id = ?")) {
                ps.setString(1, home);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("no home '" + home + "'; create it first (PUT /api/homes/{id})");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT home_id FROM home_gateways WHERE gateway = ?"
                    + db.forUpdate())) {
                ps.setString(1, gateway);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String other = rs.getString(1);
                        if (!other.equals(home)) {
                            throw ApiException.conflict("gateway " + gateway + " belongs to home '" + other
                                    + "'; remove it there first");
                        }
                        registerKey(c, gateway, publicKey, operator);
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO home_gateways (gateway, home_id) VALUES (?, ?)")) {
                ps.setString(1, gateway);
                ps.setString(2, home);
                ps.executeUpdate();
            }
            registerKey(c, gateway, publicKey, operator);
            return true;
        });
        if (added) {
            log.info("operator {} provisioned gateway {} for home {}", operator, gateway, home);
        }
        if (publicKey != null) {
            log.info("operator {} registered the signing key of gateway {}: {}", operator, gateway,
                    Signatures.encode(publicKey));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateway", gateway);
        out.put("home", home);
        out.put("bridgeKey", key.publicKeyBase64());
        out.put("brokerUrl", brokerUrl);
        out.put("gatewayKeyRegistered", publicKey != null || keys.of(gateway).isPresent());
        return out;
    }

    private void registerKey(java.sql.Connection c, String gateway, PublicKey publicKey, String operator)
            throws java.sql.SQLException {
        if (publicKey != null) {
            keys.register(c, gateway, publicKey, operator, clock.millis());
        }
    }
}
