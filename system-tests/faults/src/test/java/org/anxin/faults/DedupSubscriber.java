package org.anxin.faults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Receives like the bridge does: a persistent QoS 1 session, and one record per (gateway, seq),
 * later copies dropped and counted. Keeps the order in which records first arrived.
 */
final class DedupSubscriber implements AutoCloseable {

    /** seq to the key of what it carried (same format as {@link LoadGateway}'s lines). */
    final Map<Long, String> bySeq = new ConcurrentHashMap<>();
    final List<Long> firstArrivals = new CopyOnWriteArrayList<>();
    final AtomicLong duplicates = new AtomicLong();
    private final MqttClient client;

    DedupSubscriber(String brokerUrl, String gateway) throws Exception {
        client = new MqttClient(brokerUrl, "dedup-" + gateway, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false); // messages that arrive while it reconnects wait at the broker
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(500);
        options.setMaxInflight(1000);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                Envelope e = MessageCodec.decode(message.getPayload());
                String key = e.body() instanceof Reading r ? "R " + r.device() + "/" + r.value()
                        : e.body() instanceof Alert a ? "L " + a.id() : null;
                if (key == null) {
                    return;
                }
                if (bySeq.putIfAbsent(e.seq(), key) == null) {
                    firstArrivals.add(e.seq());
                } else {
                    duplicates.incrementAndGet();
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
        client.subscribe(new String[] {"anxin/v1/gw/" + gateway + "/reading", "anxin/v1/gw/" + gateway + "/alert"},
                new int[] {1, 1});
    }

    boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() throws Exception {
        try {
            client.disconnectForcibly(200, 200);
        } finally {
            client.close(true);
        }
    }
}
