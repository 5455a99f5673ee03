package org.anxin.bridge.store;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import org.anxin.bridge.core.BridgeOptions;

/**
 * A fresh, empty database for a contract test: a SQLite file, or a PostgreSQL schema of its own
 * that {@link #close()} drops. The PostgreSQL server comes from the system property
 * {@code anxin.test.postgres}; {@code -Danxin.test.postgres=none} skips the tests that want it.
 */
public abstract class TestDatabase implements AutoCloseable {

    private static final String SERVER =
            System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    /** Options naming this database; every call names the same one. */
    public BridgeOptions.Builder options() {
        return BridgeOptions.builder().allowUnsignedGateways(true).jdbcUrl(url());
    }

    /** This database, opened and migrated; opened again, the same data. */
    public Database open() {
        return Database.open(options().build());
    }

    abstract String url();

    @Override
    public void close() throws Exception {
    }

    public static TestDatabase sqlite(Path dir) {
        return new TestDatabase() {
            @Override
            String url() {
                return "jdbc:sqlite:" + dir.resolve("bridge.db");
            }
        };
    }

    public static TestDatabase postgres() throws Exception {
        assumeFalse(SERVER.equals("none"), "PostgreSQL tests switched off");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return new TestDatabase() {
            @Override
            String url() {
                return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            }

            @Override
            public void close() throws Exception {
                try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        };
    }
}
