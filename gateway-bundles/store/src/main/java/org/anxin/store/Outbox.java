package org.anxin.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.anxin.protocol.Body;

/**
 * Store-and-forward queue. Messages are numbered in one increasing sequence when stored, leave in
 * order of priority then sequence, and stay until the uplink removes them after the broker has
 * them.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Outbox {

    /**
     * Stores a message. When this returns, the message is accepted: an alert is on disk, durably.
     *
     * @throws StoreException when it cannot be stored (e.g. the disk is full)
     */
    StoredMessage append(Body body);

    /**
     * The next messages to send, in priority then sequence order, leaving out those in
     * {@code exclude} (e.g. already in flight).
     */
    List<StoredMessage> peek(int max, Collection<Long> exclude);

    /** Removes messages the bridge has acknowledged. */
    void remove(Collection<Long> seqs);

    /** Waits until a message is stored or the timeout passes; returns whether the outbox holds any. */
    boolean awaitMessages(Duration timeout) throws InterruptedException;

    /** How many messages wait. */
    long size();

    /** The last sequence number assigned, 0 when none ever was. */
    long lastSequence();
}
