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
 * later copies dropped and counted; and confirms what it received as the bridge does, with a
 * receipt every 100 ms (unsigned: the gateways under test have no bridge key). Keeps the order in
 * which records first arrived.
 */
final class DedupSubscriber implements AutoCloseable {

    /** seq to the key of what it carried (same format as {@link LoadGateway}'s lines). */
    final Map<Long, String> bySeq = new ConcurrentHashMap<>();
    final List<Long> firstArrivals = new CopyOnWriteArrayList<>();
    final AtomicLong duplicates = new AtomicLong();
    private final MqttClient client;
    private final String gateway;
    private final java.util.Set<Long> unconfirmed = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService receipts =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    DedupSubscriber(String brokerUrl, String gateway) throws Exception {
        this.gateway = gateway;
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
                unconfirmed.add(e.seq());
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
        receipts.scheduleWithFixedDelay(this::confirm, 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void confirm() {
        long[] seqs = unconfirmed.stream().mapToLong(Long::longValue).sorted().toArray();
        if (seqs.length == 0 || !client.isConnected()) {
            return;
        }
        String text = new org.anxin.protocol.Receipt(gateway, org.anxin.protocol.Receipt.runs(seqs), java.time.Instant.now()).json();
        Envelope receipt = Envelope.of(gateway, 0, java.time.Instant.now(), new org.anxin.protocol.StoredReceipt(text, "unsigned"));
        try {
            client.publish(receipt.topic(), MessageCodec.encode(receipt), 1, false);
            for (long seq : seqs) {
                unconfirmed.remove(seq);
            }
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            // the broker is away: confirmed with the next receipt
        }
    }

    boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() throws Exception {
        receipts.shutdownNow();
        try {
            client.disconnectForcibly(200, 200);
        } finally {
            client.close(true);
        }
    }
}
