package org.anxin.bridge.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.core.Redaction;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool, with the schema migrated to the latest version on open. */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final boolean postgres;

    private Database(HikariDataSource pool, boolean postgres) {
        this.pool = pool;
        this.postgres = postgres;
    }

    boolean isPostgres() {
        return postgres;
    }

    /**
     * The row-locking suffix of a SELECT that claims work: on PostgreSQL, rows another instance has
     * claimed are skipped rather than waited for; SQLite has one writer at a time (IMMEDIATE
     * transactions), so there is nobody to skip.
     */
    public String forUpdateSkipLocked() {
        return postgres ? " FOR UPDATE SKIP LOCKED" : "";
    }

    /** The row-locking suffix of a SELECT whose row is about to be changed. */
    public String forUpdate() {
        return postgres ? " FOR UPDATE" : "";
    }

    /** @throws IllegalStateException naming the (redacted) database when it cannot be opened or migrated */
    public static Database open(BridgeOptions options) {
        String shownUrl = Redaction.jdbcUrl(options.jdbcUrl());
        HikariConfig config = new HikariConfig();
        config.setPoolName(NamedThreads.PREFIX + "db");
        config.setJdbcUrl(options.jdbcUrl());
        options.jdbcUser().ifPresent(config::setUsername);
        options.jdbcPassword().ifPresent(config::setPassword);
        if (options.isPostgres()) {
            config.setMaximumPoolSize(8);
        } else {
            // SQLite has one writer at a time; WAL lets the API read while ingest writes, the busy
            // timeout makes a second writer (the notifier) wait instead of failing, and IMMEDIATE
            // transactions take the write lock up front so they never fail half way on an upgrade.
            config.setMaximumPoolSize(3);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open database " + shownUrl + ": " + rootMessage(e), e);
        }
        try {
            var result = Flyway.configure()
                    .dataSource(pool)
                    .loggers("slf4j")
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            log.info("database {} at schema version {}", shownUrl,
                    result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("cannot migrate database " + shownUrl + ": " + rootMessage(e), e);
        }
        return new Database(pool, options.isPostgres());
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    /** Runs {@code work} on a connection in auto-commit mode. */
    public <T> T withConnection(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException(e);
        }
    }

    public boolean isReachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    public static void setNullableLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    public static void setNullableText(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** The database refused or failed a statement. */
    public static final class StorageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StorageException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
