package org.anxin.bridge;

import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Redaction;
import org.anxin.protocol.Topics;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** The bridge's MQTT 3.1.1 session: one instance per broker, with Paho's v3 client (see {@link PahoSubscriber}). */
final class MqttSubscriber extends PahoSubscriber<MqttMessage> {

    private final MqttAsyncClient client;

    private MqttSubscriber(BridgeOptions options, MessageIngest ingest, BridgeCounters counters)
            throws MqttException {
        super(options, ingest, counters);
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
        subscriber.startConnecting();
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

    @Override
    void connectAndSubscribe() throws MqttException {
        client.connect(connectOptions()).waitForCompletion(TOKEN_TIMEOUT_MS);
        // the session may already hold the subscription; subscribing again is harmless and
        // covers a broker that lost its sessions
        IMqttToken subscription = client.subscribe(Topics.ALL_FROM_GATEWAYS, SUBSCRIPTION_QOS);
        subscription.waitForCompletion(TOKEN_TIMEOUT_MS);
        int granted = subscription.getGrantedQos()[0];
        if (granted == FAILED_SUBSCRIPTION) {
            throw new MqttException(MqttException.REASON_CODE_SUBSCRIBE_FAILED);
        }
        log.info("connected to MQTT broker {} as {}; subscribed to {} at QoS {}", shownBroker,
                options.mqttClientId(), Topics.ALL_FROM_GATEWAYS, granted);
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

    private final class Callback implements MqttCallbackExtended {

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // nothing: connectAndSubscribe() logs once the subscription is granted
        }

        @Override
        public void connectionLost(Throwable cause) {
            MqttSubscriber.this.connectionLost(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            MqttSubscriber.this.messageArrived(topic, message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // the bridge publishes nothing
        }
    }
}
