package org.anxin.uplink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.anxin.driver.api.Backoff;
import org.anxin.protocol.Body;
import org.anxin.protocol.Channel;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.ProtocolException;
import org.anxin.protocol.SignedEnvelope;
import org.anxin.protocol.Topics;
import org.anxin.store.Outbox;
import org.anxin.store.StoredMessage;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to the broker. A message leaves the outbox only when the bridge has confirmed
 * that it stored it (a signed receipt, {@link Confirmations}), not on the broker's PUBACK: a broker
 * may drop what it acknowledged when a session's queue overflows. A crash, an outage or a full
 * broker queue at any moment loses nothing; it may send a message twice, which the bridge drops by
 * (gateway, seq). With {@code deleteOn=broker} (for a bridge before receipts) the PUBACK deletes.
 *
 * <p>A row the broker has acknowledged but the outbox cannot delete (a full disk) is remembered
 * here, left out of what is sent, and its delete retried; the connection is kept. After a restart
 * it is sent once more, which the bridge drops as a duplicate.
 *
 * <p>Paho's automatic reconnect is not used: it has known bugs that leak threads and stall. Each
 * connection gets a new client, closed when the connection ends, and Paho runs on one executor that
 * this class owns and shuts down.
 *
 * <p>It also subscribes to what the bridge sends this gateway ({@link Channel#toGateway()}: the
 * desired configuration, retained, so it arrives at every connect; and commands) and hands each
 * well-formed message addressed to this gateway to the downlink consumer.
 */
public final class Uplink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Uplink.class);

    private final UplinkOptions options;
    private final Outbox outbox;
    private final Clock clock;
    private final String version;
    private final Instant startedAt;
    /** When it started on the monotonic clock: heartbeats are paced, and the uptime counted, on it. */
    private final long startedNanos = System.nanoTime();
    /** The time the last heartbeat or state was sent with; see {@link #stamp}. */
    private Instant lastStamp;
    private final ScheduledExecutorService pahoExecutor;
    private final Thread worker;
    private final Map<Long, Boolean> inflight = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Long> acknowledged = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Long> failed = new LinkedBlockingQueue<>();
    /** Acknowledged by the broker, not yet deleted from the outbox: never sent again, deleted later. Uplink thread only. */
    private final java.util.Set<Long> unremoved = new java.util.HashSet<>();
    private final AtomicInteger unremovedCount = new AtomicInteger();
    private final AtomicLong deleteFailures = new AtomicLong();
    private Instant nextDeleteRetry = Instant.MIN;
    /** Retry of deletes that failed, at most this often: each try on a full disk costs a checkpoint. */
    private static final Duration DELETE_RETRY = Duration.ofSeconds(1);
    private final SSLSocketFactory socketFactory;
    private final AtomicLong published = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong downlinkReceived = new AtomicLong();
    private final AtomicLong downlinkRejected = new AtomicLong();
    private final Consumer<Envelope> downlink;
    private final Supplier<GatewayHealth> health;
    /** Receipts from the bridge, handed from Paho's thread to the uplink's. */
    private final LinkedBlockingQueue<org.anxin.protocol.Receipt> receipts = new LinkedBlockingQueue<>();
    private final Confirmations confirmations; // uplink thread only; null when rows are deleted on the broker's PUBACK
    private final AtomicInteger unconfirmedCount = new AtomicInteger();
    private final AtomicLong receiptsRefused = new AtomicLong();
    private Instant nextResendWarning = Instant.MIN;
    /** The last number when the window of unconfirmed readings was full: only a new message is worth a look then. */
    private long peekedWhenFull = -1;
    private static final Duration RESEND_WARNING_EVERY = Duration.ofMinutes(10);
    /**
     * Readings sent and not confirmed, at most, now: halved when some went unconfirmed for the wait
     * (a broker queue overflowed, or the bridge is behind; at most once per wait), grown by an
     * eighth of what each receipt confirms, up to
     * {@code maxUnconfirmed}. Gateways that storm a broker together so back off to what it and the
     * bridge take, instead of sending everything again and again. Uplink thread only.
     */
    private int window;
    private Instant nextHalving = Instant.MIN;
    private final AtomicInteger windowNow = new AtomicInteger();
    static final int MIN_WINDOW = 8;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile MqttAsyncClient client;
    private final java.util.Set<MqttAsyncClient> unclosed = ConcurrentHashMap.newKeySet();

    public Uplink(UplinkOptions options, Outbox outbox, Clock clock, String version) {
        this(options, outbox, clock, version, envelope -> { });
    }

    public Uplink(UplinkOptions options, Outbox outbox, Clock clock, String version, Consumer<Envelope> downlink) {
        this(options, outbox, clock, version, downlink, () -> null);
    }

    /** @param health the gateway's health for each heartbeat; {@code null} from it sends a heartbeat without */
    public Uplink(UplinkOptions options, Outbox outbox, Clock clock, String version, Consumer<Envelope> downlink,
                  Supplier<GatewayHealth> health) {
        this.options = options;
        this.downlink = downlink;
        this.health = health;
        this.outbox = outbox;
        this.clock = clock;
        this.version = version;
        this.startedAt = clock.instant();
        this.confirmations = options.confirming().deleteOn() == UplinkOptions.DeleteOn.BRIDGE
                ? new Confirmations(options.confirming().confirmWait(), clock) : null;
        this.window = Math.min(options.confirming().maxUnconfirmed(), Math.max(MIN_WINDOW, options.maxInflight()));
        windowNow.set(window);
        this.socketFactory = options.brokerUrl().startsWith("ssl:") ? TlsSockets.socketFactory(options.tls()) : null;
        this.pahoExecutor = new PahoExecutor("anxin-uplink-paho");
        this.worker = new Thread(this::run, "anxin-uplink");
        worker.setDaemon(true);
        worker.start();
    }

    /** Whether the uplink is connected to the broker now. */
    public boolean isConnected() {
        return connected;
    }

    /** Messages the broker has acknowledged since start. */
    public long published() {
        return published.get();
    }

    /** Messages from the bridge handed to the downlink consumer since start. */
    public long downlinkReceived() {
        return downlinkReceived.get();
    }

    /** Messages from the bridge refused since start: malformed, or addressed to another gateway. */
    public long downlinkRejected() {
        return downlinkRejected.get();
    }

    /** Messages the broker has acknowledged that the outbox could not delete yet (full disk). */
    public int unremoved() {
        return unremovedCount.get();
    }

    /** Deletes of acknowledged messages the outbox refused since start, retries included. */
    public long deleteFailures() {
        return deleteFailures.get();
    }

    /** Messages the broker acknowledged that wait for the bridge's receipt. */
    public int unconfirmed() {
        return unconfirmedCount.get();
    }

    /** Messages the bridge confirmed it stored, since start. */
    public long confirmed() {
        return confirmations == null ? 0 : confirmations.confirmed();
    }

    /** Messages sent again because the bridge had not confirmed them within the wait, since start. */
    public long resent() {
        return confirmations == null ? 0 : confirmations.resent();
    }

    /** Readings this uplink lets wait for the bridge's receipt at most, now (it adapts: halved on a resend). */
    public int window() {
        return windowNow.get();
    }

    /** Receipts refused: their signature did not verify, or they were not receipts for this gateway. */
    public long receiptsRefused() {
        return receiptsRefused.get();
    }

    /** Connections made since start. */
    public int connections() {
        return connections.get();
    }

    private void run() {
        // half jitter: gateways that lost the same broker do not all come back in the same second
        Backoff.Schedule reconnect = new Backoff(options.minReconnectWait(), options.maxReconnectWait(), 2, 0.5)
                .schedule(ThreadLocalRandom.current());
        while (running) {
            Exception failure = null;
            try {
                MqttAsyncClient c = connect();
                reconnect.reset();
                try {
                    pump(c);
                } finally {
                    disconnect(c, false);
                }
            } catch (MqttException | RuntimeException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!running) {
                return;
            }
            Duration wait = reconnect.next();
            if (failure instanceof MqttException) {
                LOG.warn("cannot reach broker {}: {}; retrying in {} ms", options.brokerUrl(), failure.getMessage(), wait.toMillis());
            } else if (failure != null) {
                LOG.error("uplink error, reconnecting in {} ms", wait.toMillis(), failure);
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private MqttAsyncClient connect() throws MqttException {
        MqttAsyncClient c = track(new MqttAsyncClient(options.brokerUrl(), "anxin-gw-" + options.gatewayId(),
                new MemoryPersistence(), new ScheduledExecutorPingSender(pahoExecutor), pahoExecutor));
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setCleanSession(true); // the outbox is our persistence, not the broker session
        connect.setAutomaticReconnect(false);
        connect.setMaxInflight(options.maxInflight() + 10); // the window, plus birth and heartbeat
        if (socketFactory != null) {
            connect.setSocketFactory(socketFactory);
            connect.setHttpsHostnameVerificationEnabled(true);
        }
        connect.setKeepAliveInterval(30);
        connect.setConnectionTimeout(10);
        if (!options.username().isEmpty()) {
            connect.setUserName(options.username());
            connect.setPassword(options.password().toCharArray());
        }
        Envelope will = envelope(new GatewayState(GatewayState.Status.OFFLINE, version, startedAt));
        connect.setWill(will.topic(), encode(will), will.body().channel().qos(), true);
        c.setCallback(new Inbound());
        // the whole handshake or nothing: a connection lost half way is closed here, or its client's
        // threads would outlive it
        try {
            c.connect(connect).waitForCompletion(TimeUnit.SECONDS.toMillis(15));
            String[] topics = {Topics.of(options.gatewayId(), Channel.CONFIG_DESIRED), Topics.of(options.gatewayId(), Channel.COMMAND),
                Topics.of(options.gatewayId(), Channel.STORED)};
            // not waited for: a connection cut before the SUBACK is noticed by pump() like any other
            c.subscribe(topics, new int[] {1, 1, 1}, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    for (int granted : token.getGrantedQos()) {
                        if (granted == 0x80) {
                            LOG.error("the broker refused the subscription to {}; configuration and commands from the bridge"
                                    + " will not arrive (check its ACL)", String.join(", ", topics));
                            return;
                        }
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.debug("subscription failed: {}", e.toString());
                }
            });
            publish(c, envelope(new GatewayState(GatewayState.Status.ONLINE, version, startedAt)));
        } catch (MqttException | RuntimeException e) {
            forceClose(c);
            throw e;
        }
        client = c;
        connected = true;
        connections.incrementAndGet();
        LOG.info("connected to {} as gateway {}{}", options.brokerUrl(), options.gatewayId(), options.signingKey() == null
                ? "; no signingKey, so its messages are unsigned and a bridge hears them only if it allows unsigned gateways"
                : ", signing with its own key");
        return c;
    }

    /**
     * Keeps up to {@code maxInflight} messages published and unacknowledged. The outbox is read in
     * batches (a quarter of the window at least, so a full window is not re-read for every single
     * acknowledgement), and the acknowledged rows are deleted together, in one transaction.
     */
    private void pump(MqttAsyncClient c) throws InterruptedException, MqttException {
        inflight.clear();
        acknowledged.clear();
        failed.clear();
        if (confirmations != null) {
            confirmations.newConnection();
        }
        int minBatch = Math.max(1, options.maxInflight() / 4);
        // paced on the monotonic clock: a wall clock stepped back by hours must not stop the heartbeats that long
        long nextHeartbeat = System.nanoTime();
        while (running && c.isConnected()) {
            removeAcknowledged();
            int room = options.maxInflight() - inflight.size();
            List<StoredMessage> batch = room >= minBatch || (room > 0 && inflight.isEmpty()) ? next(room) : List.of();
            for (StoredMessage message : batch) {
                inflight.put(message.seq(), Boolean.TRUE);
                Envelope envelope = Envelope.of(options.gatewayId(), message.seq(), message.created(), message.body());
                MqttMessage mqtt = new MqttMessage(encode(envelope));
                mqtt.setQos(envelope.body().channel().qos());
                mqtt.setRetained(envelope.body().channel().retained());
                c.publish(envelope.topic(), mqtt, message.seq(), new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        acknowledged.add((Long) token.getUserContext());
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        // stays in the outbox and is sent again
                        failed.add((Long) token.getUserContext());
                        LOG.debug("publish of {} failed: {}", token.getUserContext(), e.toString());
                    }
                });
            }
            if (System.nanoTime() - nextHeartbeat >= 0) {
                // the number first, then the count: "queued 0" then means every message up to that number
                // has left, which the bridge relies on to tell a gap from a message still on its way
                long lastSeq = outbox.lastSequence();
                Heartbeat heartbeat = new Heartbeat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos), outbox.size(),
                        health());
                publish(c, Envelope.of(options.gatewayId(), lastSeq, stamp(), heartbeat));
                nextHeartbeat = System.nanoTime() + options.heartbeat().toNanos();
            }
            if (batch.isEmpty()) {
                if (inflight.isEmpty() && unremoved.isEmpty() && (confirmations == null || confirmations.size() == 0)) {
                    outbox.awaitMessages(Duration.ofMillis(50)); // short: a lost connection is noticed here
                } else {
                    // rows left undeleted count as messages, so awaitMessages would return at once
                    Long seq = acknowledged.poll(20, TimeUnit.MILLISECONDS);
                    if (seq != null) {
                        acknowledged.add(seq);
                    }
                }
            }
        }
        removeAcknowledged();
        if (running) {
            LOG.warn("connection to {} lost; {} messages wait in the outbox", options.brokerUrl(), outbox.size());
        }
    }

    /** The health for a heartbeat; a supplier that fails costs the heartbeat its health, never the heartbeat. */
    private GatewayHealth health() {
        try {
            return health.get();
        } catch (RuntimeException e) {
            LOG.warn("the gateway's health could not be taken: {}", e.toString());
            return GatewayHealth.of(List.of(new GatewayHealth.Problem(GatewayHealth.Code.OTHER, "health",
                    "the gateway's health could not be taken: " + e)), null);
        }
    }

    /**
     * The next messages to send. While the bridge has not confirmed a {@link #window} of them,
     * only alerts and health events leave: a broker's queue is not flooded faster than the
     * bridge stores, and an alert is never held back by the window.
     */
    private List<StoredMessage> next(int room) {
        int open = confirmations == null ? room : window - confirmations.size() - inflight.size();
        if (open > 0) {
            peekedWhenFull = -1;
            return outbox.peek(Math.min(room, open), notToSend());
        }
        long last = outbox.lastSequence();
        if (last == peekedWhenFull) {
            return List.of(); // nothing new since the last look: no alert can have come
        }
        peekedWhenFull = last;
        return outbox.peek(room, notToSend()).stream().filter(m -> m.priority() != org.anxin.store.Priority.TELEMETRY).toList();
    }

    private java.util.Set<Long> notToSend() {
        boolean waiting = confirmations != null && confirmations.size() > 0;
        if (unremoved.isEmpty() && !waiting) {
            return inflight.keySet();
        }
        java.util.Set<Long> skip = new java.util.HashSet<>(inflight.keySet());
        skip.addAll(unremoved);
        if (waiting) {
            skip.addAll(confirmations.awaiting());
        }
        return skip;
    }

    /**
     * Deletes what the broker has acknowledged. A delete the outbox refuses is not a reason to
     * reconnect: that would send the same rows again and again while the disk stays full.
     */
    private void removeAcknowledged() {
        List<Long> done = new ArrayList<>();
        acknowledged.drainTo(done);
        if (confirmations != null) {
            // the broker's PUBACK only starts the wait for the bridge; the receipt deletes
            published.addAndGet(done.size());
            done.forEach(confirmations::acknowledged);
            done.forEach(inflight::remove);
            done = takeConfirmed();
            resendUnconfirmed();
        }
        if (!done.isEmpty()) {
            done.forEach(inflight::remove);
            if (confirmations == null) {
                published.addAndGet(done.size());
            }
            if (!unremoved.isEmpty() && !clock.instant().isBefore(nextDeleteRetry)) {
                done.addAll(unremoved); // one transaction for the new and the old
            }
            delete(done);
        } else if (!unremoved.isEmpty() && !clock.instant().isBefore(nextDeleteRetry)) {
            delete(new ArrayList<>(unremoved));
        }
        List<Long> retry = new ArrayList<>();
        failed.drainTo(retry);
        retry.forEach(inflight::remove);
        if (confirmations != null) {
            retry.forEach(confirmations::failed);
            unconfirmedCount.set(confirmations.size());
        }
    }

    /** The rows the bridge's receipts name that this uplink sent: to delete. */
    private List<Long> takeConfirmed() {
        List<org.anxin.protocol.Receipt> arrived = new ArrayList<>();
        receipts.drainTo(arrived);
        List<Long> delete = new ArrayList<>();
        for (org.anxin.protocol.Receipt receipt : arrived) {
            List<Long> confirmedNow = confirmations.confirm(receipt, inflight.keySet());
            if (!confirmedNow.isEmpty()) {
                window = Math.min(options.confirming().maxUnconfirmed(), window + Math.max(1, confirmedNow.size() / 8));
            }
            delete.addAll(confirmedNow);
        }
        windowNow.set(window);
        return delete;
    }

    private void resendUnconfirmed() {
        int again = confirmations.expire();
        // once per wait: the messages of one overflow expire one after another, and are one signal
        if (again > 0 && !clock.instant().isBefore(nextHalving)) {
            window = Math.max(MIN_WINDOW, window / 2);
            windowNow.set(window);
            nextHalving = clock.instant().plus(options.confirming().confirmWait());
        }
        if (again > 0 && !clock.instant().isBefore(nextResendWarning)) {
            nextResendWarning = clock.instant().plus(RESEND_WARNING_EVERY);
            LOG.warn("{} message(s) the broker acknowledged were not confirmed by the bridge within {} s; sending them"
                    + " again ({} sent again since start). A bridge that is down or behind confirms them later; a bridge"
                    + " that predates receipts never does (set deleteOn=broker for it)", again,
                    options.confirming().confirmWait().toSeconds(), confirmations.resent());
        }
        unconfirmedCount.set(confirmations.size());
    }

    private void delete(List<Long> seqs) {
        try {
            outbox.remove(seqs);
            if (!unremoved.isEmpty()) {
                seqs.forEach(unremoved::remove);
                if (unremoved.isEmpty()) {
                    LOG.info("the outbox deletes sent messages again");
                }
            }
        } catch (org.anxin.store.StoreException e) {
            if (unremoved.isEmpty()) {
                LOG.error("cannot delete {} message(s) the broker has acknowledged: {}; they are not sent again,"
                        + " the delete is retried", seqs.size(), e.getMessage());
            }
            unremoved.addAll(seqs);
            deleteFailures.incrementAndGet();
            nextDeleteRetry = clock.instant().plus(DELETE_RETRY);
        }
        unremovedCount.set(unremoved.size());
    }

    private final class Inbound implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            // noticed by pump(), which reconnects
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            accept(topic, message.getPayload());
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    /** Never throws: an exception here would make Paho drop the connection. */
    void accept(String topic, byte[] payload) {
        try {
            Topics.Address address = Topics.parse(topic).orElse(null);
            if (address == null || !address.gateway().equals(options.gatewayId()) || !address.channel().toGateway()) {
                refuse(topic, "not a topic the bridge sends this gateway on");
                return;
            }
            if (payload.length == 0) {
                return; // a retained document cleared by the bridge
            }
            Envelope envelope = MessageCodec.decode(payload);
            if (!envelope.gateway().equals(options.gatewayId()) || envelope.body().channel() != address.channel()) {
                refuse(topic, "envelope for gateway " + envelope.gateway() + " with a " + envelope.body().channel().path() + " body");
                return;
            }
            if (envelope.body() instanceof org.anxin.protocol.StoredReceipt stored) {
                org.anxin.protocol.Receipt receipt;
                try {
                    receipt = stored.open(options.confirming().bridgeKeyNow());
                } catch (ProtocolException e) {
                    receiptsRefused.incrementAndGet();
                    refuse(topic, e.getMessage());
                    return;
                }
                if (!receipt.gateway().equals(options.gatewayId())) {
                    receiptsRefused.incrementAndGet();
                    refuse(topic, "a receipt for gateway " + receipt.gateway());
                    return;
                }
                if (confirmations != null) {
                    receipts.add(receipt);
                }
                return;
            }
            downlinkReceived.incrementAndGet();
            downlink.accept(envelope);
        } catch (ProtocolException e) {
            refuse(topic, e.getMessage());
        } catch (RuntimeException e) {
            downlinkRejected.incrementAndGet();
            LOG.error("message from the bridge on {} failed", topic, e);
        }
    }

    private void refuse(String topic, String why) {
        downlinkRejected.incrementAndGet();
        LOG.warn("refused message on {}: {}", topic, why);
    }

    private Envelope envelope(Body body) {
        return Envelope.of(options.gatewayId(), outbox.lastSequence(), stamp(), body);
    }

    /**
     * The time a heartbeat or state goes with: the wall clock's, or a millisecond after the last
     * one sent while the wall clock is behind it (NTP stepping a Pi's clock back). The bridge takes
     * a heartbeat no later than the last, with no new message, for a replay and no sign of life,
     * and would call the gateway offline for as long as the clock went back.
     */
    private synchronized Instant stamp() {
        Instant wall = clock.instant();
        lastStamp = lastStamp == null || wall.isAfter(lastStamp) ? wall : lastStamp.plusMillis(1);
        return lastStamp;
    }

    /** The payload for an envelope: signed by this gateway's key when it has one. */
    private byte[] encode(Envelope envelope) {
        return options.signingKey() == null ? MessageCodec.encode(envelope)
                : SignedEnvelope.seal(options.signingKey(), envelope);
    }

    private void publish(MqttAsyncClient c, Envelope envelope) throws MqttException {
        c.publish(envelope.topic(), encode(envelope), envelope.body().channel().qos(), envelope.body().channel().retained());
    }

    private void disconnect(MqttAsyncClient c, boolean announceOffline) {
        connected = false;
        client = null;
        if (c.isConnected()) {
            try {
                if (announceOffline) {
                    Envelope offline = envelope(new GatewayState(GatewayState.Status.OFFLINE, version, startedAt));
                    c.publish(offline.topic(), encode(offline), 1, true).waitForCompletion(2000);
                }
                c.disconnect(1000).waitForCompletion(2000);
            } catch (MqttException e) {
                LOG.debug("disconnect: {}", e.getMessage());
            }
        }
        // A disconnect that has not finished (it waited out its timeout) must not meet a plain close:
        // Paho then marks the close pending, its disconnect task skips the shutdown, and the
        // connection's sender and callback threads live for ever. A forced shutdown first stops them.
        forceClose(c);
    }

    private MqttAsyncClient track(MqttAsyncClient c) {
        unclosed.add(c);
        return c;
    }

    /**
     * Closes a client for good. Paho refuses to close a client whose connect is still under way
     * (it then finishes in the background and its threads live on), so such a client stays in
     * {@link #unclosed} and {@link #close()} forces it shut.
     */
    private void closeQuietly(MqttAsyncClient c) {
        try {
            c.close(true);
            unclosed.remove(c);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.getMessage());
        }
    }

    private void forceClose(MqttAsyncClient c) {
        try {
            c.disconnectForcibly(0, 100, false);
        } catch (MqttException | RuntimeException e) {
            LOG.debug("forced disconnect: {}", e.getMessage());
        }
        closeQuietly(c);
    }

    /** Announces the gateway offline, disconnects and stops every thread the uplink started. */
    @Override
    public void close() {
        running = false;
        MqttAsyncClient c = client;
        if (c != null) {
            disconnect(c, true);
        }
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (MqttAsyncClient leftover : List.copyOf(unclosed)) {
            forceClose(leftover);
        }
        pahoExecutor.shutdownNow();
    }
}
