package org.anxin.loadgen;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * One gateway as the bridge sees it, on its own MQTT connection: the uplink's behaviour
 * ({@code gateway-bundles/uplink}) without its SQLite outbox. It connects with a clean session and
 * its last will (state {@code offline}, retained), publishes its birth on every connect, numbers
 * each reading and alert from one growing sequence, keeps at most {@code inflight} of them unacknowledged
 * by the broker, sends alerts before older telemetry, puts a message whose publish failed back
 * at the head of its outbox, and sends heartbeats (QoS 0) with its last sequence number and what is
 * queued.
 */
final class SimulatedGateway {

    static final String VERSION = "loadgen";
    private static final ReadingKind[] KINDS = {ReadingKind.WATER, ReadingKind.MOTION, ReadingKind.DOOR, ReadingKind.PRESENCE};

    /** A stored message: its envelope (for its kind) and the payload as it goes on the wire. */
    record Stored(Envelope envelope, byte[] payload) {
    }

    private final String id;
    private final Sealer sealer;
    private final Clock clock;
    private final Instant startedAt;
    private final int inflight;
    private final LoadStats stats;
    private final Mqtt3AsyncClient client;
    private final ArrayDeque<Stored> outbox = new ArrayDeque<>();
    private int inFlight;
    private long lastSeq;
    private Instant lastTs = Instant.EPOCH;
    private boolean connected;
    /** The broker took this connection's birth: a heartbeat before it would pass for a replay at the bridge. */
    private boolean born;
    private boolean silent;

    SimulatedGateway(String id, PrivateKey key, String host, int port, int inflight, Clock clock, LoadStats stats) {
        this.id = id;
        this.sealer = key == null ? null : new Sealer(key);
        this.clock = clock;
        this.inflight = inflight;
        this.stats = stats;
        this.startedAt = clock.instant();
        // reconnects as the uplink does, with a growing wait; the birth goes out on every connect
        this.client = Mqtt3Client.builder().identifier(id).serverHost(host).serverPort(port)
                .automaticReconnect().initialDelay(1, TimeUnit.SECONDS).maxDelay(60, TimeUnit.SECONDS).applyAutomaticReconnect()
                .addConnectedListener(c -> onConnected())
                .addDisconnectedListener(c -> onDisconnected())
                .buildAsync();
    }

    String id() {
        return id;
    }

    /** Connects once; the future fails if the broker refuses (the client then keeps trying). */
    CompletableFuture<Void> connect() {
        byte[] will;
        String topic;
        synchronized (this) {
            Envelope offline = envelope(new GatewayState(GatewayState.Status.OFFLINE, VERSION, startedAt));
            will = seal(offline);
            topic = offline.topic();
        }
        return client.connectWith().cleanSession(true).keepAlive(30)
                .willPublish().topic(topic).payload(will).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                .send().thenApply(ack -> null);
    }

    /** A reading stored in the outbox now, and sent when the window allows. */
    void reading(long n) {
        Instant now = clock.instant();
        ReadingKind kind = KINDS[(int) (n % KINDS.length)];
        String value = switch (kind) {
            case WATER -> "1.5";
            case MOTION, PRESENCE -> n % 2 == 0 ? "on" : "off";
            default -> n % 2 == 0 ? "open" : "closed";
        };
        store(new Reading(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + (n % 3), kind, value, now), false);
    }

    /**
     * An emergency call stored now; it jumps the telemetry in the outbox, as the uplink sends
     * alerts first. Returns its episode id, which the bridge's notification names.
     */
    String alert(long n) {
        Instant now = clock.instant();
        String alertId = "EMERGENCY_CALL/call-button/" + now.toEpochMilli() + "-" + n;
        store(new Alert(alertId, AlertType.EMERGENCY_CALL, AlertState.RAISED, AlertType.EMERGENCY_CALL.defaultSeverity(),
                "call-button", now, "emergency call button call-button pressed"), true);
        return alertId;
    }

