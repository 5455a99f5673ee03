package org.anxin.bridge;

import java.time.Clock;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Redaction;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends configuration documents and commands to the gateways over a connection of its own, apart
 * from the ingest session: a publish waiting for its PUBACK must not hold up ingest, and ingest's
 * reconnect logic (persistent session, manual acks) is no concern of a sender.
 *
 * <p>It connects on the first publish and, after a failure, on the next one; callers keep what
 * was not sent (a config row without {@code published_at}) and try again. A connection attempt is
 * not repeated within {@link #RETRY_AFTER_MS} of a failed one, so a broker outage costs each API
 * call at most one connect timeout.
 */
final class DownlinkPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DownlinkPublisher.class);
    static final long TIMEOUT_MS = 5_000;
    static final long RETRY_AFTER_MS = 2_000;

    private final BridgeOptions options;
    private final String clientId;
    private final String shownBroker;
    private final Clock clock;
    private MqttClient client; // guarded by this
    private long failedAt = -1; // guarded by this; -1 before any failure
    private boolean closed; // guarded by this

    DownlinkPublisher(BridgeOptions options, Clock clock) {
        this(options, clock, "downlink");
    }

    /** @param role the connection's part of the client id: one connection per role, so receipts never wait behind a command */
    DownlinkPublisher(BridgeOptions options, Clock clock, String role) {
        this.options = options;
        this.clientId = options.mqttClientId() + "-" + role;
        this.shownBroker = Redaction.url(options.brokerUrl());
        this.clock = clock;
    }

    /** The broker did not take a message. */
    static final class NotSent extends Exception {
        private static final long serialVersionUID = 1L;

        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Publishes the envelope on its topic with its channel's QoS and retain flag, and returns once
     * the broker has acknowledged it.
     *
     * @throws NotSent when the broker is unreachable or did not acknowledge in time
     */
    synchronized void publish(Envelope envelope) throws NotSent {
        if (closed) {
            throw new NotSent("the bridge is stopping", null);
        }
        try {
            connected().publish(envelope.topic(), MessageCodec.encode(envelope), envelope.body().channel().qos(),
                    envelope.body().channel().retained());
        } catch (MqttException | RuntimeException e) {
            drop();
            failedAt = clock.millis();
            throw new NotSent("the MQTT broker " + shownBroker + " did not take the message: " + describe(e), e);
        }
    }

    private MqttClient connected() throws MqttException, NotSent {
        if (client != null && client.isConnected()) {
            return client;
        }
        if (failedAt >= 0 && clock.millis() - failedAt < RETRY_AFTER_MS) {
            throw new NotSent("the MQTT broker " + shownBroker + " was unreachable a moment ago", null);
        }
        drop();
        MqttClient c = new MqttClient(options.brokerUrl(), clientId, new MemoryPersistence());
        c.setTimeToWait(TIMEOUT_MS);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true); // nothing is ever queued for a sender
        o.setAutomaticReconnect(false);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout((int) (TIMEOUT_MS / 1000));
        o.setKeepAliveInterval(30);
        options.mqttUsername().ifPresent(o::setUserName);
        options.mqttPassword().ifPresent(p -> o.setPassword(p.toCharArray()));
        try {
            c.connect(o);
        } catch (MqttException e) {
            closeQuietly(c);
            throw e;
        }
        client = c;
        log.info("downlink connected to MQTT broker {} as {}", shownBroker, clientId);
        return c;
    }

    private void drop() {
        if (client != null) {
            MqttClient c = client;
            client = null;
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(0, 1000, false);
                }
            } catch (MqttException e) {
                log.debug("downlink forced disconnect: {}", describe(e));
            }
            closeQuietly(c);
        }
    }

    private static void closeQuietly(MqttClient c) {
        try {
            c.close(true);
        } catch (MqttException e) {
            log.debug("closing downlink client: {}", describe(e));
        }
    }

    private static String describe(Exception e) {
        String reason = e instanceof MqttException m ? e.getMessage() + " (" + m.getReasonCode() + ")" : e.toString();
        return e.getCause() == null ? reason : reason + ": " + e.getCause();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null && client.isConnected()) {
            try {
                client.disconnect(1000);
            } catch (MqttException e) {
                log.debug("downlink disconnect: {}", describe(e));
            }
        }
        drop();
    }
}
