package org.anxin.bridge;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud bridge: takes every gateway's messages from MQTT, stores them, notifies about alerts,
 * and serves what it stored over a REST API.
 *
 * <pre>{@code
 * try (Bridge bridge = Bridge.start(BridgeOptions.builder().webhookUrl("https://example.org/hook").build())) {
 *     System.out.println(bridge.httpUri());
 *     ...
 * }
 * }</pre>
 */
public final class Bridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Bridge.class);

    private final BridgeOptions options;
    private final BridgeCounters counters;
    private final WebhookNotifier notifier;
    private final RestApi api;
    private final MqttSubscriber mqtt;
    private final Deque<AutoCloseable> closeInOrder;
    private boolean closed;

    private Bridge(BridgeOptions options, BridgeCounters counters, WebhookNotifier notifier, RestApi api,
                   MqttSubscriber mqtt, Deque<AutoCloseable> closeInOrder) {
        this.options = options;
        this.counters = counters;
        this.notifier = notifier;
        this.api = api;
        this.mqtt = mqtt;
        this.closeInOrder = closeInOrder;
    }

    /**
     * Migrates the database, starts the REST API and starts connecting to the broker. Returns
     * without waiting for the broker, which may come up later.
     *
     * @throws IllegalStateException when the database cannot be opened or the API's port is taken
     */
    public static Bridge start(BridgeOptions options) {
        Objects.requireNonNull(options, "options");
        log.info("starting bridge with {}", options);
        Clock clock = Clock.systemUTC();
        BridgeCounters counters = new BridgeCounters();
        // what has started, to be stopped in reverse if a later part fails; ingest (MQTT) stops first
        // so nothing is stored after the notifier and the database are gone
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Database db = Database.open(options);
            started.push(db);
            WebhookNotifier notifier = null;
            if (options.webhookUrl().isPresent()) {
                notifier = new WebhookNotifier(options.webhookUrl().get(), options.webhookAttempts(),
                        options.webhookRetryBase(), new NotificationStore(db), counters, clock);
                options.notificationListeners().forEach(notifier::addListener);
                started.push(notifier);
                log.info("alert notifications go to {}", notifier.target());
            } else {
                log.info("no webhook configured: alerts are stored, nobody is notified");
            }
            MessageIngest ingest = new MessageIngest(new IngestStore(db), notifier, counters, clock);
            MqttSubscriber[] mqtt = new MqttSubscriber[1]; // the API asks it for the connection state
            RestApi api = RestApi.start(options.httpHost(), options.httpPort(), new ReadModel(db), counters,
                    () -> mqtt[0] != null && mqtt[0].isConnected(), db::isReachable,
                    Redaction.url(options.brokerUrl()));
            started.push(api);
            mqtt[0] = MqttSubscriber.start(options, ingest, counters);
            started.push(mqtt[0]);
            if (notifier != null) {
                notifier.resumePending();
            }
            return new Bridge(options, counters, notifier, api, mqtt[0], started);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** The REST API's base address, e.g. {@code http://127.0.0.1:8080/}. */
    public URI httpUri() {
        return api.uri();
    }

    /** Live counters of what the bridge has received, stored and notified. */
    public BridgeCounters counters() {
        return counters;
    }

    /** Whether the bridge is connected to the MQTT broker right now. */
    public boolean mqttConnected() {
        return mqtt.isConnected();
    }

    public BridgeOptions options() {
        return options;
    }

    /**
     * Adds a listener told of every notification's outcome. Without a webhook there are no
     * notifications and the listener is never called.
     */
    public void addNotificationListener(NotificationListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (notifier != null) {
            notifier.addListener(listener);
        }
    }

    /**
     * Stops ingest (what has arrived is stored first), the notifier (unsent notifications stay
     * pending for the next run), the API and the database. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(closeInOrder);
        log.info("bridge stopped; {}", counters);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable part = started.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("stopping {} failed", part.getClass().getSimpleName(), e);
            }
        }
    }
}
