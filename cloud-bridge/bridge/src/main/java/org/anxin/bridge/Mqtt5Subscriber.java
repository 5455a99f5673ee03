package org.anxin.bridge;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Redaction;
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

/**
 * The bridge's MQTT 5 session, with Paho's v5 client (see {@link PahoSubscriber}).
 *
 * <p>Scale-out: every instance of one bridge joins the same shared subscription
 * ({@code $share/<group>/anxin/v1/gw/+/#}), so the broker hands each message to one of them. A
 * shared subscription gets no retained messages, so each instance also subscribes plainly to the
 * gateways' {@code state} topic for the retained births and wills; applying a state twice changes
 * nothing.
 */
final class Mqtt5Subscriber extends PahoSubscriber<MqttMessage> {

    /** How long the broker keeps the session (and queues its messages) while the bridge is away. */
    static final long SESSION_EXPIRY_SECONDS = 24 * 3600;
    private static final String STATE_TOPICS = "anxin/v1/gw/+/state";
    /** CONNACK "unsupported protocol version" from an MQTT 3 broker, and Paho's own code for it. */
    private static final int UNSUPPORTED_PROTOCOL = 0x84;
    private static final int PAHO_UNSUPPORTED_PROTOCOL = 50001;

    private final MqttAsyncClient client;

    private Mqtt5Subscriber(BridgeOptions options, MessageIngest ingest, BridgeCounters counters)
            throws MqttException {
        super(options, ingest, counters);
        // the session lives on the broker (cleanStart=false); nothing needs persisting here
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
        subscriber.startConnecting();
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
        options.mqttPassword().ifPresent(p -> o.setPassword(p.getBytes(StandardCharsets.UTF_8)));
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

    @Override
    void connectAndSubscribe() throws MqttException {
        client.connect(connectOptions()).waitForCompletion(TOKEN_TIMEOUT_MS);
        // the session may already hold the subscriptions; subscribing again is harmless and
        // covers a broker that lost its sessions
        MqttSubscription[] subscriptions = subscriptions();
        IMqttToken subscription = client.subscribe(subscriptions);
        subscription.waitForCompletion(TOKEN_TIMEOUT_MS);
        for (int code : subscription.getReasonCodes()) {
            if (code >= FAILED_SUBSCRIPTION) {
                throw new MqttException(code);
            }
        }
        log.info("connected to MQTT broker {} as {} (MQTT 5); subscribed to {}", shownBroker,
                options.mqttClientId(), Arrays.stream(subscriptions).map(MqttSubscription::getTopic).toList());
    }

    @Override
    void explainConnectFailure(Exception e) {
        int code = reasonCode(e);
        if (code == UNSUPPORTED_PROTOCOL || code == PAHO_UNSUPPORTED_PROTOCOL) {
            log.error("MQTT broker {} does not accept MQTT 5, which a shared subscription needs: use an MQTT 5"
                    + " broker (Mosquitto 2, EMQX, HiveMQ) or run one instance without a share group", shownBroker);
        }
    }

    @Override
    void disconnectForcibly() throws MqttException {
        client.disconnectForcibly(0, 1000, false);
    }

    @Override
    void disconnect() throws MqttException {
        client.disconnect(1000).waitForCompletion(2000);
    }

    @Override
    void closeClient() throws MqttException {
        client.close(true);
    }

    @Override
    void acknowledge(MqttMessage message) throws MqttException {
        client.messageArrivedComplete(message.getId(), message.getQos());
    }

    @Override
    byte[] payload(MqttMessage message) {
        return message.getPayload();
    }

    @Override
    boolean retained(MqttMessage message) {
        return message.isRetained();
    }

    @Override
    int reasonCode(Exception e) {
        return e instanceof MqttException m ? m.getReasonCode() : -1;
    }

    private final class Callback implements MqttCallback {

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // nothing: connectAndSubscribe() logs once the subscriptions are granted
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            connectionLost(response.getException() != null ? response.getException() : response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            log.warn("MQTT error from {}: {}", shownBroker, describe(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            Mqtt5Subscriber.this.messageArrived(topic, message);
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
