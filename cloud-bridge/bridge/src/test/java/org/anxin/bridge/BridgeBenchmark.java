package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Redaction;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * Throughput and latency of one bridge instance on PostgreSQL and Mosquitto: a benchmark, not a
 * test (run it with {@code cloud-bridge/bridge/benchmark.sh}). Prints
 * <ul>
 * <li>events (readings) stored per second,</li>
 * <li>alerts ingested per second, each opening an escalation whose first step runs at once,</li>
 * <li>the time from an alert reaching the bridge (ingest) to its first notification being
 *     handed to the channel, p50/p99/max, with the alerts paced so that they do not queue.</li>
 * </ul>
 * The channel is a local webhook receiver; its own time is not counted.
 */
public final class BridgeBenchmark {

    private BridgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mosquitto = System.getProperty("anxin.test.mosquitto", "tcp://127.0.0.1:1883");
        String postgres = System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        int readings = Integer.getInteger("readings", 20_000);
        int alerts = Integer.getInteger("alerts", 2_000);
        int paced = Integer.getInteger("paced", 500);
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String jdbc = postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Connection c = DriverManager.getConnection(postgres); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String clientId = "anxin-bench-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("anxin-bench");
        try (HttpInbox inbox = new HttpInbox();
             Bridge bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key")).brokerUrl(mosquitto).mqttClientId(clientId)
                     .mqttShareGroup("bench-" + clientId).jdbcUrl(jdbc).httpPort(0)
                     .admin(OperatorApi.USER, OperatorApi.PASSWORD).build())) {
            OperatorApi api = new OperatorApi(bridge.httpUri()).login();
            int gateways = 50;
            List<String> ids = new ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                ids.add("bench-" + schema + "-" + g);
            }
            for (int g = 0; g < gateways; g++) {
                api.ok("PUT", "api/homes/h" + g, json("{'district':'D','street':'S','community':'C',"
                        + "'category':'living_alone','gateways':['" + ids.get(g) + "']}"));
                api.ok("POST", "api/homes/h" + g + "/people", json("{'role':'contact','name':'Contact " + g
                        + "','webhook':'" + inbox.url("/contact") + "'}"));
            }
            while (!bridge.mqttConnected()) {
                Thread.sleep(50);
            }
            System.out.printf(Locale.ROOT, "Anxin bridge benchmark: one instance, PostgreSQL %s, Mosquitto %s, %d cores%n",
                    Redaction.jdbcUrl(postgres), mosquitto, Runtime.getRuntime().availableProcessors());

            long[] seqs = new long[gateways];
            try (Publisher publisher = new Publisher(mosquitto, "bench-pub-" + clientId)) {
                // warm-up
                for (int i = 0; i < 500; i++) {
                    publisher.publish(reading(ids.get(i % gateways), ++seqs[i % gateways]));
                }
                waitStored(bridge, 500);

                long before = bridge.counters().stored();
                long start = System.nanoTime();
                for (int i = 0; i < readings; i++) {
                    throttle(bridge, before + i);
                    publisher.publish(reading(ids.get(i % gateways), ++seqs[i % gateways]));
                }
                waitStored(bridge, before + readings);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "  events stored      %,d readings in %.2f s = %,.0f events/s%n",
                        readings, seconds, readings / seconds);

                before = bridge.counters().stored();
                start = System.nanoTime();
                for (int i = 0; i < alerts; i++) {
                    throttle(bridge, before + i);
                    publisher.publish(alert(ids.get(i % gateways), ++seqs[i % gateways], i));
                }
                waitStored(bridge, before + alerts);
                seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "  alerts ingested    %,d alerts in %.2f s = %,.0f alerts/s"
                        + " (each stored, escalation opened, step 1 written)%n", alerts, seconds, alerts / seconds);

                // latency: paced alerts, 20 a second, so that each meets an idle bridge
                waitDelivered(inbox, alerts);
                int deliveredBefore = inbox.accepted("/contact").size();
                long pacedFrom = System.currentTimeMillis();
                for (int i = 0; i < paced; i++) {
                    publisher.publish(alert(ids.get(i % gateways), ++seqs[i % gateways], alerts + i));
                    Thread.sleep(50);
                }
                waitDelivered(inbox, deliveredBefore + paced);
                // ingest time per alert from the database, arrival time at the local webhook receiver
                java.util.Map<String, long[]> ingested = new java.util.HashMap<>();
                try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT body, received_at, ts FROM events WHERE type = 'alert'"
                             + " AND received_at >= " + pacedFrom)) {
                    while (rs.next()) {
                        java.util.regex.Matcher id = ALERT_ID.matcher(rs.getString(1));
                        if (id.find()) {
                            ingested.put(id.group(1), new long[] {rs.getLong(2), rs.getLong(3)});
                        }
                    }
                }
                List<Long> inBridge = new ArrayList<>();
                List<Long> fromPublish = new ArrayList<>();
                for (HttpInbox.Request r : inbox.accepted("/contact")) {
                    java.util.regex.Matcher id = ACK_PATH.matcher(r.body());
                    if (id.find() && ingested.containsKey(id.group(1))) {
                        long[] t = ingested.get(id.group(1));
                        inBridge.add(r.at() - t[0]);
                        fromPublish.add(r.at() - t[1]);
                    }
                }
                System.out.printf(Locale.ROOT, "  alert -> first notification received by a local webhook (%d paced alerts; a loopback HTTP POST"
                        + " is all the channel adds):%n",
                        inBridge.size());
                System.out.printf(Locale.ROOT, "    from ingest      p50 %d ms, p99 %d ms, max %d ms (target p99 <= 50 ms)%n",
                        pct(inBridge, 50), pct(inBridge, 99), pct(inBridge, 100));
                System.out.printf(Locale.ROOT, "    from publish     p50 %d ms, p99 %d ms, max %d ms (adds the broker hop)%n",
                        pct(fromPublish, 50), pct(fromPublish, 99), pct(fromPublish, 100));
            }
        } finally {
            try (Connection c = DriverManager.getConnection(postgres); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
            org.eclipse.paho.client.mqttv3.MqttClient forget = new org.eclipse.paho.client.mqttv3.MqttClient(
                    mosquitto, clientId, new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            org.eclipse.paho.client.mqttv3.MqttConnectOptions o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            o.setCleanSession(true);
            forget.connect(o);
            forget.disconnect();
            forget.close();
        }
    }

    /** Publishes QoS 1 as fast as the broker takes it, many messages in flight. */
    private static final class Publisher implements AutoCloseable {
        private final org.eclipse.paho.client.mqttv3.MqttAsyncClient client;

        Publisher(String broker, String clientId) throws Exception {
            client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(broker, clientId,
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            org.eclipse.paho.client.mqttv3.MqttConnectOptions o = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            o.setCleanSession(true);
            o.setMaxInflight(1000);
            client.connect(o).waitForCompletion(10_000);
        }

        void publish(Envelope e) throws Exception {
            while (true) {
                try {
                    client.publish(e.topic(), org.anxin.protocol.MessageCodec.encode(e), 1, false);
                    return;
                } catch (org.eclipse.paho.client.mqttv3.MqttException ex) {
                    if (ex.getReasonCode() != org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_MAX_INFLIGHT) {
                        throw ex;
                    }
                    Thread.sleep(1);
                }
            }
        }

        @Override
        public void close() throws Exception {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }

    private static Envelope reading(String gateway, long seq) {
        Instant now = Instant.now();
        return Envelope.of(gateway, seq, now, new Reading("kitchen-water", ReadingKind.WATER, "1.5", now));
    }

    private static Envelope alert(String gateway, long seq, int n) {
        Instant now = Instant.now();
        return Envelope.of(gateway, seq, now,
                new Alert("EMERGENCY_CALL/button/" + n, AlertType.EMERGENCY_CALL, org.anxin.protocol.AlertState.RAISED,
                        AlertType.EMERGENCY_CALL.defaultSeverity(), "button", now, "button pressed"));
    }

    /**
     * Keeps at most {@value #WINDOW} messages published and not yet stored, as gateways do with
     * their in-flight limit; a broker drops what overflows a subscriber's queue (Mosquitto's
     * max_queued_messages, 1000 by default), which would measure the broker, not the bridge.
     */
    private static void throttle(Bridge bridge, long published) throws InterruptedException {
        while (published - bridge.counters().stored() >= WINDOW) {
            Thread.sleep(0, 200_000);
        }
    }

    private static final int WINDOW = 500;
    private static final java.util.regex.Pattern ALERT_ID = java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final java.util.regex.Pattern ACK_PATH = java.util.regex.Pattern.compile("/api/incidents/[^/]+/(.+)/ack\\)");

    private static void waitStored(Bridge bridge, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (bridge.counters().stored() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stored " + bridge.counters().stored() + " of " + count);
            }
            Thread.sleep(5);
        }
    }

    private static void waitDelivered(HttpInbox inbox, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (inbox.accepted("/contact").size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("delivered " + inbox.accepted("/contact").size() + " of " + count);
            }
            Thread.sleep(20);
        }
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
