package org.anxin.bridge;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.anxin.protocol.Channel;
import org.anxin.protocol.Command;
import org.anxin.protocol.CommandRequest;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.ConfigDocument;
import org.anxin.protocol.DesiredConfig;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Topics;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A gateway at the protocol level: receives its configuration documents and commands, and sends
 * what a gateway sends, numbered from its own sequence. Whether it answers commands, and how, is
 * up to the test.
 */
final class ProtocolGateway implements AutoCloseable {

    /** A document as received, with whether the broker replayed it from its retained store. */
    record Received(Envelope envelope, boolean retained) {

        ConfigDocument document() {
            return (ConfigDocument) envelope.body();
        }

        DesiredConfig desired() {
            try {
                return MessageCodec.mapper().readValue(document().document(), DesiredConfig.class);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    final String id;
    final List<Received> documents = new CopyOnWriteArrayList<>();
    final List<CommandRequest> commands = new CopyOnWriteArrayList<>();
    private final MqttClient client;
    private volatile Function<Command, CommandResult> answer; // null: no answer
    private volatile java.security.PrivateKey key; // null: unsigned, like a gateway provisioned before signatures
    private long seq;

    ProtocolGateway(String brokerUrl, String id) throws MqttException {
        this(brokerUrl, id, new MqttConnectOptions());
    }

    /** Logged in with the gateway's own account. */
    ProtocolGateway(String brokerUrl, MosquittoBroker.Account account) throws MqttException {
        this(brokerUrl, account.user(), account.options());
    }

    private ProtocolGateway(String brokerUrl, String id, MqttConnectOptions o) throws MqttException {
        this.id = id;
        client = new MqttClient(brokerUrl, "test-" + id + "-" + System.nanoTime(), new MemoryPersistence());
        o.setCleanSession(true);
        client.connect(o);
        client.subscribe(Topics.of(id, Channel.CONFIG_DESIRED), 1, (topic, message) -> {
            if (message.getPayload().length > 0) {
                documents.add(new Received(MessageCodec.decode(message.getPayload()), message.isRetained()));
            }
        });
        client.subscribe(Topics.of(id, Channel.COMMAND), 1, (topic, message) -> {
            CommandRequest request = (CommandRequest) MessageCodec.decode(message.getPayload()).body();
            commands.add(request);
            Function<Command, CommandResult> a = answer;
            if (a != null) {
                Command command = MessageCodec.mapper().readValue(request.command(), Command.class);
                CommandResult result = a.apply(command);
                // not on Paho's callback thread: a publish from there would wait on itself
                new Thread(() -> {
                    try {
                        send(result);
                    } catch (MqttException e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            }
        });
    }

    /** Signs everything sent from now on with this gateway's own key, as the uplink does. */
    void signWith(java.security.PrivateKey key) {
        this.key = key;
    }

    void answerWith(Function<Command, CommandResult> answer) {
        this.answer = answer;
    }

    synchronized long send(org.anxin.protocol.Body body) throws MqttException {
        long n = body.channel() == Channel.STATE || body.channel() == Channel.HEARTBEAT ? seq : ++seq;
        publish(Envelope.of(id, n, java.time.Instant.now(), body));
        return n;
    }

    /** Publishes an envelope as it is (signed when this gateway signs), on its topic with its channel's QoS and retain flag. */
    void publish(Envelope e) throws MqttException {
        java.security.PrivateKey k = key;
        client.publish(e.topic(), k == null ? MessageCodec.encode(e) : org.anxin.protocol.SignedEnvelope.seal(k, e),
                e.body().channel().qos(), e.body().channel().retained());
    }

    /** Removes what this gateway left retained on the broker. */
    void clearRetained() throws MqttException {
        for (Channel c : List.of(Channel.CONFIG_DESIRED, Channel.CONFIG_REPORTED, Channel.STATE)) {
            client.publish(Topics.of(id, c), new byte[0], 1, true);
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
