package org.anxin.store.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's one writer thread. Producers queue messages; the writer takes everything waiting (up
 * to {@link #MAX_BATCH}) and commits it in one transaction, so many readings cost one commit. A
 * batch that holds an alert is committed with {@code synchronous=FULL}: an alert is on disk before
 * anyone is told it was accepted. Numbers are reserved in the {@link SequenceFile} before they are
 * used. On a full disk the writer releases the reserve ({@link FullDisk}), refuses the readings and
 * tries the alerts again, then drops old telemetry and tries once more.
 */
final class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** Most messages in one group commit. */
    static final int MAX_BATCH = 2000;
    /** Messages waiting for the writer, at most; a producer beyond that waits (back-pressure). */
    private static final int QUEUE_CAPACITY = 20_000;

    private final Path file;
    private final Clock clock;
    private final ReentrantLock lock;
    private final Condition appended;
    private final OutboxTable table;
    private final SequenceFile sequence;
    private final CapacityCap cap;
    private final FullDisk disk;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    private volatile boolean running = true;
    private long writeFailures;
    private long refusedTelemetry;

    GroupCommit(Path file, Clock clock, ReentrantLock lock, Condition appended, OutboxTable table,
                SequenceFile sequence, CapacityCap cap, FullDisk disk) {
        this.file = file;
        this.clock = clock;
        this.lock = lock;
        this.appended = appended;
        this.table = table;
        this.sequence = sequence;
        this.cap = cap;
        this.disk = disk;
        this.writer = new Thread(this::writeLoop, "anxin-outbox-writer");
        writer.setDaemon(true);
    }

    void start() {
        writer.start();
    }

    /** Queues a message for the next commit; the future completes when it is committed, or fails. */
    CompletableFuture<StoredMessage> submit(Body body) {
        Priority priority = Priority.of(body);
        String json = new String(MessageCodec.encode(body), StandardCharsets.UTF_8);
        CompletableFuture<StoredMessage> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(closed());
            return done;
        }
        Pending pending = new Pending(priority, clock.instant(), body, json, done);
        try {
            while (!queue.offer(pending, 100, TimeUnit.MILLISECONDS)) {
                if (!running) {
                    done.completeExceptionally(closed());
                    return done;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(new StoreException("interrupted while queueing a message for " + file, e));
        }
        return done;
    }

    /** Commits what was queued and stops the writer. */
    void close() {
        // no interrupt: it would close the side file's channel in the middle of a write
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Messages that could not be stored for any reason, since start. Under the outbox's lock. */
    long writeFailures() {
        return writeFailures;
    }

    /** Readings refused because the disk was full, since start (also in {@link #writeFailures()}). */
    long refusedTelemetry() {
        return refusedTelemetry;
    }

    private StoreException closed() {
        return new StoreException("outbox " + file + " is closed", null);
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    commit(batch);
                }
                storeDiskFullAlert();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error("outbox writer error", e);
                Pending.fail(batch, new StoreException("cannot store message in " + file + ": " + e, e));
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        Pending.fail(left, closed());
    }

    /**
     * Stores one batch in one transaction. On a full disk it releases the reserve and tries the
     * alerts of the batch again, then drops old telemetry and tries once more; readings are refused
     * while the disk is full.
     */
    private void commit(List<Pending> batch) {
        lock.lock();
        try {
            List<Pending> keep = disk.active() ? refuseTelemetry(batch) : batch;
            if (keep.isEmpty()) {
                return;
            }
            List<StoredMessage> stored;
            try {
                stored = insert(keep);
            } catch (SQLException | IOException e) {
                if (!FullDisk.isFull(e)) {
                    throw e;
                }
                disk.refused();
                disk.enter("a commit of " + keep.size() + " message(s) was refused: " + e.getMessage());
                keep = refuseTelemetry(keep);
                if (keep.isEmpty()) {
                    return;
                }
                try {
                    stored = insert(keep);
                } catch (SQLException | IOException again) {
                    if (!FullDisk.isFull(again)) {
                        throw again;
                    }
                    disk.refused();
                    long freed = evictOldestTelemetryQuietly(Math.max(keep.size(), 1000));
                    LOG.error("outbox {}: disk full even with the reserve released; dropped the {} oldest readings to make room",
                            file, freed);
                    stored = insert(keep);
                }
            }
            appended.signalAll();
            for (int i = 0; i < keep.size(); i++) {
                keep.get(i).done().complete(stored.get(i));
            }
            try {
                cap.enforce();
            } catch (SQLException e) {
                // what was committed stays accepted; the cap is enforced again after the next commit
                LOG.warn("outbox {}: cannot enforce the cap: {}", file, e.getMessage());
            }
            disk.keepWalShort();
        } catch (SQLException | IOException e) {
            boolean full = FullDisk.isFull(e);
            if (full) {
                disk.refused();
            }
            List<Pending> open = batch.stream().filter(p -> !p.done().isDone()).toList();
            writeFailures += open.size();
            LOG.error("outbox {}: {} message(s) not stored{}: {}", file, open.size(), full ? " (disk full)" : "", e.getMessage());
            Pending.fail(open, new StoreException((full ? "disk full: " : "") + "cannot store " + open.size()
                    + " message(s) in " + file + ": " + e.getMessage(), e));
        } finally {
            lock.unlock();
        }
    }

    /** Fails the readings of {@code batch} as refused for a full disk; returns the rest. */
    private List<Pending> refuseTelemetry(List<Pending> batch) {
        List<Pending> keep = new ArrayList<>(batch.size());
        List<Pending> refused = new ArrayList<>();
        for (Pending p : batch) {
            (p.priority() == Priority.TELEMETRY ? refused : keep).add(p);
        }
        if (!refused.isEmpty()) {
            refusedTelemetry += refused.size();
            writeFailures += refused.size();
            Pending.fail(refused, new StoreException("disk full: " + refused.size() + " reading(s) refused by " + file
                    + " (alerts are still stored, out of the reserve)", null));
        }
        return keep;
    }

    /** Stores the DISK_FULL raise or clear that waits, if any; between batches. */
    private void storeDiskFullAlert() {
        if (!disk.mayBeDue()) {
            return;
        }
        lock.lock();
        try {
            Alert due = disk.due();
            if (due == null) {
                return;
            }
            Pending p = new Pending(Priority.of(due), clock.instant(), due,
                    new String(MessageCodec.encode(due), StandardCharsets.UTF_8), new CompletableFuture<>());
            try {
                insert(List.of(p));
            } catch (SQLException | IOException e) {
                if (FullDisk.isFull(e)) {
                    disk.refused();
                }
                LOG.debug("outbox {}: {} {} not stored yet: {}", file, due.type(), due.state(), e.getMessage());
                return;
            }
            disk.stored(due);
            disk.keepWalShort();
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<StoredMessage> insert(List<Pending> batch) throws SQLException, IOException {
        sequence.reserve(table.lastSequence() + batch.size());
        return table.insert(batch, batch.stream().anyMatch(p -> p.priority().isAlert()));
    }

    private long evictOldestTelemetryQuietly(long count) {
        try {
            return table.evictOldestTelemetry(count);
        } catch (SQLException e) {
            LOG.debug("outbox {}: cannot drop old readings: {}", file, e.getMessage());
            return 0;
        }
    }
}
