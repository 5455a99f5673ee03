package org.anxin.bridge;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a new gateway with its home and tells the installer what the gateway needs to trust
 * and reach the bridge: the bridge's public signing key and the broker's address.
 */
final class Provisioning {

    private static final Logger log = LoggerFactory.getLogger(Provisioning.class);

    private final Database db;
    private final SigningKey key;
    private final String brokerUrl;

    /** @param brokerUrl the broker as gateways reach it, without credentials */
    Provisioning(Database db, SigningKey key, String brokerUrl) {
        this.db = db;
        this.key = key;
        this.brokerUrl = brokerUrl;
    }

    /**
     * Registers the gateway with the home; idempotent for the same home.
     *
     * @throws ApiException 404 for an unknown home, 409 when the gateway belongs to another home
     */
    Map<String, Object> provision(String gateway, String home, String operator) {
        RemoteConfig.requireGateway(gateway);
        if (home == null || home.isBlank()) {
            throw ApiException.badRequest("home is required: the id of an existing home");
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
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO home_gateways (gateway, home_id) VALUES (?, ?)")) {
                ps.setString(1, gateway);
                ps.setString(2, home);
                ps.executeUpdate();
            }
            return true;
        });
        if (added) {
            log.info("operator {} provisioned gateway {} for home {}", operator, gateway, home);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateway", gateway);
        out.put("home", home);
        out.put("bridgeKey", key.publicKeyBase64());
        out.put("brokerUrl", brokerUrl);
        return out;
    }
}
