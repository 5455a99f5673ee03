package org.anxin.store;

/**
 * The store's health at one moment.
 *
 * @param queued messages waiting to be sent
 * @param queuedAlerts of which alerts (never evicted)
 * @param bytesUsed the database's pages in use, in bytes
 * @param capacityBytes the configured cap on {@code bytesUsed}; 0 for none
 * @param evictedTelemetry readings dropped, oldest first, to stay under the cap, since start
 * @param diskFullErrors writes refused because the disk (or SQLite's page limit) was full, since start
 * @param writeFailures messages that could not be stored for any reason, since start
 * @param quarantined rows moved to the quarantine table because they could not be decoded, since start
 * @param recoveredFrom where a corrupt database file found at start was kept; {@code null} if none was
 * @param diskFull whether the store is in its full-disk mode now: readings are refused, alerts are
 *        stored out of the reserve, and a {@code DISK_FULL} alert is raised
 * @param freeBytes bytes the data directory's file system has free for the gateway now
 * @param reserveBytes the size of the reserve kept free for alerts and deletes; 0 for none
 * @param reserveHeld whether the reserve file is in place now (it is released when the disk fills)
 * @param refusedTelemetry readings refused because the disk was full, since start (also in {@code writeFailures})
 */
public record StoreStatus(long queued, long queuedAlerts, long bytesUsed, long capacityBytes,
                          long evictedTelemetry, long diskFullErrors, long writeFailures, long quarantined,
                          String recoveredFrom, boolean diskFull, long freeBytes, long reserveBytes,
                          boolean reserveHeld, long refusedTelemetry) {

    /** Whether the store is at its cap now, so the oldest telemetry is being dropped. */
    public boolean atCapacity() {
        return capacityBytes > 0 && bytesUsed >= capacityBytes;
    }
}
