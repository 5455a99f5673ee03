package org.anxin.store.sqlite;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.anxin.protocol.Body;
import org.anxin.sqlite.DatabaseException;
import org.anxin.sqlite.SqliteDatabase;
import org.anxin.store.Outbox;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoreStatus;
import org.anxin.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox in one SQLite file, in WAL mode, with one connection and one writer thread; this class
 * puts its parts together behind {@link Outbox} and holds the one lock they share.
 *
 * <ul>
 *   <li>{@link SqliteDatabase} opens the file, checks it, sets a corrupt one aside and migrates it;
 *   <li>{@link OutboxTable} holds every statement and the counts kept in memory;
 *   <li>{@link GroupCommit} is the writer: group commit, {@code synchronous=FULL} for alerts;
 *   <li>{@link SequenceFile} reserves numbers in a side file, so they survive a lost file;
 *   <li>{@link CapacityCap} drops the oldest telemetry past the cap, never an alert;
 *   <li>{@link FullDisk} keeps the reserve and the full-disk mode of issue 16;
 *   <li>undecodable rows are moved to the quarantine table here, when {@link #peek} meets them.
 * </ul>
 */
public final class SqliteOutbox implements Outbox, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

    /** The reserve kept for alerts and deletes on a full disk, unless configured otherwise. */
    public static final long DEFAULT_RESERVE_BYTES = 1024 * 1024;

    static final SqliteDatabase.Schema SCHEMA = new SqliteDatabase.Schema("outbox", OutboxTable.MIGRATIONS,
            "Messages stored in it and not yet sent are lost; the bridge will report the gap.",
            FullDisk.JOURNAL_SIZE_LIMIT); // the WAL shrinks back after a burst

    private final Path file;
    private final SqliteDatabase db;
    private final OutboxTable table;
    private final CapacityCap cap;
    private final FullDisk disk;
    private final GroupCommit writer;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();

    private SqliteOutbox(Path file, Clock clock, long capacityBytes, long reserveBytes, SqliteDatabase db)
            throws SQLException {
        this.file = file;
        this.db = db;
        this.table = new OutboxTable(db);
        SequenceFile sequence = new SequenceFile(file);
        if (db.foundVersion() == 0 && sequence.reserved() > table.lastSequence()) {
            // the file is new but numbers were handed out before: continue after all of them
            LOG.warn("outbox {} is new; sequence numbers continue after {}, the last reserved by the lost store",
                    file, sequence.reserved());
            table.continueAfter(sequence.reserved());
        }
        this.cap = new CapacityCap(file, capacityBytes, table);
        try {
            this.disk = new FullDisk(file, reserveBytes, clock, table);
        } catch (IOException e) {
            throw new StoreException("cannot open outbox " + file.toAbsolutePath() + ": cannot find its file system: " + e, e);
        }
        disk.start();
        this.writer = new GroupCommit(file, clock, lock, appended, table, sequence, cap, disk);
        writer.start();
    }

    public static SqliteOutbox open(Path file, Clock clock) {
        return open(file, clock, 0);
    }

    /**
     * Opens (or creates) the outbox. A file that SQLite finds corrupt is moved aside to
     * {@code <file>.corrupt-<time>} and a fresh store is started; {@link StoreStatus#recoveredFrom()}
     * says where the old one went.
     *
     * @param capacityBytes cap on the database's size, 0 for none
     * @throws StoreException when the store cannot be opened at all (e.g. the directory is not writable)
     */
    public static SqliteOutbox open(Path file, Clock clock, long capacityBytes) {
        return open(file, clock, capacityBytes, DEFAULT_RESERVE_BYTES);
    }

    /**
     * Opens the outbox with a reserve of {@code reserveBytes} kept for alerts and deletes on a
     * full disk (0 for none, as before there was one).
     */
    public static SqliteOutbox open(Path file, Clock clock, long capacityBytes, long reserveBytes) {
        try {
            // the counts are read inside the helper's rescue: a corrupt file found there is set aside too
            return SqliteDatabase.open(file, clock, SCHEMA, db -> new SqliteOutbox(file, clock, capacityBytes, reserveBytes, db));
        } catch (DatabaseException e) {
            throw new StoreException(e.getMessage(), e.getCause());
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public StoredMessage append(Body body) {
        CompletableFuture<StoredMessage> done = submit(body);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    // the message is in the writer's hands: wait for its outcome, then restore the flag
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof StoreException se ? se
                            : new StoreException("cannot store message in " + file + ": " + e.getCause(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public CompletableFuture<StoredMessage> submit(Body body) {
        return writer.submit(body);
    }

    /** Caps the file at {@code pages} pages, as a full disk would; for tests of the full-disk path. */
    void limitPages(long pages) {
        lock.lock();
        try {
            table.limitPages(pages);
        } catch (SQLException e) {
            throw new StoreException("cannot limit " + file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StoredMessage> peek(int max, Collection<Long> exclude) {
        Set<Long> skip = exclude instanceof Set<Long> s ? s : new HashSet<>(exclude);
        lock.lock();
        try {
            OutboxTable.Peeked peeked = table.peek(max, skip);
            for (long seq : peeked.unreadable()) {
                table.copyToQuarantine(seq, "undecodable");
                remove(List.of(seq));
            }
            return peeked.messages();
        } catch (SQLException e) {
            throw new StoreException("cannot read outbox " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            try {
                table.delete(seqs);
            } catch (SQLException e) {
                if (!FullDisk.isFull(e)) {
                    throw e;
                }
                disk.refused();
                disk.enter("deleting " + seqs.size() + " sent message(s) was refused: " + e.getMessage());
                table.delete(seqs);
            }
            disk.keepWalShort(); // on a full disk the WAL's room goes back to the file system
        } catch (SQLException e) {
            boolean full = FullDisk.isFull(e);
            if (full) {
                disk.refused();
            }
            throw new StoreException((full ? "disk full: " : "") + "cannot remove sent messages from " + file
                    + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitMessages(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (table.queued() == 0 && nanos > 0) {
                nanos = appended.awaitNanos(nanos);
            }
            return table.queued() > 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size() {
        lock.lock();
        try {
            return table.queued();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long lastSequence() {
        lock.lock();
        try {
            return table.lastSequence();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public StoreStatus status() {
        lock.lock();
        try {
            Path recovered = db.recoveredFrom();
            return new StoreStatus(table.queued(), table.queued(Priority.LIFE_SAFETY) + table.queued(Priority.ALERT),
                    table.usedBytes(), cap.capacityBytes(), table.evicted(), disk.errors(), writer.writeFailures(),
                    table.quarantined(), recovered == null ? null : recovered.toString(), disk.active(),
                    disk.freeBytes(), disk.reserveBytes(), disk.reserveHeld(), writer.refusedTelemetry());
        } catch (SQLException e) {
            throw new StoreException("cannot read the state of outbox " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Commits what was queued, stops the writer and closes the file. */
    @Override
    public void close() {
        writer.close();
        lock.lock();
        try {
            db.close();
        } catch (SQLException e) {
            LOG.warn("closing outbox {}: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
