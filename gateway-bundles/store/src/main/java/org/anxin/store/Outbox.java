package org.anxin.store;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.anxin.protocol.Body;

/**
 * Store-and-forward queue. Messages are numbered in one increasing sequence when stored, leave in
 * order of priority then sequence, and stay until the uplink removes them once the bridge has
 * them.
 */
@org.osgi.annotation.versioning.ProviderType
public interface Outbox {

    /**
     * Stores a message and waits until it is committed. When this returns, the message is accepted:
     * an alert is on disk durably (synchronous=FULL), telemetry is committed in a batch with others.
     *
     * @throws StoreException when it cannot be stored (e.g. the disk is full)
     */
    StoredMessage append(Body body);

    /**
     * Queues a message for the next group commit without waiting for it. The message is accepted
     * when the future completes; it completes exceptionally with a {@link StoreException} when the
     * message could not be stored. Lets one producer keep many readings in one commit.
     */
    CompletableFuture<StoredMessage> submit(Body body);

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

    /** What the store holds and what went wrong with it, for diagnostics and heartbeats. */
    StoreStatus status();
}
