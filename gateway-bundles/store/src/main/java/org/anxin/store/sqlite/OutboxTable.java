package org.anxin.store.sqlite;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.ProtocolException;
import org.anxin.sqlite.SqliteDatabase;
import org.anxin.store.Priority;
import org.anxin.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every statement on the outbox's tables, and the counts they keep in memory (messages queued by
 * priority, the last number, rows evicted and quarantined), so a heartbeat never scans the table.
 * The caller holds the outbox's lock.
 */
final class OutboxTable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxTable.class);

    static final List<String> MIGRATIONS = List.of(
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

    /** A row read for sending: the message, or the number of a row that could not be decoded. */
    record Peeked(List<StoredMessage> messages, List<Long> unreadable) {
    }

    private final SqliteDatabase db;
    private final Connection connection;
    private final long[] queuedByPriority = new long[Priority.values().length];
    private final int pageSize;
    private long lastSequence;
    private long evicted;
    private long quarantined;

    OutboxTable(SqliteDatabase db) throws SQLException {
        this.db = db;
        this.connection = db.connection();
        this.pageSize = (int) db.queryLong("PRAGMA page_size");
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT priority, count(*) FROM outbox GROUP BY priority")) {
            while (rs.next()) {
                queuedByPriority[rs.getInt(1)] = rs.getLong(2);
            }
        }
        this.lastSequence = db.queryLong("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
    }

    /** Makes the next number {@code seq + 1}, for a new file that must continue after a lost one. */
    void continueAfter(long seq) throws SQLException {
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', " + seq + ")");
        lastSequence = seq;
    }

    /** Stores {@code batch} in one transaction, with {@code synchronous=FULL} when {@code durable}. */
    List<StoredMessage> insert(List<Pending> batch, boolean durable) throws SQLException {
        if (durable) {
            db.execute("PRAGMA synchronous = FULL");
        }
        List<StoredMessage> stored;
        try {
            stored = db.transaction(() -> {
                List<StoredMessage> rows = new ArrayList<>(batch.size());
                try (PreparedStatement st = connection.prepareStatement(
                        "INSERT INTO outbox (priority, created, body) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                    for (Pending p : batch) {
                        st.setInt(1, p.priority().ordinal());
                        st.setLong(2, p.created().toEpochMilli());
                        st.setString(3, p.json());
                        st.executeUpdate();
                        try (ResultSet keys = st.getGeneratedKeys()) {
                            keys.next();
                            rows.add(new StoredMessage(keys.getLong(1), p.priority(), p.created(), p.body()));
                        }
                    }
                }
                return rows;
            });
        } finally {
            if (durable) {
                db.execute("PRAGMA synchronous = NORMAL");
            }
        }
        for (StoredMessage m : stored) {
            queuedByPriority[m.priority().ordinal()]++;
        }
        lastSequence = stored.get(stored.size() - 1).seq();
        return stored;
    }

    /** Deletes sent messages in one transaction. */
    void delete(Collection<Long> seqs) throws SQLException {
        List<Integer> removed = db.transaction(() -> {
            List<Integer> priorities = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM outbox WHERE seq = ? RETURNING priority")) {
                for (long seq : seqs) {
                    st.setLong(1, seq);
                    try (ResultSet rs = st.executeQuery()) {
                        if (rs.next()) {
                            priorities.add(rs.getInt(1));
                        }
                    }
                }
            }
            return priorities;
        });
        for (int priority : removed) {
            queuedByPriority[priority]--;
        }
    }

    /**
     * The next {@code max} messages in priority then sequence order, skipping {@code skip}. The
     * skipped rows are left out here rather than in SQL: an inflight window of hundreds would
     * otherwise make one huge NOT IN list per call.
     */
    Peeked peek(int max, Set<Long> skip) throws SQLException {
        List<StoredMessage> messages = new ArrayList<>();
        List<Long> unreadable = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT seq, priority, created, body FROM outbox ORDER BY priority, seq LIMIT ?")) {
            st.setInt(1, max + skip.size());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next() && messages.size() < max) {
                    long seq = rs.getLong(1);
                    if (skip.contains(seq)) {
                        continue;
                    }
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
        }
        return new Peeked(messages, unreadable);
    }

    /** Copies a row to the quarantine table, where it is kept and never sent; the caller deletes it. */
    void copyToQuarantine(long seq, String problem) throws SQLException {
        try (PreparedStatement copy = connection.prepareStatement(
                "INSERT OR REPLACE INTO quarantine (seq, created, body, problem) SELECT seq, created, body, ? FROM outbox WHERE seq = ?")) {
            copy.setString(1, problem);
            copy.setLong(2, seq);
            copy.executeUpdate();
        }
        quarantined++;
    }

    /** Deletes the {@code count} oldest readings; returns how many there were. */
    long evictOldestTelemetry(long count) throws SQLException {
        int removed;
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM outbox WHERE seq IN"
                + " (SELECT seq FROM outbox WHERE priority = ? ORDER BY seq LIMIT ?)")) {
            st.setInt(1, Priority.TELEMETRY.ordinal());
            st.setLong(2, count);
            removed = st.executeUpdate();
        }
        queuedByPriority[Priority.TELEMETRY.ordinal()] -= removed;
        evicted += removed;
        return removed;
    }

    /** The database's pages in use, in bytes. */
    long usedBytes() throws SQLException {
        return (db.queryLong("PRAGMA page_count") - db.queryLong("PRAGMA freelist_count")) * pageSize;
    }

    /** Checkpoints the WAL into the database and truncates it, giving its room back to the file system. */
    void checkpoint() throws SQLException {
        db.queryLong("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    void limitPages(long pages) throws SQLException {
        db.queryLong("PRAGMA max_page_count = " + pages);
    }

    long queued() {
        long n = 0;
        for (long q : queuedByPriority) {
            n += q;
        }
        return n;
    }

    long queued(Priority priority) {
        return queuedByPriority[priority.ordinal()];
    }

    long lastSequence() {
        return lastSequence;
    }

    long evicted() {
        return evicted;
    }

    long quarantined() {
        return quarantined;
    }
}
