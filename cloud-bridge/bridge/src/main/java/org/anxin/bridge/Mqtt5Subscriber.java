package org.anxin.bridge;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Topics;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one persistent MQTT 5 session subscribed to every gateway's topics and feeds each message
 * to {@link MessageIngest}.
 *
 * <p>Scale-out: every instance of one bridge joins the same shared subscription
 * ({@code $share/<group>/anxin/v1/gw/+/#}), so the broker hands each message to one of them. A
 * shared subscription gets no retained messages, so each instance also subscribes plainly to the
 * gateways' {@code state} topic for the retained births and wills; applying a state twice changes
 * nothing.
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
 */
final class Mqtt5Subscriber implements MqttIngress {

    private static final Logger log = LoggerFactory.getLogger(Mqtt5Subscriber.class);

    private static final int SUBSCRIPTION_QOS = 1;
    private static final int FAILED_SUBSCRIPTION = 0x80;
    /** How long the broker keeps the session (and queues its messages) while the bridge is away. */
    static final long SESSION_EXPIRY_SECONDS = 24 * 3600;
    private static final long TOKEN_TIMEOUT_MS = 15_000;
    private static final String STATE_TOPICS = "anxin/v1/gw/+/state";

    private final BridgeOptions options;
    private final MessageIngest ingest;
    private final BridgeCounters counters;
    private final MqttAsyncClient client;
    private final String shownBroker;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    // separate, because every reconnect succeeds and resets the other while the database stays down
    private final Backoff storeBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
    private final ScheduledExecutorService connector =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("mqtt-connect"));
    private final ExecutorService storeThread = Executors.newSingleThreadExecutor(new NamedThreads("ingest"));
    private volatile boolean closed;
    private ScheduledFuture<?> pendingConnect; // guarded by this; one scheduled attempt at a time

    private Mqtt5Subscriber(BridgeOptions options, MessageIngest ingest, BridgeCounters counters)
            throws MqttException {
        this.options = options;
        this.ingest = ingest;
        this.counters = counters;
        this.shownBroker = Redaction.url(options.brokerUrl());
        // the session lives on the broker (cleanSession=false); nothing needs persisting here
        this.client = new MqttAsyncClient(options.brokerUrl(), options.mqttClientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new Callback());
    }

    /** Starts connecting in the background; returns at once, whether or not the broker is up. */
    static Mqtt5Subscriber start(BridgeOptions options, MessageIngest ingest, BridgeCounters counters) {
        Mqtt5Subscriber subscriber;
        try {
            subscriber = new Mqtt5Subscriber(options, ingest, counters);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot create MQTT client for " + Redaction.url(options.brokerUrl())
                    + ": " + e.getMessage(), e);
        }
        subscriber.scheduleConnect(Duration.ZERO);
        return subscriber;
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    private MqttConnectionOptions connectOptions() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false); // the broker queues QoS 1 messages for us while we are away
        o.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        options.mqttUsername().ifPresent(o::setUserName);
        options.mqttPassword().ifPresent(p -> o.setPassword(p.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return o;
    }

    /** What this instance subscribes to: the shared (or plain) subscription, and the states. */
    private MqttSubscription[] subscriptions() {
        if (options.mqttShareGroup().isEmpty()) {
            return new MqttSubscription[] {new MqttSubscription(Topics.ALL_FROM_GATEWAYS, SUBSCRIPTION_QOS)};
        }
        return new MqttSubscription[] {
            new MqttSubscription("$share/" + options.mqttShareGroup() + "/" + Topics.ALL_FROM_GATEWAYS, SUBSCRIPTION_QOS),
            new MqttSubscription(STATE_TOPICS, SUBSCRIPTION_QOS)
        };
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
        if (closed || client.isConnected()) {
            return;
        }
        try {
            client.connect(connectOptions()).waitForCompletion(TOKEN_TIMEOUT_MS);
            // the session may already hold the subscription; subscribing again is harmless and
            // covers a broker that lost its sessions
            MqttSubscription[] subscriptions = subscriptions();
            IMqttToken subscription = client.subscribe(subscriptions);
            subscription.waitForCompletion(TOKEN_TIMEOUT_MS);
            int[] granted = subscription.getReasonCodes();
            for (int code : granted) {
                if (code >= FAILED_SUBSCRIPTION) {
                    throw new MqttException(code);
                }
            }
            backoff.reset();
            log.info("connected to MQTT broker {} as {} (MQTT 5); subscribed to {}", shownBroker,
                    options.mqttClientId(), java.util.Arrays.stream(subscriptions).map(MqttSubscription::getTopic).toList());
        } catch (MqttException | RuntimeException e) {
            // whatever went wrong, another attempt must follow, or the bridge would stay deaf
            if (closed) {
                return;
            }
            dropConnection();
            Duration wait = backoff.next();
            if (e instanceof MqttException m && (m.getReasonCode() == 0x84 || m.getReasonCode() == 50001)) {
                log.error("MQTT broker {} does not accept MQTT 5, which a shared subscription needs: use an MQTT 5"
                        + " broker (Mosquitto 2, EMQX, HiveMQ) or run one instance without a share group", shownBroker);
            }
            log.warn("cannot connect to MQTT broker {}: {}; retrying in {} ms", shownBroker, describe(e),
                    wait.toMillis());
            scheduleConnect(wait);
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
        if (client.isConnected()) {
            try {
                client.disconnectForcibly(0, 1000, false);
            } catch (MqttException e) {
                log.debug("forced disconnect: {}", describe(e));
            }
        }
    }

    private void store(String topic, MqttMessage message) {
        try {
            ingest.accept(topic, message.getPayload(), message.isRetained());
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
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException | RuntimeException e) {
            // stored but not acknowledged: it comes again and falls away as a duplicate
            log.debug("could not acknowledge message {} on {}: {}", message.getId(), topic, e.getMessage());
        }
    }

    private static String describe(Exception e) {
        String reason = e instanceof MqttException m ? e.getMessage() + " (" + m.getReasonCode() + ")" : e.toString();
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
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            dropConnection();
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            log.debug("closing MQTT client: {}", describe(e));
        }
        log.info("disconnected from MQTT broker {}", shownBroker);
    }

    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // nothing: connect() subscribes and logs once the subscription is granted
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (closed) {
                return;
            }
            Duration wait = backoff.next();
            log.warn("lost connection to MQTT broker {}: {}; reconnecting in {} ms", shownBroker,
                    response.getException() != null ? response.getException() : response.getReasonString(),
                    wait.toMillis());
            scheduleConnect(wait);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT error from {}: {}", shownBroker, describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                storeThread.execute(() -> store(topic, message));
            } catch (RejectedExecutionException e) {
                // closing: left unacknowledged, so the broker delivers it to the next run
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // the bridge publishes nothing
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
