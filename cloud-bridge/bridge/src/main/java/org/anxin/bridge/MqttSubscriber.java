package org.anxin.bridge;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Topics;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one persistent MQTT session subscribed to every gateway's topics and feeds each message to
 * {@link MessageIngest}.
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
final class MqttSubscriber implements MqttIngress {

    private static final Logger log = LoggerFactory.getLogger(MqttSubscriber.class);

    private static final int SUBSCRIPTION_QOS = 1;
    private static final int FAILED_SUBSCRIPTION = 0x80;
    private static final long TOKEN_TIMEOUT_MS = 15_000;

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

    private MqttSubscriber(BridgeOptions options, MessageIngest ingest, BridgeCounters counters)
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
    static MqttSubscriber start(BridgeOptions options, MessageIngest ingest, BridgeCounters counters) {
        MqttSubscriber subscriber;
        try {
            subscriber = new MqttSubscriber(options, ingest, counters);
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

    private MqttConnectOptions connectOptions() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(false); // the broker queues QoS 1 messages for us while we are away
        o.setAutomaticReconnect(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        options.mqttUsername().ifPresent(o::setUserName);
        options.mqttPassword().ifPresent(p -> o.setPassword(p.toCharArray()));
        return o;
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
            IMqttToken subscription = client.subscribe(Topics.ALL_FROM_GATEWAYS, SUBSCRIPTION_QOS);
            subscription.waitForCompletion(TOKEN_TIMEOUT_MS);
            int granted = subscription.getGrantedQos()[0];
            if (granted == FAILED_SUBSCRIPTION) {
                throw new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED);
            }
            backoff.reset();
            log.info("connected to MQTT broker {} as {}; subscribed to {} at QoS {}", shownBroker,
                    options.mqttClientId(), Topics.ALL_FROM_GATEWAYS, granted);
        } catch (MqttException | RuntimeException e) {
            // whatever went wrong, another attempt must follow, or the bridge would stay deaf
            if (closed) {
                return;
            }
            dropConnection();
            Duration wait = backoff.next();
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

    private final class Callback implements MqttCallbackExtended {

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // nothing: connect() subscribes and logs once the subscription is granted
        }

        @Override
        public void connectionLost(Throwable cause) {
            if (closed) {
                return;
            }
            Duration wait = backoff.next();
            log.warn("lost connection to MQTT broker {}: {}; reconnecting in {} ms", shownBroker, cause,
                    wait.toMillis());
            scheduleConnect(wait);
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
        public void deliveryComplete(IMqttDeliveryToken token) {
            // the bridge publishes nothing
        }
    }
}
