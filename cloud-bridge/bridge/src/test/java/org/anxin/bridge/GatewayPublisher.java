package org.anxin.bridge;


import java.nio.charset.StandardCharsets;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Publishes like a gateway does: each envelope on its topic with its channel's QoS and retain flag. */
final class GatewayPublisher implements AutoCloseable {

    private final MqttClient client;

    GatewayPublisher(String brokerUrl, String clientId) throws MqttException {
        this(brokerUrl, clientId, new MqttConnectOptions());
    }

    /** Logged in with {@code account}: a gateway's own, or another's to publish as an impostor. */
    GatewayPublisher(String brokerUrl, String clientId, MosquittoBroker.Account account) throws MqttException {
        this(brokerUrl, clientId, account.options());
    }

    private GatewayPublisher(String brokerUrl, String clientId, MqttConnectOptions options) throws MqttException {
        client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        options.setCleanSession(true);
        client.connect(options);
    }

    void publish(Envelope envelope) throws MqttException {
        client.publish(envelope.topic(), MessageCodec.encode(envelope), envelope.body().channel().qos(),
                envelope.body().channel().retained());
    }

    /** The envelope signed with {@code key}, on its own topic: a genuine message when it is the gateway's key. */
    void publishSigned(Envelope envelope, java.security.PrivateKey key) throws MqttException {
        publish(envelope.topic(), org.anxin.protocol.SignedEnvelope.seal(key, envelope), envelope.body().channel());
    }

    /** Any payload on any topic, with the QoS and retain flag of {@code channel}: what an attacker can do. */
    void publish(String topic, byte[] payload, org.anxin.protocol.Channel channel) throws MqttException {
        client.publish(topic, payload, channel.qos(), channel.retained());
    }

    void publishRaw(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** Removes a retained message so it does not outlive the test on a shared broker. */
    void clearRetained(String topic) throws MqttException {
        client.publish(topic, new byte[0], 1, true);
    }

    @Override
    public void close() throws MqttException {
        client.disconnect();
        client.close();
    }
}
