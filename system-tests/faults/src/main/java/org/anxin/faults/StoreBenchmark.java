package org.anxin.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.StoredMessage;
import org.anxin.store.sqlite.SqliteOutbox;
import org.anxin.uplink.Uplink;
import org.anxin.uplink.UplinkOptions;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Store-and-forward figures, printed, not asserted: readings persisted per second, the time to
 * drain a backlog of 1,000,000 readings to a broker, and an alert's latency from the driver's hand
 * to a subscriber and to the bridge (stored, and its webhook notification received) while 1,000
 * readings/s flow. Run with {@code benchmarks/store.sh [BROKER_URL]}.
 */
public final class StoreBenchmark {

    private static final Instant T = Instant.parse("2024-03-01T00:00:00Z");
    /** The bridge's database; a fresh SQLite file when none is given. */
    private static String bridgeJdbc;

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String broker = args.length > 0 ? args[0] : "tcp://127.0.0.1:1883";
        bridgeJdbc = args.length > 1 ? args[1] : null;
        Path dir = Files.createTempDirectory("anxin-store-bench");
        System.out.printf("bridge database: %s%n", bridgeJdbc == null ? "SQLite (a fresh file)" : bridgeJdbc);
        System.out.printf("store-and-forward benchmark; broker %s; Java %s, %d CPUs; files in %s%n", broker,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), dir);
        persistRate(dir);
        drain(dir, broker, 1_000_000);
        alertLatency(dir, broker);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Reading reading(long i) {
        return new Reading("meter", ReadingKind.WATER, Long.toString(i % 1000), T.plusMillis(i));
    }

    private static void persistRate(Path dir) throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("rate.db"), Clock.systemUTC())) {
            for (int i = 0; i < 20_000; i++) { // warm-up
                outbox.submit(reading(i));
            }
            outbox.append(reading(0));
            int n = 300_000;
            long t0 = System.nanoTime();
            CompletableFuture<StoredMessage> last = null;
            for (int i = 0; i < n; i++) {
                last = outbox.submit(reading(i));
            }
            last.join();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("persisted, group commit (submit):         %,9.0f readings/s (%,d in %.2f s)%n", n / s, n, s);

            int m = 20_000;
            t0 = System.nanoTime();
            for (int i = 0; i < m; i++) {
                outbox.append(reading(i));
            }
            s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("persisted, one caller waiting each (append): %,7.0f readings/s (%,d in %.2f s)%n", m / s, m, s);

            int a = 500;
            t0 = System.nanoTime();
            for (int i = 0; i < a; i++) {
                outbox.append(Alert.raise(AlertType.FIRE, "smoke", T.plusMillis(i), "smoke"));
            }
            s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("alerts persisted with synchronous=FULL:   %,9.0f alerts/s (%.2f ms each)%n", a / s, s * 1000 / a);
        }
    }

    private static void drain(Path dir, String broker, int n) throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("drain.db"), Clock.systemUTC())) {
            long t0 = System.nanoTime();
            CompletableFuture<StoredMessage> last = null;
            for (int i = 0; i < n; i++) {
                last = outbox.submit(reading(i));
            }
            last.join();
            System.out.printf("backlog of %,d readings stored in %.1f s (%,d bytes on disk)%n", n,
                    (System.nanoTime() - t0) / 1e9, outbox.status().bytesUsed());
            // nobody subscribed, no bridge to confirm: rows leave on the broker's acknowledgement
            UplinkOptions options = UplinkOptions.of("gw-bench-drain", broker).withMaxInflight(256)
                    .withConfirming(UplinkOptions.Confirming.BY_BROKER);
            t0 = System.nanoTime();
            try (Uplink uplink = new Uplink(options, outbox, Clock.systemUTC(), "bench")) {
                long reported = 0;
                while (outbox.size() > 0) {
                    Thread.sleep(100);
                    long s = (System.nanoTime() - t0) / 1_000_000_000L;
                    if (s >= reported + 10) {
                        reported = s;
                        System.out.printf("  ... %d s: %,d left%n", s, outbox.size());
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("backlog of %,d drained to the broker in %.1f s (%,.0f messages/s, QoS 1, window %d)%n",
                        uplink.published(), s, uplink.published() / s, options.maxInflight());
            }
        }
    }

    private static void alertLatency(Path dir, String broker) throws Exception {
        int alerts = 300;
        String gateway = "gw-bench-latency-" + System.currentTimeMillis() % 100_000;
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> atBroker = Collections.synchronizedList(new ArrayList<>());
        List<Long> atWebhook = Collections.synchronizedList(new ArrayList<>());
        List<Long> inBridge = Collections.synchronizedList(new ArrayList<>());
        Map<Long, Long> pendingSeqs = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(alerts);
        ObjectMapper json = new ObjectMapper();

        // the bridge's far side: its webhook notification, POSTed once the alert is stored
        HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/", exchange -> {
            long now = System.nanoTime();
            JsonNode notice = json.readTree(exchange.getRequestBody().readAllBytes());
            Long start = sentAt.get(notice.path("alert").path("id").asText());
            if (start != null) {
                atWebhook.add(now - start);
                all.countDown();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        // a plain subscriber: the broker leg alone
        MqttClient subscriber = new MqttClient(broker, "bench-subscriber", new MemoryPersistence());
        subscriber.connect();
        subscriber.subscribe("anxin/v1/gw/" + gateway + "/alert", 1, (topic, message) -> {
            long now = System.nanoTime();
            Long start = sentAt.get(((Alert) MessageCodec.decode(message.getPayload()).body()).id());
            if (start != null) {
                atBroker.add(now - start);
            }
        });
        String jdbc = bridgeJdbc != null ? bridgeJdbc : "jdbc:sqlite:" + dir.resolve("bridge.db");
        BridgeOptions bridgeOptions = BridgeOptions.builder().allowUnsignedGateways(true).brokerUrl(broker).mqttClientId("bench-bridge-" + gateway)
                .jdbcUrl(jdbc).httpPort(0).signingKeyFile(dir.resolve("bridge-signing.key"))
                .webhookUrl("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook").build();
        try (Bridge bridge = Bridge.start(bridgeOptions);
             SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("latency.db"), Clock.systemUTC());
             Uplink uplink = new Uplink(UplinkOptions.of(gateway, broker), outbox, Clock.systemUTC(), "bench")) {
            while (!uplink.isConnected() || !bridge.mqttConnected()) {
                Thread.sleep(10);
            }
            Thread telemetry = new Thread(() -> {
                long start = System.nanoTime();
                long produced = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    long due = (System.nanoTime() - start) / 1_000_000; // 1,000 readings/s
                    for (; produced < due; produced++) {
                        outbox.submit(reading(produced));
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "telemetry");
            telemetry.start();
            // watches the bridge's events table every millisecond for the alerts' rows: "the bridge has it"
            Thread watcher = new Thread(() -> watchBridge(jdbc, gateway, pendingSeqs, inBridge), "bridge-watcher");
            watcher.setDaemon(true);
            watcher.start();
            Thread.sleep(3000);
            for (int i = 0; i < alerts; i++) {
                Alert alert = Alert.raise(AlertType.EMERGENCY_CALL, "call", T.plusSeconds(i), "pressed");
                long start = System.nanoTime();
                sentAt.put(alert.id(), start);
                long seq = outbox.append(alert).seq(); // what detection does when the driver hands it the press
                pendingSeqs.put(seq, start);
                Thread.sleep(50);
            }
            all.await(30, TimeUnit.SECONDS);
            System.out.printf("telemetry during the alerts: %,d readings stored by the bridge%n", bridge.counters().stored());
            telemetry.interrupt();
            telemetry.join();
            watcher.interrupt();
            watcher.join();
        } finally {
            subscriber.disconnect();
            subscriber.close();
            hook.stop(0);
        }
        printLatency("alert latency, append -> broker -> subscriber (1,000 readings/s flowing)", atBroker, alerts);
        printLatency("alert latency, append -> stored by the bridge (row seen in its database)", inBridge, alerts);
        printLatency("  for comparison, append -> the bridge's webhook notification received", atWebhook, alerts);
    }

    private static void watchBridge(String jdbc, String gateway, Map<Long, Long> pending, List<Long> latencies) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc);
             java.sql.PreparedStatement ps = c.prepareStatement(
                     "SELECT seq FROM events WHERE gateway = ? AND type = 'alert' AND seq >= ?")) {
            while (!Thread.currentThread().isInterrupted()) {
                if (!pending.isEmpty()) {
                    ps.setString(1, gateway);
                    ps.setLong(2, Collections.min(pending.keySet()));
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        long now = System.nanoTime();
                        while (rs.next()) {
                            Long start = pending.remove(rs.getLong(1));
                            if (start != null) {
                                latencies.add(now - start);
                            }
                        }
                    }
                }
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.sql.SQLException e) {
            System.out.println("cannot watch the bridge's database: " + e.getMessage());
        }
    }

    private static void printLatency(String what, List<Long> nanos, int expected) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            System.out.printf("%s: nothing arrived%n", what);
            return;
        }
        System.out.printf("%s, %d alerts: median %.1f ms, p99 %.1f ms, max %.1f ms%n", what, sorted.length,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                sorted[sorted.length - 1] / 1e6);
        if (sorted.length < expected) {
            System.out.printf("  %d alerts did not arrive within 30 s%n", expected - sorted.length);
        }
    }
}
