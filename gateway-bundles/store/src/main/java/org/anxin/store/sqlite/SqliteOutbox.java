package org.anxin.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.ProtocolException;
import org.anxin.store.Outbox;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The outbox in one SQLite file, in WAL mode, with one connection: SQLite has one writer anyway,
 * and one connection keeps the sequence and the ordering simple.
 */
public final class SqliteOutbox implements Outbox, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

    /** Each entry moves the schema one version forward; the file records its version in user_version. */
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                priority INTEGER NOT NULL,
                created INTEGER NOT NULL,
                body TEXT NOT NULL);
            CREATE INDEX outbox_order ON outbox (priority, seq);
            CREATE TABLE quarantine (
                seq INTEGER PRIMARY KEY,
                created INTEGER NOT NULL,
                body TEXT NOT NULL,
                problem TEXT NOT NULL);
            """);

    private final Path file;
    private final Clock clock;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private long size;
    private long lastSequence;

    private SqliteOutbox(Path file, Clock clock, Connection connection) throws SQLException {
        this.file = file;
        this.clock = clock;
        this.connection = connection;
        migrate();
        this.size = queryLong("SELECT count(*) FROM outbox");
        this.lastSequence = queryLong("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
    }

    public static SqliteOutbox open(Path file, Clock clock) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(5000);
            Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            return new SqliteOutbox(file, clock, connection);
        } catch (Exception e) {
            throw new StoreException("cannot open outbox " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    private void migrate() throws SQLException {
        int version = (int) queryLong("PRAGMA user_version");
        for (int v = version; v < MIGRATIONS.size(); v++) {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                for (String sql : MIGRATIONS.get(v).split(";")) {
                    if (!sql.isBlank()) {
                        st.execute(sql);
                    }
                }
                st.execute("PRAGMA user_version = " + (v + 1));
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            LOG.info("outbox {} migrated to schema {}", file, v + 1);
        }
    }

    @Override
    public StoredMessage append(Body body) {
        Priority priority = Priority.of(body);
        Instant created = clock.instant();
        String json = new String(MessageCodec.encode(body), StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (priority.isAlert()) {
                execute("PRAGMA synchronous = FULL");
            }
            long seq;
            try (PreparedStatement st = connection.prepareStatement(
                    "INSERT INTO outbox (priority, created, body) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                st.setInt(1, priority.ordinal());
                st.setLong(2, created.toEpochMilli());
                st.setString(3, json);
                st.executeUpdate();
                try (ResultSet keys = st.getGeneratedKeys()) {
                    keys.next();
                    seq = keys.getLong(1);
                }
            } finally {
                if (priority.isAlert()) {
                    execute("PRAGMA synchronous = NORMAL");
                }
            }
            size++;
            lastSequence = seq;
            appended.signalAll();
            return new StoredMessage(seq, priority, created, body);
        } catch (SQLException e) {
            throw new StoreException("cannot store " + priority + " message in " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StoredMessage> peek(int max, Collection<Long> exclude) {
        StringBuilder sql = new StringBuilder("SELECT seq, priority, created, body FROM outbox");
        if (!exclude.isEmpty()) {
            sql.append(" WHERE seq NOT IN (").append("?,".repeat(exclude.size() - 1)).append("?)");
        }
        sql.append(" ORDER BY priority, seq LIMIT ?");
        lock.lock();
        try (PreparedStatement st = connection.prepareStatement(sql.toString())) {
            int i = 1;
            for (long seq : exclude) {
                st.setLong(i++, seq);
            }
            st.setInt(i, max);
            List<StoredMessage> messages = new ArrayList<>();
            List<Long> unreadable = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    try {
                        Body body = MessageCodec.decodeBody(rs.getString(4).getBytes(StandardCharsets.UTF_8));
                        messages.add(new StoredMessage(seq, Priority.values()[rs.getInt(2)],
                                Instant.ofEpochMilli(rs.getLong(3)), body));
                    } catch (ProtocolException | RuntimeException e) {
                        unreadable.add(seq);
                        LOG.error("outbox row {} cannot be decoded, moved to quarantine: {}", seq, e.getMessage());
                    }
                }
            }
            for (long seq : unreadable) {
                quarantine(seq, "undecodable");
            }
            return messages;
        } catch (SQLException e) {
            throw new StoreException("cannot read outbox " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void quarantine(long seq, String problem) throws SQLException {
        try (PreparedStatement copy = connection.prepareStatement(
                "INSERT OR REPLACE INTO quarantine (seq, created, body, problem) SELECT seq, created, body, ? FROM outbox WHERE seq = ?")) {
            copy.setString(1, problem);
            copy.setLong(2, seq);
            copy.executeUpdate();
        }
        remove(List.of(seq));
    }

    @Override
    public void remove(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        lock.lock();
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM outbox WHERE seq = ?")) {
            connection.setAutoCommit(false);
            for (long seq : seqs) {
                st.setLong(1, seq);
                st.addBatch();
            }
            int removed = 0;
            for (int n : st.executeBatch()) {
                removed += Math.max(n, 0);
            }
            connection.commit();
            size -= removed;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new StoreException("cannot remove sent messages from " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the next call reports it
            }
            lock.unlock();
        }
    }

    @Override
    public boolean awaitMessages(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (size == 0 && nanos > 0) {
                nanos = appended.awaitNanos(nanos);
            }
            return size > 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lastSequence() {
        lock.lock();
        try {
            return lastSequence;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing outbox {}: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private long queryLong(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // nothing more to undo
        }
    }
}
