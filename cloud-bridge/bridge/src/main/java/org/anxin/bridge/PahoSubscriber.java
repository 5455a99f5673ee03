package org.anxin.bridge;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.core.Backoff;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.core.Redaction;
import org.anxin.bridge.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one persistent MQTT session subscribed to every gateway's topics and feeds each message to
 * {@link MessageIngest}. What the two Paho clients share; {@link MqttSubscriber} (MQTT 3.1.1) and
 * {@link Mqtt5Subscriber} (MQTT 5, shared subscriptions) say how to connect, subscribe and
 * acknowledge with theirs.
 *
 * <p>Acknowledgement: Paho runs with manual acks, and a message is handed to a single store thread
 * and acknowledged only once it is stored. Storing on Paho's callback thread would also ack after
 * storing, but a slow database would then stall Paho's receiver (its inbound queue is small) until
 * keep-alives time out and the connection drops; this way Paho stays responsive, and the broker's
 * in-flight window (unacknowledged QoS 1 messages) bounds how much waits for the store. A message
 * not acknowledged when the connection ends is redelivered to this session, and the events table's
 * key drops it if it had been stored after all.
 *
 * <p>Reconnection is ours, not Paho's automatic reconnect: one scheduled thread connects with
 * exponential backoff, and is the only thread that ever calls connect.
 *
 * @param <M> the client's message type
 */
abstract class PahoSubscriber<M> implements MqttIngress {

    static final int SUBSCRIPTION_QOS = 1;
    /** A SUBACK code from this on refuses the subscription (MQTT 3.1.1: 0x80 only). */
    static final int FAILED_SUBSCRIPTION = 0x80;
    static final long TOKEN_TIMEOUT_MS = 15_000;

    final Logger log = LoggerFactory.getLogger(getClass());
    final BridgeOptions options;
    final String shownBroker;
    private final MessageIngest ingest;
    private final BridgeCounters counters;
    final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    // separate, because every reconnect succeeds and resets the other while the database stays down
    private final Backoff storeBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
    private final ScheduledExecutorService connector =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("mqtt-connect"));
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(new NamedThreads("ingest"));
    volatile boolean closed;
    private ScheduledFuture<?> pendingConnect; // guarded by this; one scheduled attempt at a time

    PahoSubscriber(BridgeOptions options, MessageIngest ingest, BridgeCounters counters) {
        this.options = options;
        this.ingest = ingest;
        this.counters = counters;
        this.shownBroker = Redaction.url(options.brokerUrl());
    }

    /** Connects with a persistent session, subscribes, fails if a subscription is refused, and logs it. */
    abstract void connectAndSubscribe() throws Exception;

    /** Ends the connection at once, leaving unacknowledged messages to the broker. */
    abstract void disconnectForcibly() throws Exception;

    /** Ends the connection politely, for a shutdown. */
    abstract void disconnect() throws Exception;

    abstract void closeClient() throws Exception;

    abstract void acknowledge(M message) throws Exception;

    abstract byte[] payload(M message);

    abstract boolean retained(M message);

    /** The reason code of the client's exception, or -1 for any other. */
    abstract int reasonCode(Exception e);

    /** A connection attempt failed; a client may have more to say about why. */
    void explainConnectFailure(Exception e) {
    }

    /** Starts connecting in the background; returns at once, whether or not the broker is up. */
    final void startConnecting() {
        scheduleConnect(Duration.ZERO);
    }

    private synchronized void scheduleConnect(Duration delay) {
        if (closed || pendingConnect != null) {
            return; // an attempt is already on its way
        }
        try {
            pendingConnect = connector.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void connect() {
        synchronized (this) {
            pendingConnect = null;
        }
        if (closed || isConnected()) {
            return;
        }
        try {
            connectAndSubscribe();
            backoff.reset();
        } catch (Exception e) {
            // whatever went wrong, another attempt must follow, or the bridge would stay deaf
            if (closed) {
                return;
            }
            dropConnection();
            explainConnectFailure(e);
            Duration wait = backoff.next();
            log.warn("cannot connect to MQTT broker {}: {}; retrying in {} ms", shownBroker, describe(e),
                    wait.toMillis());
            scheduleConnect(wait);
        }
    }

    /** The client's callback: the connection was lost. */
    final void connectionLost(Object cause) {
        if (closed) {
            return;
        }
        Duration wait = backoff.next();
        log.warn("lost connection to MQTT broker {}: {}; reconnecting in {} ms", shownBroker, cause, wait.toMillis());
        scheduleConnect(wait);
    }

    /** The client's callback: a message arrived. */
    final void messageArrived(String topic, M message) {
        try {
            storeThread.execute(() -> store(topic, message));
        } catch (RejectedExecutionException e) {
            // closing: left unacknowledged, so the broker delivers it to the next run
        }
    }

    /** Ends the connection so that the broker redelivers what was not acknowledged, and reconnects. */
    private void reconnectForRedelivery() {
        if (closed) {
            return;
        }
        try {
            connector.execute(() -> {
                dropConnection();
                scheduleConnect(storeBackoff.next());
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void dropConnection() {
        if (isConnected()) {
            try {
                disconnectForcibly();
            } catch (Exception e) {
                log.debug("forced disconnect: {}", describe(e));
            }
        }
    }

    private void store(String topic, M message) {
        try {
            ingest.accept(topic, payload(message), retained(message));
            storeBackoff.reset();
        } catch (Database.StorageException e) {
            counters.storeFailures.incrementAndGet();
            log.error("could not store the message on {}: {}; leaving it unacknowledged and reconnecting so the"
                    + " broker delivers it again", topic, e.getMessage());
            reconnectForRedelivery();
            return;
        } catch (RuntimeException e) {
            // a bug, not the database: delivering it again would fail again, for ever
            counters.storeFailures.incrementAndGet();
            log.error("dropping the message on {}: handling it failed", topic, e);
        }
        try {
            acknowledge(message);
        } catch (Exception e) {
            // stored but not acknowledged: it comes again and falls away as a duplicate
            log.debug("could not acknowledge a message on {}: {}", topic, e.getMessage());
        }
    }

    final String describe(Exception e) {
        int code = reasonCode(e);
        String reason = code >= 0 ? e.getMessage() + " (" + code + ")" : e.toString();
        return e.getCause() == null ? reason : reason + ": " + e.getCause();
    }

    /** Stores what has already arrived, then disconnects and stops every thread. */
    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        storeThread.shutdown();
        try {
            connector.awaitTermination(TOKEN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (!storeThread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("messages still being stored after 10 s; stopping anyway (the broker redelivers them)");
                storeThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (isConnected()) {
                disconnect();
            }
        } catch (Exception e) {
            log.debug("disconnect: {}", describe(e));
        }
        try {
            // A disconnect that waited out its timeout must not meet a plain close: Paho then marks the
            // close pending, its disconnect task skips the shutdown, and the sender and callback threads
            // live for ever. A forced shutdown first stops them (the uplink does the same).
            disconnectForcibly();
        } catch (Exception e) {
            log.debug("forced disconnect: {}", describe(e));
        }
        try {
            closeClient();
        } catch (Exception e) {
            log.debug("closing MQTT client: {}", describe(e));
        }
        log.info("disconnected from MQTT broker {}", shownBroker);
    }
}
