package org.anxin.store.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import org.anxin.store.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the outbox under its cap on disk: past it the oldest telemetry is deleted, in steps of 2 %
 * of it, until the store is under the cap again. Alerts and health events are never dropped, so a
 * store holding only those may stay over the cap, and says so. The caller holds the outbox's lock.
 */
final class CapacityCap {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityCap.class);

    private final Path file;
    private final long capacityBytes;
    private final OutboxTable table;
    private boolean atCapacity;

    CapacityCap(Path file, long capacityBytes, OutboxTable table) {
        this.file = file;
        this.capacityBytes = capacityBytes;
        this.table = table;
    }

    /** The cap in bytes; 0 for none. */
    long capacityBytes() {
        return capacityBytes;
    }

    /** Drops the oldest telemetry while the file is over its cap; run after each commit. */
    void enforce() throws SQLException {
        if (capacityBytes <= 0) {
            return;
        }
        long bytesUsed = table.usedBytes();
        if (bytesUsed <= capacityBytes) {
            if (atCapacity) {
                atCapacity = false;
                LOG.info("outbox {} is below its cap of {} bytes again; {} readings dropped so far", file, capacityBytes,
                        table.evicted());
            }
            return;
        }
        long dropped = 0;
        while (bytesUsed > capacityBytes && table.queued(Priority.TELEMETRY) > 0) {
            long step = Math.max(500, table.queued(Priority.TELEMETRY) / 50);
            dropped += table.evictOldestTelemetry(step);
            bytesUsed = table.usedBytes();
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
}