    private void store(Body body, boolean first) {
        synchronized (this) {
            if (silent) {
                return;
            }
            Envelope e = Envelope.of(id, ++lastSeq, tick(), body);
            Stored s = new Stored(e, seal(e));
            if (first) {
                outbox.addFirst(s);
            } else {
                outbox.addLast(s);
            }
        }
        pump();
    }

    void heartbeat() {
        byte[] payload;
        String topic;
        synchronized (this) {
            if (!connected || !born || silent) {
                return;
            }
            Envelope e = Envelope.of(id, lastSeq, tick(),
                    new Heartbeat(java.time.Duration.between(startedAt, clock.instant()).toSeconds(), outbox.size() + inFlight));
            payload = seal(e);
            topic = e.topic();
        }
        client.publishWith().topic(topic).payload(payload).qos(MqttQos.AT_MOST_ONCE).send();
        stats.heartbeats.increment();
    }

    /** Messages neither acknowledged by the broker nor dropped. */
    synchronized int pending() {
        return outbox.size() + inFlight;
    }

    /**
     * Falls silent as a gateway that lost power does: what the bridge then hears is its last will
     * (published here exactly as the broker would, since MQTT 3.1.1 has no disconnect that sends
     * the will), then nothing.
     */
    CompletableFuture<Void> fallSilent() {
        byte[] will;
        String topic;
        synchronized (this) {
            silent = true;
            Envelope offline = envelope(new GatewayState(GatewayState.Status.OFFLINE, VERSION, startedAt));
            will = seal(offline);
            topic = offline.topic();
        }
        return client.publishWith().topic(topic).payload(will).qos(MqttQos.AT_LEAST_ONCE).retain(true).send()
                .thenCompose(p -> client.disconnect()).exceptionally(e -> null);
    }

    CompletableFuture<Void> close() {
        synchronized (this) {
            silent = true;
        }
        return client.disconnect().exceptionally(e -> null);
    }

    private void onConnected() {
        byte[] birth;
        String topic;
        synchronized (this) {
            connected = true;
            if (silent) {
                return;
            }
            Envelope online = envelope(new GatewayState(GatewayState.Status.ONLINE, VERSION, startedAt));
            birth = seal(online);
            topic = online.topic();
        }
        stats.connects.increment();
        client.publishWith().topic(topic).payload(birth).qos(MqttQos.AT_LEAST_ONCE).retain(true).send()
                .whenComplete((ack, error) -> {
                    synchronized (this) {
                        born = error == null;
                    }
                });
        pump();
    }

    private void onDisconnected() {
        synchronized (this) {
            if (connected) {
                stats.disconnects.increment();
            }
            connected = false;
            born = false;
        }
    }

    /** Sends from the head of the outbox while the window has room. */
    private void pump() {
        while (true) {
            Stored next;
            synchronized (this) {
                if (!connected || silent || inFlight >= inflight || outbox.isEmpty()) {
                    return;
                }
                next = outbox.pollFirst();
                inFlight++;
            }
            client.publishWith().topic(next.envelope().topic()).payload(next.payload()).qos(MqttQos.AT_LEAST_ONCE).send()
                    .whenComplete((ack, error) -> acknowledged(next, error));
        }
    }

    private void acknowledged(Stored message, Throwable error) {
        synchronized (this) {
            inFlight--;
            if (error != null) {
                // not acknowledged: it stays in the outbox, first, and goes again after the reconnect
                outbox.addFirst(message);
                stats.publishFailures.increment();
            } else if (message.envelope().body() instanceof Alert) {
                stats.alertsAcked.increment();
            } else {
                stats.readingsAcked.increment();
            }
        }
        pump();
    }

    /** The gateway's clock, never going back nor standing still, as the bridge's replay check wants. */
    private Instant tick() {
        Instant now = clock.instant();
        lastTs = now.isAfter(lastTs) ? now : lastTs.plusMillis(1);
        return lastTs;
    }

    private Envelope envelope(Body body) {
        return Envelope.of(id, lastSeq, tick(), body);
    }

    private byte[] seal(Envelope e) {
        return sealer == null ? MessageCodec.encode(e) : sealer.seal(e);
    }
}
