package org.anxin.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.ProtocolException;
import org.anxin.store.Outbox;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoreStatus;
import org.anxin.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The outbox in one SQLite file, in WAL mode, with one connection and one writer thread.
 *
 * <p>Appends go through a queue to the writer, which commits everything waiting in one transaction
 * (group commit): many readings cost one commit. A batch that holds an alert is committed with
 * {@code synchronous=FULL}, so an alert is on disk before anyone is told it was accepted;
 * telemetry-only batches use {@code NORMAL}, which in WAL mode survives a process crash (kill -9)
 * and loses at most the last batches, never the file, on a power cut.
 *
 * <p>The file is kept under a cap on its size: past it, the oldest telemetry is dropped, counted and
 * logged; alerts are never dropped. A full disk fails the messages of that commit with a
 * {@link StoreException} and is counted; the writer carries on. A corrupt file found at open is
 * kept aside for inspection and a fresh store is started.
 *
 * <p>A full disk does not cost alerts: a reserve file ({@code <file>.reserve}, {@code reserveBytes}
 * of real blocks) is kept beside the database. The first write refused with {@code SQLITE_FULL}
 * deletes it and checkpoints the WAL into the database, which gives SQLite room again; from then
 * on the store is in full-disk mode: readings are refused (a {@link StoreException}, counted),
 * alerts and the uplink's deletes are committed out of the freed room, the WAL is truncated after
 * each write, and a {@code DISK_FULL} maintenance alert is stored. When the file system again has
 * room for the reserve and as much again, the reserve is re-created, readings are accepted again
 * and the alert is cleared.
 *
 * <p>Sequence numbers survive a lost file: the writer reserves them in blocks in a small side file
 * ({@code <file>.seq}) before it uses them, so a fresh store continues after every number that
 * may have been sent, and the bridge never takes a new message for a duplicate of an old one.
 */
