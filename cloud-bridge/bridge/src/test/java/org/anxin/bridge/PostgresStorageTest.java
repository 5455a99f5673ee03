package org.anxin.bridge;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterEach;

/**
 * The storage contract on PostgreSQL, each test in a schema of its own. The server comes from the
 * system property {@code anxin.test.postgres}; {@code -Danxin.test.postgres=none} skips these.
 */
class PostgresStorageTest extends StorageContract {

    private static final String SERVER =
            System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private String schema;

    @Override
    BridgeOptions.Builder freshDatabase() throws Exception {
        assumeFalse(SERVER.equals("none"), "PostgreSQL tests switched off");
        schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return BridgeOptions.builder().allowUnsignedGateways(true).jdbcUrl(url());
    }

    @Override
    BridgeOptions reopenOptions() {
        return BridgeOptions.builder().allowUnsignedGateways(true).jdbcUrl(url()).build();
    }

    private String url() {
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
