package org.anxin.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * One SQLite file with one connection, in WAL mode with {@code synchronous=NORMAL}.
 *
 * <p>At open, {@code PRAGMA quick_check} must say {@code ok} and the migrations must apply. If
 * SQLite finds the file corrupt ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB} or a failed check),
 * the file and its {@code -wal} and {@code -shm} are moved to {@code <file>.corrupt-<UTC time>},
 * an error names both paths and what is lost, and a fresh file is started; {@link #recoveredFrom()}
 * names the kept copy. Any other failure (a directory that is not writable) is a
 * {@link DatabaseException}, never a reset: only a file SQLite cannot read is worth giving up.
 *
 * <p>Not thread-safe: the owner serialises its use of the connection.
 */
public final class SqliteDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * What a file holds and how it is kept.
     *
     * @param name what the file is, for messages ("outbox", "routine store")
     * @param migrations each entry moves the schema one version forward (statements separated by
     *        {@code ;}); the file records how many it has had in {@code user_version}
     * @param loss what a corrupt file costs, said in the error when it is set aside
     * @param journalSizeLimit bytes the WAL is cut back to after a checkpoint; 0 for SQLite's default
     */
    public record Schema(String name, List<String> migrations, String loss, long journalSizeLimit) {
        public Schema {
            Objects.requireNonNull(name, "name");
            migrations = List.copyOf(migrations);
            Objects.requireNonNull(loss, "loss");
        }
    }

    /** Work on the connection that may fail with a {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run() throws SQLException;
    }

    private final Path file;
    private final Schema schema;
    private final Connection connection;
    private final int foundVersion;
    private final Path recoveredFrom;

    private SqliteDatabase(Path file, Schema schema, Connection connection, Path recoveredFrom) throws SQLException {
        this.file = file;
        this.schema = schema;
        this.connection = connection;
        this.recoveredFrom = recoveredFrom;
        checkIntegrity();
        this.foundVersion = (int) queryLong("PRAGMA user_version");
        migrate();
    }

    /**
     * Opens (or creates) {@code file}, setting a corrupt one aside; {@code clock} dates the kept copy.
     *
     * @throws DatabaseException when the file cannot be opened, or a corrupt one cannot be set aside
     *         or started afresh
     */
    public static SqliteDatabase open(Path file, Clock clock, Schema schema) {
        return open(file, clock, schema, db -> db);
    }

    /**
     * As {@link #open(Path, Clock, Schema)}, and then {@code start}, what the owner reads before it
     * trusts the file (its counts, its state), inside the same rescue: a file the quick check
     * passed but SQLite finds corrupt while {@code start} reads it is set aside as well. When
     * {@code start} fails otherwise, the database is closed and the failure passed on.
     */
    public static <T> T open(Path file, Clock clock, Schema schema, Start<T> start) {
        Path absolute = file.toAbsolutePath();
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new DatabaseException("cannot create the directory of " + schema.name() + " " + absolute + ": " + e, e);
        }
        try {
            return attempt(file, schema, null, start);
        } catch (SQLException e) {
            if (!isCorruption(e)) {
                throw new DatabaseException("cannot open " + schema.name() + " " + absolute + ": " + e.getMessage(), e);
            }
            Path kept = keepAside(file, clock, schema, e);
            try {
                return attempt(file, schema, kept, start);
            } catch (SQLException again) {
                throw new DatabaseException("cannot start a fresh " + schema.name() + " " + absolute + ": "
                        + again.getMessage(), again);
            }
        }
    }

    /** What the owner of a file does with it at open, before it is trusted. */
    @FunctionalInterface
    public interface Start<T> {
        T run(SqliteDatabase db) throws SQLException;
    }

    private static <T> T attempt(Path file, Schema schema, Path recoveredFrom, Start<T> start) throws SQLException {
        Connection connection = null;
        try {
            connection = connect(file, schema);
            return start.run(new SqliteDatabase(file, schema, connection, recoveredFrom));
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static Connection connect(Path file, Schema schema) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        if (schema.journalSizeLimit() > 0) {
            config.setJournalSizeLimit((int) schema.journalSizeLimit());
        }
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Throws a corruption error unless SQLite's quick check passes: before anything in the file is trusted. */
    private void checkIntegrity() throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check(5)")) {
            while (rs.next()) {
                problems.add(rs.getString(1));
            }
        }
        if (!(problems.size() == 1 && "ok".equals(problems.get(0)))) {
            throw new SQLiteException("quick_check: " + String.join("; ", problems), SQLiteErrorCode.SQLITE_CORRUPT);
        }
    }

    /** Whether SQLite said the file is not a sound database, as opposed to any other failure. */
    public static boolean isCorruption(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s) {
                int primary = s.getResultCode().code & 0xff;
                if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Moves a corrupt file, with its WAL and shared-memory files, where a person can inspect it. */
    private static Path keepAside(Path file, Clock clock, Schema schema, SQLException cause) {
        String stamp = STAMP.format(clock.instant());
        Path kept = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp);
        for (int n = 1; Files.exists(kept); n++) {
            kept = file.resolveSibling(file.getFileName() + ".corrupt-" + stamp + "-" + n);
        }
        try {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Path from = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(from)) {
                    Files.move(from, kept.resolveSibling(kept.getFileName() + suffix));
                }
            }
        } catch (IOException e) {
            throw new DatabaseException(schema.name() + " " + file.toAbsolutePath() + " is corrupt (" + cause.getMessage()
                    + ") and cannot be moved aside: " + e, e);
        }
        LOG.error("{} {} is corrupt ({}); kept it as {} for inspection and started a fresh one. {}",
                schema.name(), file.toAbsolutePath(), cause.getMessage(), kept.toAbsolutePath(), schema.loss());
        return kept;
    }

    private void migrate() throws SQLException {
        List<String> migrations = schema.migrations();
        for (int v = foundVersion; v < migrations.size(); v++) {
            int next = v + 1;
            String migration = migrations.get(v);
            transaction(() -> {
                try (Statement st = connection.createStatement()) {
                    for (String sql : migration.split(";")) {
                        if (!sql.isBlank()) {
                            st.execute(sql);
                        }
                    }
                    st.execute("PRAGMA user_version = " + next);
                }
                return null;
            });
            LOG.info("{} {} migrated to schema {}", schema.name(), file, next);
        }
    }

    /**
     * Runs {@code work} in one transaction: all of it is committed, or none. A failed rollback or
     * return to autocommit is not reported: SQLite may have rolled back by itself (it does on
     * {@code SQLITE_FULL}), and that must not hide the failure that matters.
     */
    public <T> T transaction(SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // nothing more to undo
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the transaction is gone either way
            }
        }
    }

    /** The first column of the first row of {@code sql}, 0 when there is none. */
    public long queryLong(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    public void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    public Connection connection() {
        return connection;
    }

    public Path file() {
        return file;
    }

    /** The schema version the file had when it was opened: 0 for a new (or fresh) file. */
    public int foundVersion() {
        return foundVersion;
    }

    /** Where a corrupt file found at open was kept; {@code null} if none was. */
    public Path recoveredFrom() {
        return recoveredFrom;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it is being thrown away
            }
        }
    }
}
