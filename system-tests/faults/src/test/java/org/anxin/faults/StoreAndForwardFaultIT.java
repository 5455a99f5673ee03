package org.anxin.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store-and-forward against real faults: a gateway process killed with SIGKILL, a broker process
 * stopped under load, a store file corrupted on disk. The gateway is {@link LoadGateway} in its own
 * JVM; the broker is a Mosquitto process of the test's own; the receiving end is the bridge itself
 * (on SQLite) for the kill test, and a subscriber that dedups by (gateway, seq) like the bridge where
 * the test needs the order of arrival.
 */
class StoreAndForwardFaultIT {

    @TempDir
    Path dir;
    private MosquittoProcess broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = MosquittoProcess.plain(dir.resolve("broker")).start();
    }

    @AfterEach
    void stopBroker() throws Exception {
        broker.close();
    }

    /** Every accepted message is received under the seq it was accepted with, and no message under two seqs. */
    private static void assertDeliveredExactlyOnce(Map<Long, String> accepted, DedupSubscriber bridge) {
        for (Map.Entry<Long, String> e : accepted.entrySet()) {
            assertThat(bridge.bySeq.get(e.getKey())).as("seq %d", e.getKey()).isEqualTo(e.getValue());
        }
        Map<String, Long> seqByKey = new HashMap<>();
        for (Map.Entry<Long, String> e : bridge.bySeq.entrySet()) {
            Long other = seqByKey.put(e.getValue(), e.getKey());
            assertThat(other).as("%s arrived under two sequence numbers", e.getValue()).isNull();
        }
    }

    @Test
    void killingTheGatewayUnderLoadAgainAndAgainLosesNoAcceptedMessageAndTheBridgeStoresNoneTwice() throws Exception {
        Path data = Files.createDirectories(dir.resolve("gw"));
        Path bridgeDb = dir.resolve("bridge.db");
        Map<Long, String> accepted = GatewayUnderTest.newLedger();
        BridgeOptions options = BridgeOptions.builder().allowUnsignedGateways(true).brokerUrl(broker.url()).mqttClientId("bridge-fault-it")
                .jdbcUrl("jdbc:sqlite:" + bridgeDb).httpPort(0).signingKeyFile(dir.resolve("bridge-signing.key")).build();
        try (Bridge bridge = Bridge.start(options)) {
            await().atMost(Duration.ofSeconds(30)).until(bridge::mqttConnected);
            int kills = 12;
            for (int run = 0; run < kills; run++) {
                GatewayUnderTest gateway = GatewayUnderTest.start(data, broker.url(), "gw-kill", "r" + run,
                        3000, Long.MAX_VALUE, 500, accepted);
                int before = accepted.size();
                // kill at a random moment once it is taking readings: mid-commit, mid-publish, mid-delete
                await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() > before + 200);
                Thread.sleep(ThreadLocalRandom.current().nextInt(50, 600));
                gateway.kill();
            }
            // a last start, taking no readings, forwards what the killed ones left in the outbox
            try (GatewayUnderTest last = GatewayUnderTest.start(data, broker.url(), "gw-kill", "drain", 0, 0, 0, accepted)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> last.queued() == 0
                        && bridge.counters().stored() >= accepted.size());
            }
            // An emptied outbox means the broker has every message, not yet the bridge: messages a kill left
            // unrecorded in the ledger may still be on their way. Read the store until its rows match the counter.
            AtomicReference<Map<Long, String>> snapshot = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                snapshot.set(storedByBridge(bridgeDb, "gw-kill"));
                return bridge.counters().stored() == snapshot.get().size();
            });
            Map<Long, String> stored = snapshot.get();
            assertThat(accepted).hasSizeGreaterThan(kills * 200);
            assertThat(accepted.values()).filteredOn(k -> k.startsWith("L ")).isNotEmpty();
            for (Map.Entry<Long, String> e : accepted.entrySet()) {
                assertThat(stored.get(e.getKey())).as("seq %d", e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(new HashSet<>(stored.values())).as("no message stored under two sequence numbers")
                    .hasSameSizeAs(stored.values());
            System.out.printf("kill -9 x%d: %d messages accepted, all stored by the bridge once;"
                    + " %d redelivered copies dropped by (gateway, seq)%n", kills, accepted.size(),
                    bridge.counters().duplicates());
        }
    }

    /** What the bridge stored for a gateway, seq to the same key {@link LoadGateway} prints. */
    static Map<Long, String> storedByBridge(Path db, String gateway) throws Exception {
        Map<Long, String> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT seq, body FROM events WHERE gateway = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Body body = MessageCodec.decodeBody(rs.getString(2).getBytes(StandardCharsets.UTF_8));
                    stored.put(rs.getLong(1), body instanceof Reading r ? "R " + r.device() + "/" + r.value()
                            : "L " + ((Alert) body).id());
                }
            }
        }
        return stored;
    }

    @Test
    void aBrokerDownUnderLoadGetsEverythingWhenItReturnsAlertsFirst() throws Exception {
        Path data = Files.createDirectories(dir.resolve("gw"));
        Map<Long, String> accepted = GatewayUnderTest.newLedger();
        try (DedupSubscriber bridge = new DedupSubscriber(broker.url(), "gw-outage");
             GatewayUnderTest gateway = GatewayUnderTest.start(data, broker.url(), "gw-outage", "o", 2000, 80_000, 1000,
                     accepted)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> bridge.bySeq.size() > 1000);
            broker.stop();
            long lastBeforeOutage = Collections.max(accepted.keySet());
            // "minutes" compressed to 20 s: at 2,000 readings/s that is a backlog of 40,000 and 40 alerts
            Thread.sleep(20_000);
            Set<Long> storedDuringOutage = new HashSet<>(accepted.keySet());
            int arrivedBefore = bridge.firstArrivals.size();
            broker.start();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(gateway.generated() && gateway.queued() == 0
                    && bridge.bySeq.keySet().containsAll(accepted.keySet()))
                    .as("generated %s, queued %d, accepted %d, received %d, subscriber connected %s", gateway.generated(),
                            gateway.queued(), accepted.size(), bridge.bySeq.size(), bridge.isConnected()).isTrue());
            assertDeliveredExactlyOnce(accepted, bridge);

            // the order in which what was stored during the outage arrived (the broker may first hand over
            // what it queued before it went down; that is not the gateway's order)
            List<Long> backlogOrder = bridge.firstArrivals.subList(arrivedBefore, bridge.firstArrivals.size()).stream()
                    .filter(s -> s > lastBeforeOutage && storedDuringOutage.contains(s)).toList();
            List<Long> backlogAlerts = storedDuringOutage.stream().filter(s -> s > lastBeforeOutage)
                    .filter(s -> accepted.get(s).startsWith("L ")).sorted().toList();
            assertThat(backlogAlerts).hasSizeGreaterThanOrEqualTo(10);
            // the alerts of the outage leave in the first window, ahead of the older telemetry
            int window = 256;
            for (long alert : backlogAlerts) {
                assertThat(backlogOrder.indexOf(alert)).as("alert seq %d after the outage", alert)
                        .isBetween(0, window + backlogAlerts.size());
            }
            long backlogReadings = storedDuringOutage.stream().filter(s -> s > lastBeforeOutage)
                    .filter(s -> accepted.get(s).startsWith("R ")).count();
            assertThat(backlogReadings).isGreaterThan(10_000);
            System.out.printf("broker down 20 s: %d readings and %d alerts queued, all delivered, alerts first%n",
                    backlogReadings, backlogAlerts.size());
        }
    }

    @Test
    void aCorruptStoreIsKeptForInspectionAndTheGatewayCarriesOnWithAFreshOne() throws Exception {
        assertRecovers(file -> {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(0);
                raf.write("not an SQLite header at all!!".getBytes());
            }
        });
    }

    @Test
    void aTruncatedStoreIsKeptForInspectionAndTheGatewayCarriesOnWithAFreshOne() throws Exception {
        assertRecovers(file -> {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(raf.length() / 3);
            }
        });
    }

    interface Damage {
        void apply(Path file) throws Exception;
    }

    private void assertRecovers(Damage damage) throws Exception {
        Path data = Files.createDirectories(dir.resolve("gw"));
        Map<Long, String> accepted = GatewayUnderTest.newLedger();
        String gatewayId = "gw-corrupt";
        // a broker nobody listens on: the readings stay in the store, which then gets damaged
        try (GatewayUnderTest gateway = GatewayUnderTest.start(data, "tcp://127.0.0.1:1", gatewayId, "a", 5000, 20_000, 0,
                accepted)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.generated() && accepted.size() == 20_000);
        }
        Files.deleteIfExists(data.resolve("outbox.db-wal")); // checkpointing is not the point; damage the main file
        Files.deleteIfExists(data.resolve("outbox.db-shm"));
        damage.apply(data.resolve("outbox.db"));
        long lastBefore = Collections.max(accepted.keySet());

        Map<Long, String> afterRecovery = GatewayUnderTest.newLedger();
        try (DedupSubscriber bridge = new DedupSubscriber(broker.url(), gatewayId);
             GatewayUnderTest gateway = GatewayUnderTest.start(data, broker.url(), gatewayId, "b", 1000, 500, 100,
                     afterRecovery)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.storeLine() != null);
            assertThat(gateway.storeLine()).contains("recoveredFrom=" + data.resolve("outbox.db.corrupt-"));
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.generated() && gateway.queued() == 0
                    && bridge.bySeq.keySet().containsAll(afterRecovery.keySet()));
            assertThat(gateway.isAlive()).as("the gateway did not die of it").isTrue();
            assertThat(afterRecovery).hasSize(505);
            assertThat(Collections.min(afterRecovery.keySet()))
                    .as("the fresh store numbers after everything the lost one handed out").isGreaterThan(lastBefore);
            assertDeliveredExactlyOnce(afterRecovery, bridge);
        }
        try (Stream<Path> files = Files.list(data)) {
            List<String> names = files.map(p -> p.getFileName().toString()).collect(Collectors.toList());
            assertThat(names).anyMatch(n -> n.matches("outbox\\.db\\.corrupt-\\d{8}T\\d{6}Z"));
        }
        String log = Files.readString(data.resolve("gateway-b.log"));
        assertThat(log).contains("is corrupt", "kept it as");
    }
}
