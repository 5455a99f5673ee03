package org.anxin.store;

/**
 * The store's health at one moment.
 *
 * @param queued messages waiting to be sent
 * @param queuedAlerts of which alerts (never evicted)
 * @param bytesUsed the database's pages in use, in bytes
 * @param capacityBytes the configured cap on {@code bytesUsed}; 0 for none
 * @param evictedTelemetry readings dropped, oldest first, to stay under the cap, since start
 * @param diskFullErrors commits refused because the disk (or SQLite's page limit) was full, since start
 * @param writeFailures messages that could not be stored for any reason, since start
 * @param quarantined rows moved to the quarantine table because they could not be decoded, since start
 * @param recoveredFrom where a corrupt database file found at start was kept; {@code null} if none was
 */
public record StoreStatus(long queued, long queuedAlerts, long bytesUsed, long capacityBytes,
                          long evictedTelemetry, long diskFullErrors, long writeFailures, long quarantined,
                          String recoveredFrom) {

    /** Whether the store is at its cap now, so the oldest telemetry is being dropped. */
    public boolean atCapacity() {
        return capacityBytes > 0 && bytesUsed >= capacityBytes;
    }
}
