package org.anxin.bridge;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.core.NotificationListener;
import org.anxin.bridge.core.Redaction;
import org.anxin.bridge.store.Access;
import org.anxin.bridge.store.Database;
import org.anxin.bridge.store.DatabaseGauges;
import org.anxin.bridge.store.Incidents;
import org.anxin.bridge.store.IngestStore;
import org.anxin.bridge.store.ReadModel;
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
    private final RestApi api;
    private final MqttIngress mqtt;
    private final Deque<AutoCloseable> closeInOrder;
    private Deliveries deliveries;
    private SigningKey signingKey;
    private Database db;
    private GatewayKeys gatewayKeys;
    private boolean closed;

    private Bridge(BridgeOptions options, BridgeCounters counters, RestApi api, MqttIngress mqtt,
                   Deque<AutoCloseable> closeInOrder) {
        this.options = options;
        this.counters = counters;
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
    /**
     * Sets the limits of the JDK's HTTP server that the bridge's API needs (timeouts for slow
     * clients), unless set with {@code -D}. The JDK reads them at the first server a process makes:
     * a process that makes another server before starting the bridge calls this first.
     */
    public static void applyHttpServerLimits() {
        RestApi.applyServerLimits();
    }

    public static Bridge start(BridgeOptions options) {
        return start(options, Clock.systemUTC());
    }

    /** With the clock of every timer, session and login lock: a test's, so that it need not sleep. */
    static Bridge start(BridgeOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        log.info("starting bridge with {}", options);
        BridgeCounters counters = new BridgeCounters();
        // what has started, to be stopped in reverse if a later part fails; ingest (MQTT) stops first
        // so nothing is stored after the deliveries and the database are gone
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            // first: a missing or broken key must stop the start before anything else happens
            SigningKey signingKey = SigningKey.loadOrCreate(options.signingKeyFile());
            Database db = Database.open(options);
            started.push(db);
            DownlinkPublisher downlink = new DownlinkPublisher(options, clock);
            started.push(downlink);
            RemoteConfig remoteConfig = new RemoteConfig(db, signingKey, downlink, clock);
            GatewayCommands commands = new GatewayCommands(db, signingKey, downlink, clock);
            WebhookFeed feed = WebhookFeed.of(options);
            feed.shown().ifPresentOrElse(url -> log.info("every alert event goes to the webhook feed {}", url),
                    () -> log.info("no webhook feed configured: alerts reach only the people of their homes' escalations"));
            Map<String, Channel> channels = new LinkedHashMap<>();
            channels.put("webhook", new HttpChannels.Webhook());
            options.smtp().ifPresent(smtp -> channels.put("email", new EmailChannel(smtp)));
            options.sms().ifPresent(sms -> channels.put("sms", new HttpChannels.Sms(sms)));
            log.info("channels to people: {}", channels.keySet());
            Deliveries deliveries = new Deliveries(db, channels, options.deliveryAttempts(), options.deliveryRetryBase(),
                    feed, counters, clock);
            options.notificationListeners().forEach(deliveries::addListener);
            started.push(deliveries);
            RestApi[] apiHolder = new RestApi[1]; // acknowledgement links point at the API once it listens
            Supplier<URI> publicBase = () -> options.publicUrl().orElseGet(() -> apiHolder[0].uri());
            Escalations escalations = new Escalations(db, clock, channels.keySet(), publicBase, counters, options.zone(),
                    options.fallbackRecipients(), feed);
            Operators operators = new Operators(db, clock, options.sessionLength(), channels.keySet());
            options.adminUser().ifPresent(user -> {
                operators.ensureAdministrator(user, options.adminPassword().orElseThrow());
                log.info("operator {} may log in as an administrator", user);
            });
            GatewayKeys gatewayKeys = new GatewayKeys(db, clock, options.allowUnsignedGateways());
            if (options.allowUnsignedGateways()) {
                log.warn("unsigned gateways are allowed: a gateway with no registered key is heard without a signature,"
                        + " so anyone who can publish to the broker can speak for it");
            }
            GatewaySupervisor supervisor = new GatewaySupervisor(db, options.supervisionInterval(), escalations,
                    counters, clock, options.zone());
            MessageIngest ingest = new MessageIngest(new IngestStore(db), escalations, deliveries, counters,
                    clock, remoteConfig, commands, gatewayKeys, supervisor);
            DownlinkPublisher receiptsDownlink = new DownlinkPublisher(options, clock, "receipts");
            started.push(receiptsDownlink);
            StoredReceipts receipts = new StoredReceipts(receiptsDownlink, signingKey, counters, clock).start();
            started.push(receipts);
            ingest.confirmTo(receipts);
            MqttIngress[] mqtt = new MqttIngress[1]; // the API asks it for the connection state
            java.util.function.BooleanSupplier mqttConnected = () -> mqtt[0] != null && mqtt[0].isConnected();
            RestApi api = RestApi.start(options.httpHost(), options.httpPort(),
                    new RestApi.Parts(new ReadModel(db), new Directory(db, clock), new Policies(db, clock, channels.keySet()), escalations,
                            new Incidents(db), deliveries, operators, remoteConfig, commands,
                            new Provisioning(db, signingKey, options.brokerUrlForGateways(), gatewayKeys, clock), signingKey, new Access(db)),
                    counters, mqttConnected, db::isReachable,
                    Redaction.url(options.brokerUrl()), options.metricsToken());
            DatabaseGauges.bind(counters.registry(), db, mqttConnected);
            apiHolder[0] = api;
            started.push(api);
            started.push(Timers.start(options, escalations, deliveries, supervisor, remoteConfig, commands));
            mqtt[0] = MqttIngress.start(options, ingest, counters);
            started.push(mqtt[0]);
            if (!options.mqttShareGroup().isEmpty()) {
                started.push(SessionTakeover.start(options, db, ingest, counters, clock));
            }
            Bridge bridge = new Bridge(options, counters, api, mqtt[0], started);
            bridge.deliveries = deliveries;
            bridge.signingKey = signingKey;
            bridge.db = db;
            bridge.gatewayKeys = gatewayKeys;
            return bridge;
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /**
     * The bridge's clocks: escalation steps and deliveries that fall due, and gateway supervision.
     * Each runs on a timer of this instance but takes its work from the database, so any instance
     * carries on what another started.
     */
    private static final class Timers implements AutoCloseable {
        private static final long REPUBLISH_MS = 3_000;
        private final ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(new NamedThreads("timers"));
        private final ScheduledExecutorService downlinkTimer =
                Executors.newSingleThreadScheduledExecutor(new NamedThreads("downlink-timer"));

        static Timers start(BridgeOptions options, Escalations escalations, Deliveries deliveries,
                            GatewaySupervisor supervisor, RemoteConfig remoteConfig, GatewayCommands commands) {
            Timers t = new Timers();
            long poll = options.escalationPollInterval().toMillis();
            t.timer.scheduleWithFixedDelay(() -> guarded("escalation timer", () -> {
                deliveries.sendNow(escalations.runDue(50));
                deliveries.sendDue();
            }), poll, poll, TimeUnit.MILLISECONDS);
            // a quarter of the interval: an offline gateway is noticed within 1.25 intervals
            long tick = Math.max(200, Math.min(15_000, options.supervisionInterval().toMillis() / 4));
            t.timer.scheduleWithFixedDelay(() -> guarded("gateway supervision", () -> {
                deliveries.sendNow(supervisor.check().deliveries());
            }), tick, tick, TimeUnit.MILLISECONDS);
            // documents the broker did not take at push time; the broker keeps them retained once it has them.
            // A thread of its own: waiting for an unreachable broker must not delay an escalation step
            t.downlinkTimer.scheduleWithFixedDelay(() -> guarded("configuration publisher", () -> {
                remoteConfig.publishPending();
                commands.expireOverdue();
            }), REPUBLISH_MS, REPUBLISH_MS, TimeUnit.MILLISECONDS);
            return t;
        }

        private static void guarded(String what, Runnable task) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // a database outage must not stop the timer for good; the next tick tries again
                log.warn("{} failed: {}", what, e.getMessage());
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
            downlinkTimer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
                downlinkTimer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

    /**
     * The public half of the key that signs configuration documents and commands, Base64 X.509
     * SubjectPublicKeyInfo: what gateways are provisioned with.
     */
    public String signingPublicKey() {
        return signingKey.publicKeyBase64();
    }

    /**
     * Registers (or replaces) a gateway's own public key, as {@code POST /api/gateways/{id}/provision}
     * does, for a gateway set up without the API (the demo). From then on only messages that key
     * signed are heard from the gateway.
     *
     * @param publicKey Base64 X.509 Ed25519 public key
     * @throws IllegalArgumentException when it is not one
     */
    public void registerGatewayKey(String gateway, String publicKey) {
        RemoteConfig.requireGateway(gateway);
        java.security.PublicKey key = org.anxin.protocol.Signatures.publicKey(publicKey);
        db.inTransaction(c -> {
            gatewayKeys.register(c, gateway, key, "bridge", System.currentTimeMillis());
            return null;
        });
    }

    public BridgeOptions options() {
        return options;
    }

    /**
     * Adds a listener told of every notification's outcome: the webhook feed's (if a webhook is
     * configured) and every message to a person.
     */
    public void addNotificationListener(NotificationListener listener) {
        deliveries.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops ingest (what has arrived is stored first), the deliveries (what this instance holds is
     * handed back, to be sent by the next run or another instance), the API and the database.
     * Idempotent.
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