public final class SqliteOutbox implements Outbox, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteOutbox.class);

    /** Most messages in one group commit. */
    static final int MAX_BATCH = 2000;
    /** Messages waiting for the writer, at most; a producer beyond that waits (back-pressure). */
    private static final int QUEUE_CAPACITY = 20_000;
    /** Sequence numbers reserved in the side file at a time. */
    static final long SEQ_BLOCK = 10_000;
    /** The reserve kept for alerts and deletes on a full disk, unless configured otherwise. */
    public static final long DEFAULT_RESERVE_BYTES = 1024 * 1024;
    /** SQLite's WAL is cut back to this after a checkpoint; also the free space below which it is kept short. */
    private static final long JOURNAL_SIZE_LIMIT = 8L * 1024 * 1024;
    /** Free space wanted beyond the reserve before the full-disk mode ends, when the reserve is small or none. */
    private static final long MIN_HEADROOM = 256 * 1024;

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
    private final Path seqFile;
    private final Clock clock;
    private final long capacityBytes;
    private final Path reserveFile;
    private final long reserveBytes;
    private final java.nio.file.FileStore fileStore;
    private final Connection connection;
    private final String recoveredFrom;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    private final long[] queuedByPriority = new long[Priority.values().length];
    private final int pageSize;
    private volatile boolean running = true;
    private long lastSequence;
    private long reservedSequence;
    private long bytesUsed;
    private long evictedTelemetry;
    private long diskFullErrors;
    private long writeFailures;
    private long quarantined;
    private boolean atCapacity;
    private long refusedTelemetry;
    /** In full-disk mode: readings refused, alerts stored out of the released reserve. */
    private volatile boolean diskFull;
    /** The DISK_FULL episode stored in the outbox, to be cleared; null when none is open. */
    private Alert diskFullRaised;
    /** A DISK_FULL raise or clear not yet stored (the writer stores it); null when none waits. */
    private Alert diskFullPending;

    private record Pending(Priority priority, Instant created, Body body, String json,
                           CompletableFuture<StoredMessage> done) {
    }

    private SqliteOutbox(Path file, Clock clock, long capacityBytes, long reserveBytes, Connection connection,
                         String recoveredFrom) throws SQLException {
        this.file = file;
        this.seqFile = file.resolveSibling(file.getFileName() + ".seq");
        this.reserveFile = file.resolveSibling(file.getFileName() + ".reserve");
        this.clock = clock;
        this.capacityBytes = capacityBytes;
        this.reserveBytes = Math.max(0, reserveBytes);
        try {
            this.fileStore = Files.getFileStore(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SQLException("cannot find the file system of " + file + ": " + e, e);
        }
        this.connection = connection;
        this.recoveredFrom = recoveredFrom;
        boolean fresh = queryLong("PRAGMA user_version") == 0;
        migrate();
        this.pageSize = (int) queryLong("PRAGMA page_size");
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT priority, count(*) FROM outbox GROUP BY priority")) {
            while (rs.next()) {
                queuedByPriority[rs.getInt(1)] = rs.getLong(2);
            }
        }
        this.lastSequence = queryLong("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
        this.reservedSequence = readReservedSequence();
        if (fresh && reservedSequence > lastSequence) {
            // the file is new but numbers were handed out before: continue after all of them
            LOG.warn("outbox {} is new; sequence numbers continue after {}, the last reserved by the lost store",
                    file, reservedSequence);
            execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', " + reservedSequence + ")");
            lastSequence = reservedSequence;
        }
        this.bytesUsed = usedBytes();
        if (!holdReserve()) {
            enterDiskFull("the reserve of " + this.reserveBytes + " bytes cannot be created at start");
        }
        this.writer = new Thread(this::writeLoop, "anxin-outbox-writer");
        writer.setDaemon(true);
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
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of outbox " + file.toAbsolutePath() + ": " + e, e);
        }
        Connection connection = null;
        try {
            connection = connect(file);
            checkIntegrity(connection);
            return new SqliteOutbox(file, clock, capacityBytes, reserveBytes, connection, null);
        } catch (SQLException e) {
            closeQuietly(connection);
            if (!isCorruption(e)) {
                throw new StoreException("cannot open outbox " + file.toAbsolutePath() + ": " + e.getMessage(), e);
            }
            Path kept = keepAside(file, clock, e);
            try {
                connection = connect(file);
                return new SqliteOutbox(file, clock, capacityBytes, reserveBytes, connection, kept.toString());
            } catch (SQLException again) {
                closeQuietly(connection);
                throw new StoreException("cannot start a fresh outbox " + file.toAbsolutePath() + ": " + again.getMessage(), again);
            }
        }
    }

    private static Connection connect(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        config.setJournalSizeLimit((int) JOURNAL_SIZE_LIMIT); // the WAL shrinks back after a burst
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Throws a corruption error unless SQLite's quick check passes: run once at open, before anything is trusted. */
    private static void checkIntegrity(Connection connection) throws SQLException {
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

    private static boolean isCorruption(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s) {
                SQLiteErrorCode code = s.getResultCode();
                int primary = code.code & 0xff;
                if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Moves a corrupt file, with its WAL and shared-memory files, where a person can inspect it. */
    private static Path keepAside(Path file, Clock clock, SQLException cause) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(clock.instant());
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
            throw new StoreException("outbox " + file.toAbsolutePath() + " is corrupt (" + cause.getMessage()
                    + ") and cannot be moved aside: " + e, e);
        }
        LOG.error("outbox {} is corrupt ({}); kept it as {} for inspection and started a fresh store. "
                + "Messages stored in it and not yet sent are lost; the bridge will report the gap.",
                file.toAbsolutePath(), cause.getMessage(), kept.toAbsolutePath());
        return kept;
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
        Priority priority = Priority.of(body);
        String json = new String(MessageCodec.encode(body), StandardCharsets.UTF_8);
        CompletableFuture<StoredMessage> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new StoreException("outbox " + file + " is closed", null));
            return done;
        }
        Pending pending = new Pending(priority, clock.instant(), body, json, done);
        try {
            while (!queue.offer(pending, 100, TimeUnit.MILLISECONDS)) {
                if (!running) {
                    done.completeExceptionally(new StoreException("outbox " + file + " is closed", null));
                    return done;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(new StoreException("interrupted while queueing a message for " + file, e));
        }
        return done;
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
                maintainDiskState();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                LOG.error("outbox writer error", e);
                fail(batch, new StoreException("cannot store message in " + file + ": " + e, e));
            } finally {
                batch.clear();
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        fail(left, new StoreException("outbox " + file + " is closed", null));
    }

    /**
     * Stores one batch in one transaction. On a full disk it releases the reserve and tries the
     * alerts of the batch again, then drops old telemetry and tries once more; readings are refused
     * while the disk is full.
     */
    private void commit(List<Pending> batch) {
        lock.lock();
        try {
            List<Pending> keep = diskFull ? refuseTelemetry(batch) : batch;
            if (keep.isEmpty()) {
                return;
            }
            List<StoredMessage> stored;
            try {
                stored = insert(keep);
            } catch (SQLException | IOException e) {
                if (!isFull(e)) {
                    throw e;
                }
                diskFullErrors++;
                enterDiskFull("a commit of " + keep.size() + " message(s) was refused: " + e.getMessage());
                keep = refuseTelemetry(keep);
                if (keep.isEmpty()) {
                    return;
                }
                try {
                    stored = insert(keep);
                } catch (SQLException | IOException again) {
                    if (!isFull(again)) {
                        throw again;
                    }
                    diskFullErrors++;
                    long freed = evictOldestTelemetryQuietly(Math.max(keep.size(), 1000));
                    LOG.error("outbox {}: disk full even with the reserve released; dropped the {} oldest readings to make room",
                            file, freed);
                    stored = insert(keep);
                }
            }
            for (StoredMessage m : stored) {
                queuedByPriority[m.priority().ordinal()]++;
            }
            lastSequence = stored.get(stored.size() - 1).seq();
            appended.signalAll();
            for (int i = 0; i < keep.size(); i++) {
                keep.get(i).done().complete(stored.get(i));
            }
            try {
                enforceCapacity();
            } catch (SQLException e) {
                // what was committed stays accepted; the cap is enforced again after the next commit
                LOG.warn("outbox {}: cannot enforce the cap: {}", file, e.getMessage());
            }
            keepWalShort();
        } catch (SQLException | IOException e) {
            boolean full = isFull(e);
            if (full) {
                diskFullErrors++;
            }
            List<Pending> open = batch.stream().filter(p -> !p.done().isDone()).toList();
            writeFailures += open.size();
            LOG.error("outbox {}: {} message(s) not stored{}: {}", file, open.size(), full ? " (disk full)" : "", e.getMessage());
            fail(open, new StoreException((full ? "disk full: " : "") + "cannot store " + open.size()
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
            fail(refused, new StoreException("disk full: " + refused.size() + " reading(s) refused by " + file
                    + " (alerts are still stored, out of the reserve)", null));
        }
        return keep;
    }

    private List<StoredMessage> insert(List<Pending> batch) throws SQLException, IOException {
        return insert(batch, batch.stream().anyMatch(p -> p.priority().isAlert()));
    }

    /**
     * Enters full-disk mode, or deepens it: the reserve is deleted and the WAL checkpointed and
     * truncated, both to give SQLite room for what must still be written. Raises DISK_FULL once.
     */
    private void enterDiskFull(String why) {
        boolean released = releaseReserve();
        checkpointQuietly();
        if (!diskFull) {
            diskFull = true;
            long free = freeBytes();
            LOG.error("outbox {}: the disk is full ({}; {} bytes free){}; readings are refused, alerts are kept",
                    file, why, free, released ? ", released the reserve of " + reserveBytes + " bytes" : "");
            diskFullPending = Alert.raise(AlertType.DISK_FULL, null, clock.instant(),
                    "the gateway's data disk is full (" + free + " bytes free): readings are refused, alerts are kept");
        }
    }

    /**
     * In full-disk mode: ends it when the file system has room for the reserve and as much again
     * (re-creating the reserve), and stores the DISK_FULL raise or clear that waits. Writer thread only.
     */
    private void maintainDiskState() {
        if (!diskFull && diskFullPending == null) {
            return;
        }
        lock.lock();
        try {
            if (diskFull && freeBytes() >= reserveBytes + Math.max(reserveBytes, MIN_HEADROOM) && holdReserve()) {
                diskFull = false;
                LOG.info("outbox {}: there is room on the disk again ({} bytes free); the reserve is back, readings are accepted",
                        file, freeBytes());
                if (diskFullRaised != null) {
                    diskFullPending = diskFullRaised.clear(clock.instant(), "the gateway's data disk has room again");
                } else {
                    diskFullPending = null; // its raise never got out: nothing to clear
                }
            }
            Alert pending = diskFullPending;
            if (pending == null) {
                return;
            }
            CompletableFuture<StoredMessage> done = new CompletableFuture<>();
            Pending p = new Pending(Priority.of(pending), clock.instant(), pending,
                    new String(MessageCodec.encode(pending), StandardCharsets.UTF_8), done);
            List<StoredMessage> stored;
            try {
                stored = insert(List.of(p));
            } catch (SQLException | IOException e) {
                if (isFull(e)) {
                    diskFullErrors++;
                }
                LOG.debug("outbox {}: {} {} not stored yet: {}", file, pending.type(), pending.state(), e.getMessage());
                return;
            }
            queuedByPriority[stored.get(0).priority().ordinal()]++;
            lastSequence = stored.get(0).seq();
            diskFullRaised = pending.state() == org.anxin.protocol.AlertState.RAISED ? pending : null;
            diskFullPending = null;
            keepWalShort();
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * While the disk is full or nearly so, truncates the WAL after each write: the WAL otherwise
     * grows to SQLite's checkpoint threshold (about 4 MiB) and can fill a small disk by itself.
     */
    private void keepWalShort() {
        if (diskFull || (reserveBytes > 0 && freeBytes() < JOURNAL_SIZE_LIMIT + reserveBytes)) {
            checkpointQuietly();
        }
    }

    private void checkpointQuietly() {
        try {
            queryLong("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            LOG.debug("outbox {}: checkpoint: {}", file, e.getMessage());
        }
    }

    /** Makes sure the reserve file is in place with real blocks; false when the disk has no room for it. */
    private boolean holdReserve() {
        if (reserveBytes == 0) {
            return true;
        }
        try {
            if (Files.isRegularFile(reserveFile) && Files.size(reserveFile) == reserveBytes) {
                return true;
            }
            // written, not just sized: a sparse file would hold no blocks and reserve nothing
            try (FileChannel ch = FileChannel.open(reserveFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(64 * 1024);
                long left = reserveBytes;
                while (left > 0) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                    left -= ch.write(zeros);
                }
                ch.force(true);
            }
            return true;
        } catch (IOException e) {
            LOG.debug("outbox {}: cannot hold the reserve: {}", file, e.toString());
            releaseReserve();
            return false;
        }
    }

    private boolean releaseReserve() {
        try {
            return Files.deleteIfExists(reserveFile);
        } catch (IOException e) {
            LOG.warn("outbox {}: cannot release the reserve {}: {}", file, reserveFile, e.toString());
            return false;
        }
    }

    private long freeBytes() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    private long evictOldestTelemetryQuietly(long count) {
        try {
            return evictOldestTelemetry(count);
        } catch (SQLException e) {
            LOG.debug("outbox {}: cannot drop old readings: {}", file, e.getMessage());
            return 0;
        }
    }

    private List<StoredMessage> insert(List<Pending> batch, boolean durable) throws SQLException, IOException {
        reserveSequence(lastSequence + batch.size());
        if (durable) {
            execute("PRAGMA synchronous = FULL");
        }
        List<StoredMessage> stored = new ArrayList<>(batch.size());
        connection.setAutoCommit(false);
        try (PreparedStatement st = connection.prepareStatement(
                "INSERT INTO outbox (priority, created, body) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (Pending p : batch) {
                st.setInt(1, p.priority().ordinal());
                st.setLong(2, p.created().toEpochMilli());
                st.setString(3, p.json());
                st.executeUpdate();
                long seq;
                try (ResultSet keys = st.getGeneratedKeys()) {
                    keys.next();
                    seq = keys.getLong(1);
                }
                stored.add(new StoredMessage(seq, p.priority(), p.created(), p.body()));
            }
            connection.commit();
            return stored;
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        } finally {
            restoreAutoCommit();
            if (durable) {
                execute("PRAGMA synchronous = NORMAL");
            }
        }
    }

    /** Makes sure numbers up to {@code upTo} are reserved in the side file before any is used. */
    private void reserveSequence(long upTo) throws IOException {
        if (upTo <= reservedSequence) {
            return;
        }
        long reserve = upTo + SEQ_BLOCK;
        Path tmp = seqFile.resolveSibling(seqFile.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.US_ASCII.encode(Long.toString(reserve) + "\n"));
            ch.force(true);
        }
        try {
            Files.move(tmp, seqFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, seqFile, StandardCopyOption.REPLACE_EXISTING);
        }
        reservedSequence = reserve;
    }

    private long readReservedSequence() {
        try {
            return Files.exists(seqFile) ? Long.parseLong(Files.readString(seqFile, StandardCharsets.US_ASCII).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("outbox sequence file {} unreadable ({}); numbering continues from the store", seqFile, e.toString());
            return 0;
        }
    }

    /** Drops the oldest telemetry while the file is over its cap. Alerts and health events stay. */
    private void enforceCapacity() throws SQLException {
        if (capacityBytes <= 0) {
            return;
        }
        bytesUsed = usedBytes();
        if (bytesUsed <= capacityBytes) {
            if (atCapacity) {
                atCapacity = false;
                LOG.info("outbox {} is below its cap of {} bytes again; {} readings dropped so far", file, capacityBytes,
                        evictedTelemetry);
            }
            return;
        }
        long dropped = 0;
        while (bytesUsed > capacityBytes && queuedByPriority[Priority.TELEMETRY.ordinal()] > 0) {
            long step = Math.max(500, queuedByPriority[Priority.TELEMETRY.ordinal()] / 50);
            dropped += evictOldestTelemetry(step);
            bytesUsed = usedBytes();
        }
        if (!atCapacity) {
            atCapacity = true;
            LOG.warn("outbox {} reached its cap of {} bytes: dropping the oldest readings (alerts are kept); dropped {} now",
                    file, capacityBytes, dropped);
        }
        if (bytesUsed > capacityBytes) {
            LOG.warn("outbox {} holds only alerts and health events and is over its cap ({} of {} bytes); they are kept",
                    file, bytesUsed, capacityBytes);
        }
    }

    private long evictOldestTelemetry(long count) throws SQLException {
        int removed;
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM outbox WHERE seq IN"
                + " (SELECT seq FROM outbox WHERE priority = ? ORDER BY seq LIMIT ?)")) {
            st.setInt(1, Priority.TELEMETRY.ordinal());
            st.setLong(2, count);
            removed = st.executeUpdate();
        }
        queuedByPriority[Priority.TELEMETRY.ordinal()] -= removed;
        evictedTelemetry += removed;
        return removed;
    }

    private long usedBytes() throws SQLException {
        return (queryLong("PRAGMA page_count") - queryLong("PRAGMA freelist_count")) * pageSize;
    }

    /** SQLITE_FULL, or the side file's write refused for want of space. */
    private static boolean isFull(Exception e) {
        if (e instanceof SQLiteException s) {
            return (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_FULL.code;
        }
        return e instanceof IOException && String.valueOf(e.getMessage()).contains("No space left on device");
    }

    private static void fail(List<Pending> batch, StoreException e) {
        for (Pending p : batch) {
            p.done().completeExceptionally(e);
        }
    }

    /** Caps the file at {@code pages} pages, as a full disk would; for tests of the full-disk path. */
    void limitPages(long pages) {
        lock.lock();
        try {
            queryLong("PRAGMA max_page_count = " + pages);
        } catch (SQLException e) {
            throw new StoreException("cannot limit " + file, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<StoredMessage> peek(int max, Collection<Long> exclude) {
        // the excluded rows are skipped here rather than in SQL: an inflight window of hundreds would
        // otherwise make one huge NOT IN list per call
        Set<Long> skip = exclude instanceof Set<Long> s ? s : new HashSet<>(exclude);
        lock.lock();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT seq, priority, created, body FROM outbox ORDER BY priority, seq LIMIT ?")) {
            st.setInt(1, max + skip.size());
            List<StoredMessage> messages = new ArrayList<>();
            List<Long> unreadable = new ArrayList<>();
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
        quarantined++;
        remove(List.of(seq));
    }

    @Override
    public void remove(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            try {
                delete(seqs);
            } catch (SQLException e) {
                if (!isFull(e)) {
                    throw e;
                }
                diskFullErrors++;
                enterDiskFull("deleting " + seqs.size() + " sent message(s) was refused: " + e.getMessage());
                delete(seqs);
            }
            keepWalShort(); // on a full disk the WAL's room goes back to the file system
        } catch (SQLException e) {
            if (isFull(e)) {
                diskFullErrors++;
            }
            throw new StoreException((isFull(e) ? "disk full: " : "") + "cannot remove sent messages from " + file
                    + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void delete(Collection<Long> seqs) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("DELETE FROM outbox WHERE seq = ? RETURNING priority")) {
            connection.setAutoCommit(false);
            List<Integer> removed = new ArrayList<>();
            for (long seq : seqs) {
                st.setLong(1, seq);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        removed.add(rs.getInt(1));
                    }
                }
            }
            connection.commit();
            for (int priority : removed) {
                queuedByPriority[priority]--;
            }
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        } finally {
            restoreAutoCommit();
        }
    }

    @Override
    public boolean awaitMessages(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (queued() == 0 && nanos > 0) {
                nanos = appended.awaitNanos(nanos);
            }
            return queued() > 0;
        } finally {
            lock.unlock();
        }
    }

    private long queued() {
        long n = 0;
        for (long q : queuedByPriority) {
            n += q;
        }
        return n;
    }

    @Override
    public long size() {
        lock.lock();
        try {
            return queued();
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
    public StoreStatus status() {
        lock.lock();
        try {
            return new StoreStatus(queued(), queuedByPriority[Priority.LIFE_SAFETY.ordinal()]
                    + queuedByPriority[Priority.ALERT.ordinal()], usedBytes(), capacityBytes, evictedTelemetry,
                    diskFullErrors, writeFailures, quarantined, recoveredFrom, diskFull, freeBytes(), reserveBytes,
                    reserveBytes > 0 && Files.isRegularFile(reserveFile), refusedTelemetry);
        } catch (SQLException e) {
            throw new StoreException("cannot read the state of outbox " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Commits what was queued, stops the writer and closes the file. */
    @Override
    public void close() {
        // no interrupt: it would close the side file's channel in the middle of a write
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing outbox {}: {}", file, e.getMessage());
        } finally {
            lock.unlock();
        }
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

    /**
     * Back to autocommit. SQLite may already have rolled the transaction back by itself (it does on
     * SQLITE_FULL), and the driver's COMMIT then fails; that failure must not hide the real one.
     */
    private void restoreAutoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the transaction is gone either way
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
