package org.anxin.bridge;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.store.Database;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a shared subscription's messages from waiting for a dead instance. Every instance of a
 * share group records in the database that it is alive. A broker such as Mosquitto goes on
 * queueing messages for a member whose process died (its session persists), so an instance that
 * finds another silent past the timeout resumes that instance's session under its client id,
 * stores what waited there, and ends the session, which takes it out of the group. If the
 * instance comes back meanwhile, the broker hands its session back to it.
 */
final class SessionTakeover implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionTakeover.class);
    /** A drained session is ended once nothing more has arrived for this long. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    private final BridgeOptions options;
    private final Database db;
    private final MessageIngest ingest;
    private final BridgeCounters counters;
    private final Clock clock;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("takeover"));
    private volatile boolean closed;

    private SessionTakeover(BridgeOptions options, Database db, MessageIngest ingest, BridgeCounters counters,
                            Clock clock) {
        this.options = options;
        this.db = db;
        this.ingest = ingest;
        this.counters = counters;
        this.clock = clock;
    }

    static SessionTakeover start(BridgeOptions options, Database db, MessageIngest ingest, BridgeCounters counters,
                                 Clock clock) {
        SessionTakeover t = new SessionTakeover(options, db, ingest, counters, clock);
        long every = Math.max(100, options.instanceTimeout().toMillis() / 4);
        t.timer.scheduleWithFixedDelay(t::tick, 0, every, TimeUnit.MILLISECONDS);
        return t;
    }

    private void tick() {
        try {
            long now = clock.millis();
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO bridge_instances (client_id, share_group,"
                        + " alive_at) VALUES (?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET alive_at = excluded.alive_at,"
                        + " share_group = excluded.share_group")) {
                    ps.setString(1, options.mqttClientId());
                    ps.setString(2, options.mqttShareGroup());
                    ps.setLong(3, now);
                    return ps.executeUpdate();
                }
            });
            for (String dead : claimDead(now)) {
                if (!closed) {
                    drain(dead, now);
                }
            }
        } catch (RuntimeException e) {
            log.warn("instance check failed: {}", e.getMessage());
        }
    }

    /** Instances of this group silent past the timeout, each claimed by this one (marked alive now). */
    private List<String> claimDead(long now) {
        long before = now - options.instanceTimeout().toMillis();
        return db.inTransaction(c -> {
            List<String> silent = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT client_id FROM bridge_instances WHERE share_group = ?"
                    + " AND client_id <> ? AND alive_at < ?" + db.forUpdateSkipLocked())) {
                ps.setString(1, options.mqttShareGroup());
                ps.setString(2, options.mqttClientId());
                ps.setLong(3, before);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        silent.add(rs.getString(1));
                    }
                }
            }
            List<String> claimed = new ArrayList<>();
            for (String id : silent) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE bridge_instances SET alive_at = ?"
                        + " WHERE client_id = ? AND alive_at < ?")) {
                    ps.setLong(1, now);
                    ps.setString(2, id);
                    ps.setLong(3, before);
                    if (ps.executeUpdate() == 1) {
                        claimed.add(id);
                    }
                }
            }
            return claimed;
        });
    }

    private void drain(String deadId, long claimedAt) {
        log.warn("bridge instance {} silent for more than {} s: taking over its MQTT session to store what waits"
                + " there", deadId, options.instanceTimeout().toSeconds());
        AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        AtomicLong drained = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        MqttAsyncClient client = null;
        try {
            client = new MqttAsyncClient(options.brokerUrl(), deadId, new MemoryPersistence());
            MqttAsyncClient c = client;
            client.setManualAcks(true);
            client.setCallback(new MqttCallback() {
                @Override
                public void messageArrived(String topic, MqttMessage message) throws Exception {
                    // on Paho's thread: the messages come one by one, each stored before its ack
                    try {
                        ingest.accept(topic, message.getPayload(), message.isRetained());
                    } catch (RuntimeException e) {
                        // left unacknowledged in the session, which is then kept for another try
                        failed.set(true);
                        counters.storeFailures.incrementAndGet();
                        log.warn("taking over {}: could not store a message on {}: {}", deadId, topic, e.getMessage());
                        return;
                    }
                    c.messageArrivedComplete(message.getId(), message.getQos());
                    drained.incrementAndGet();
                    counters.messagesTakenOver.incrementAndGet();
                    lastArrival.set(System.nanoTime());
                }

                @Override
                public void disconnected(MqttDisconnectResponse response) {
                    log.info("session of {} ended: {}", deadId, response.getReasonString());
                }

                @Override
                public void mqttErrorOccurred(MqttException exception) {
                    log.warn("taking over {}: {}", deadId, exception.getMessage());
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                }
            });
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(false); // resume the dead instance's session with what is queued in it
            o.setSessionExpiryInterval(Mqtt5Subscriber.SESSION_EXPIRY_SECONDS); // kept should this fail
            o.setAutomaticReconnect(false);
            options.mqttUsername().ifPresent(o::setUserName);
            options.mqttPassword().ifPresent(p -> o.setPassword(p.getBytes(StandardCharsets.UTF_8)));
            client.connect(o).waitForCompletion(15_000);
            lastArrival.set(System.nanoTime());
            while (!closed && !failed.get() && client.isConnected()
                    && System.nanoTime() - lastArrival.get() < QUIET.toNanos()) {
                Thread.sleep(100);
            }
            if (closed || failed.get() || !client.isConnected()) {
                // the session stays at the broker with what was not stored; the next check tries again
                throw new IllegalStateException(closed ? "closing" : failed.get() ? "a message could not be stored"
                        : "the broker ended the connection (the instance may be back)");
            }
            // drained: end the session, which also takes the dead instance out of the share group
            MqttProperties endSession = new MqttProperties();
            endSession.setSessionExpiryInterval(0L);
            client.disconnect(5_000, null, null, 0, endSession).waitForCompletion(6_000);
            counters.sessionsTakenOver.incrementAndGet();
            log.warn("took over the session of {}: {} message(s) stored; the session is ended", deadId, drained.get());
            db.withConnection(con -> {
                try (PreparedStatement ps = con.prepareStatement(
                        "DELETE FROM bridge_instances WHERE client_id = ? AND alive_at = ?")) {
                    ps.setString(1, deadId);
                    ps.setLong(2, claimedAt);
                    return ps.executeUpdate();
                }
            });
        } catch (MqttException | RuntimeException e) {
            log.warn("could not take over the session of {}: {}; trying again later", deadId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (client != null) {
                try {
                    if (client.isConnected()) {
                        client.disconnectForcibly(1000);
                    }
                    client.close(true);
                } catch (MqttException e) {
                    log.debug("closing takeover client: {}", e.getMessage());
                }
            }
        }
    }

    /** Stops checking; this instance's row stays, so a long absence is noticed by the others. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
