package org.anxin.bridge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What the bridge has seen since it started; live values, safe to read from any thread. */
public final class BridgeCounters {

    final AtomicLong received = new AtomicLong();
    final AtomicLong stored = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong foreignTopics = new AtomicLong();
    final AtomicLong mismatched = new AtomicLong();
    final AtomicLong ignored = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong storeFailures = new AtomicLong();
    final AtomicLong notificationsDelivered = new AtomicLong();
    final AtomicLong notificationsFailed = new AtomicLong();

    /** Every MQTT message that arrived, whatever became of it. */
    public long received() {
        return received.get();
    }

    /** Readings and alerts newly stored. */
    public long stored() {
        return stored.get();
    }

    /** Readings and alerts dropped because their (gateway, seq) was already stored. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Payloads that could not be decoded. */
    public long malformed() {
        return malformed.get();
    }

    /** Messages on topics outside the protocol's layout. */
    public long foreignTopics() {
        return foreignTopics.get();
    }

    /** Messages whose envelope names another gateway or channel than their topic. */
    public long mismatched() {
        return mismatched.get();
    }

    /** Well-formed messages the bridge has no use for (configuration, cleared retained messages). */
    public long ignored() {
        return ignored.get();
    }

    /** Times a gateway's seq jumped past the next expected number. */
    public long gaps() {
        return gaps.get();
    }

    /** Messages left unacknowledged because the database refused them. */
    public long storeFailures() {
        return storeFailures.get();
    }

    public long notificationsDelivered() {
        return notificationsDelivered.get();
    }

    public long notificationsFailed() {
        return notificationsFailed.get();
    }

    /** All counters by name, in a stable order. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", received());
        m.put("stored", stored());
        m.put("duplicates", duplicates());
        m.put("malformed", malformed());
        m.put("foreignTopics", foreignTopics());
        m.put("mismatched", mismatched());
        m.put("ignored", ignored());
        m.put("gaps", gaps());
        m.put("storeFailures", storeFailures());
        m.put("notificationsDelivered", notificationsDelivered());
        m.put("notificationsFailed", notificationsFailed());
        return m;
    }

    @Override
    public String toString() {
        return "BridgeCounters" + asMap();
    }
}
