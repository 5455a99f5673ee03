package org.anxin.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Clock;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The outbox's full-disk mode, and the reserve that makes it survivable (issue 16).
 *
 * <p>A reserve file ({@code <outbox>.reserve}, {@code reserveBytes} of real blocks) is kept beside
 * the database. The first write refused with {@code SQLITE_FULL} deletes it and checkpoints the
 * WAL, which gives SQLite room again; from then on readings are refused, alerts and deletes are
 * committed out of the freed room, the WAL is truncated after each write, and a {@code DISK_FULL}
 * alert waits to be stored. When the file system has room for the reserve and as much again, the
 * reserve is re-created and the alert's clear waits to be stored. The caller holds the outbox's
 * lock for everything but {@link #active()}.
 */
final class FullDisk {

    private static final Logger LOG = LoggerFactory.getLogger(FullDisk.class);

    /** SQLite's WAL is cut back to this after a checkpoint; also the free space below which it is kept short. */
    static final long JOURNAL_SIZE_LIMIT = 8L * 1024 * 1024;
    /** Free space wanted beyond the reserve before the full-disk mode ends, when the reserve is small or none. */
    private static final long MIN_HEADROOM = 256 * 1024;

    private final Path file;
    private final Path reserveFile;
    private final long reserveBytes;
    private final FileStore fileStore;
    private final Clock clock;
    private final OutboxTable table;
    /** In full-disk mode: readings refused, alerts stored out of the released reserve. */
    private volatile boolean active;
    /** The DISK_FULL episode stored in the outbox, to be cleared; null when none is open. */
    private Alert raised;
    /** A DISK_FULL raise or clear not yet stored (the writer stores it); null when none waits. */
    private volatile Alert pending;
    private long errors;

    FullDisk(Path file, long reserveBytes, Clock clock, OutboxTable table) throws IOException {
        this.file = file;
        this.reserveFile = file.resolveSibling(file.getFileName() + ".reserve");
        this.reserveBytes = Math.max(0, reserveBytes);
        this.fileStore = Files.getFileStore(file.toAbsolutePath().getParent());
        this.clock = clock;
        this.table = table;
    }

    /** SQLITE_FULL, or the side file's write refused for want of space. */
    static boolean isFull(Exception e) {
        if (e instanceof SQLiteException s) {
            return (s.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_FULL.code;
        }
        return e instanceof IOException && String.valueOf(e.getMessage()).contains("No space left on device");
    }

    /** Takes the reserve at start; a disk without room for it starts in full-disk mode. */
    void start() {
        if (!holdReserve()) {
            enter("the reserve of " + reserveBytes + " bytes cannot be created at start");
        }
    }

    boolean active() {
        return active;
    }

    /** Counts a write refused for want of space. */
    void refused() {
        errors++;
    }

    /** Writes refused because the disk (or SQLite's page limit) was full, since start. */
    long errors() {
        return errors;
    }

    /**
     * Enters full-disk mode, or deepens it: the reserve is deleted and the WAL checkpointed and
     * truncated, both to give SQLite room for what must still be written. Raises DISK_FULL once.
     */
    void enter(String why) {
        boolean released = releaseReserve();
        checkpointQuietly();
        if (!active) {
            active = true;
            long free = freeBytes();
            LOG.error("outbox {}: the disk is full ({}; {} bytes free){}; readings are refused, alerts are kept",
                    file, why, free, released ? ", released the reserve of " + reserveBytes + " bytes" : "");
            pending = Alert.raise(AlertType.DISK_FULL, null, clock.instant(),
                    "the gateway's data disk is full (" + free + " bytes free): readings are refused, alerts are kept");
        }
    }

    /** Whether {@link #due()} may have something to do; read without the lock, by the writer between batches. */
    boolean mayBeDue() {
        return active || pending != null;
    }

    /**
     * Ends the mode when the file system has room for the reserve and as much again (re-creating
     * the reserve); returns the DISK_FULL raise or clear waiting to be stored, or null.
     */
    Alert due() {
        if (active && freeBytes() >= reserveBytes + Math.max(reserveBytes, MIN_HEADROOM) && holdReserve()) {
            active = false;
            LOG.info("outbox {}: there is room on the disk again ({} bytes free); the reserve is back, readings are accepted",
                    file, freeBytes());
            // a raise that never got out has nothing to clear
            pending = raised != null ? raised.clear(clock.instant(), "the gateway's data disk has room again") : null;
        }
        return pending;
    }

    /** The alert {@link #due()} returned is in the outbox. */
    void stored(Alert alert) {
        raised = alert.state() == AlertState.RAISED ? alert : null;
        pending = null;
    }

    /**
     * While the disk is full or nearly so, truncates the WAL after each write: the WAL otherwise
     * grows to SQLite's checkpoint threshold (about 4 MiB) and can fill a small disk by itself.
     */
    void keepWalShort() {
        if (active || (reserveBytes > 0 && freeBytes() < JOURNAL_SIZE_LIMIT + reserveBytes)) {
            checkpointQuietly();
        }
    }

    private void checkpointQuietly() {
        try {
            table.checkpoint();
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
                ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
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

    /** Bytes the file system has free for the gateway now; -1 when it cannot say. */
    long freeBytes() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    long reserveBytes() {
        return reserveBytes;
    }

    boolean reserveHeld() {
        return reserveBytes > 0 && Files.isRegularFile(reserveFile);
    }
}
