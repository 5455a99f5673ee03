package org.anxin.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.StoredMessage;
import org.anxin.store.sqlite.SqliteOutbox;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uplink over a connection that keeps breaking: nothing lost, nothing leaked. */
class UplinkConnectionFaultTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    private static final long RUN = System.nanoTime() % 1_000_000;

    @TempDir
    Path dir;
    private Server broker;
    private TcpProxy proxy;
    private MqttClient subscriber;
    /** What a bridge would keep: one entry per (gateway, seq), and how often each came. */
    private final Map<Long, Envelope> bySeq = new ConcurrentHashMap<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final java.util.Queue<Long> firstArrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", Files.createDirectories(dir.resolve("broker")).toString());
        p.setProperty("telemetry_enabled", "false"); // Moquette reports usage to its authors unless told not to
        broker = new Server();
        broker.startServer(new MemoryConfig(p));
        int target = port;
        proxy = new TcpProxy(target);
        subscriber = new MqttClient("tcp://127.0.0.1:" + target, "test-sub-" + RUN, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        subscriber.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) throws Exception {
                Envelope e = MessageCodec.decode(message.getPayload());
                deliveries.incrementAndGet();
                if (bySeq.putIfAbsent(e.seq(), e) == null) {
                    firstArrivals.add(e.seq());
                }
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        subscriber.connect(options);
        subscriber.subscribe(new String[] {"anxin/v1/gw/+/reading", "anxin/v1/gw/+/alert"}, new int[] {1, 1});
    }

    @AfterEach
    void stop() throws Exception {
        subscriber.disconnectForcibly(100, 100);
        subscriber.close(true);
        proxy.close();
        broker.stopServer();
    }

    private UplinkOptions options(String gateway) {
        // a plain subscriber, no bridge: rows leave on the broker's acknowledgement
        return UplinkOptions.of(gateway + "-" + RUN, "tcp://127.0.0.1:" + proxy.port()).withConfirming(UplinkOptions.Confirming.BY_BROKER)
                .withReconnectWaits(Duration.ofMillis(5), Duration.ofMillis(20));
    }

    private static long uplinkThreads() {
        // Paho renames the pool threads it runs on after the client ("MQTT Rec: anxin-gw-...")
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("anxin-uplink")
                || t.getName().contains("anxin-gw-")).count();
    }

    /** The uplink's threads left, each with where it waits, for a failure to say why it lives on. */
    private static List<String> threadNames() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("anxin-uplink") || e.getKey().getName().contains("anxin-gw-"))
                .map(e -> e.getKey().getName() + " " + e.getKey().getState() + " at "
                        + java.util.Arrays.stream(e.getValue()).limit(8).map(String::valueOf).collect(java.util.stream.Collectors.joining(" < ")))
                .sorted().toList();
    }

    @Test
    void reconnectsTwoHundredTimesWithoutTheThreadCountGrowing() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC());
             Uplink uplink = new Uplink(options("gw-r"), outbox, Clock.systemUTC(), "test")) {
            await().atMost(Duration.ofSeconds(10)).until(uplink::isConnected);
            long threadsAfterFirst = 0;
            int totalAfterFirst = 0;
            for (int i = 1; i <= 200; i++) {
                outbox.append(new Reading("meter", ReadingKind.WATER, Integer.toString(i), T.plusSeconds(i)));
                int before = uplink.connections();
                proxy.cutAll();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                        .until(() -> uplink.connections() > before && uplink.isConnected());

                if (i == 10) {
                    threadsAfterFirst = uplinkThreads();
                    totalAfterFirst = Thread.activeCount();
                }
            }
            assertThat(uplink.connections()).isGreaterThanOrEqualTo(201);
            // a closed connection's threads end within seconds; what is left is one connection's worth
            long threadsBaseline = threadsAfterFirst;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(uplinkThreads())
                    .as("uplink and Paho threads: %s", threadNames()).isLessThanOrEqualTo(Math.max(threadsBaseline, 6)));
            assertThat(Thread.activeCount()).as("all threads of the JVM").isLessThanOrEqualTo(totalAfterFirst + 4);
            await().atMost(Duration.ofSeconds(20)).until(() -> outbox.size() == 0 && bySeq.size() == 200);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(uplinkThreads())
                .as("threads left after close: %s", threadNames()).isZero());
    }

    @Test
    void cuttingTheConnectionWhileMessagesAreInFlightLosesNothingAndSendsAlertsFirst() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC())) {
            List<CompletableFuture<StoredMessage>> stored = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                stored.add(outbox.submit(new Reading("meter", ReadingKind.WATER, Integer.toString(i), T.plusMillis(i))));
            }
            stored.forEach(CompletableFuture::join);
            long alert = outbox.append(Alert.raise(AlertType.GAS_LEAK, "gas", T, "gas")).seq();
            try (Uplink uplink = new Uplink(options("gw-c").withMaxInflight(500), outbox, Clock.systemUTC(), "test")) {
                // cut whenever another 1,500 messages went through: always with a full window in flight
                int cuts = 0;
                long sinceCut = 0;
                while (outbox.size() > 0 && cuts < 8) {
                    long mark = sinceCut;
                    await().atMost(Duration.ofSeconds(20)).until(() -> uplink.published() >= mark + 1500 || outbox.size() == 0);
                    sinceCut = uplink.published();
                    if (outbox.size() > 0) {
                        proxy.cutAll();
                        cuts++;
                    }
                }
                assertThat(cuts).as("the connection was cut under load").isGreaterThanOrEqualTo(5);
                await().atMost(Duration.ofSeconds(60)).until(() -> outbox.size() == 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> bySeq.size() == 20_001);
                assertThat(uplink.connections()).isGreaterThanOrEqualTo(cuts);
            }
            assertThat(bySeq.keySet()).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, 20_001).boxed().collect(Collectors.toSet()));
            assertThat(bySeq.get(alert).body()).isInstanceOf(Alert.class);
            assertThat(new ArrayList<>(firstArrivals).indexOf(alert)).as("the alert overtook the backlog").isBetween(0, 10);
            Set<String> values = bySeq.values().stream().filter(e -> e.body() instanceof Reading)
                    .map(e -> ((Reading) e.body()).value()).collect(Collectors.toSet());
            assertThat(values).as("each reading under exactly one seq").hasSize(20_000);
            assertThat(deliveries.get()).as("redelivery is allowed, dedup removes it").isGreaterThanOrEqualTo(20_001);
        }
    }
}
