package org.anxin.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Signatures;
import org.anxin.store.sqlite.SqliteOutbox;
import org.anxin.uplink.Uplink;
import org.anxin.uplink.UplinkOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's backlog storm at a small size: 20 gateways, each with 500 readings and one alarm in
 * its outbox, reconnect at once through a Mosquitto with its default queue limits (1,000 messages
 * queued per session). The broker acknowledges everything to the gateways and drops what overflows
 * the bridge's session; deleting on that acknowledgement lost most of the backlog. The gateways
 * are the real {@link SqliteOutbox} and {@link Uplink}, in this JVM (20 JVMs would only cost the
 * machine's two cores their start-up); the bridge is the real one, on SQLite.
 */
class BacklogStormIT {

    private static final int GATEWAYS = 20;
    private static final int READINGS = 500;
    private static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aStormThroughABrokerWithDefaultQueuesLosesNothingEveryReadingStoredOnce() throws Exception {
        Path bridgeDb = dir.resolve("bridge.db");
        Path signingKey = dir.resolve("bridge-signing.key");
        List<SqliteOutbox> outboxes = new ArrayList<>();
        List<Uplink> uplinks = new ArrayList<>();
        try (MosquittoProcess broker = MosquittoProcess.withDefaultQueues(dir.resolve("broker")).start()) {
            BridgeOptions options = BridgeOptions.builder().allowUnsignedGateways(true).brokerUrl(broker.url())
                    .mqttClientId("bridge-storm-it").jdbcUrl("jdbc:sqlite:" + bridgeDb).httpPort(0)
                    .signingKeyFile(signingKey).build();
            try (Bridge bridge = Bridge.start(options)) {
                await().atMost(Duration.ofSeconds(30)).until(bridge::mqttConnected);
                // the bridge's public key, the second line of its key file, as ./anxin provision hands it out
                java.security.PublicKey bridgeKey = Signatures.publicKey(Files.readAllLines(signingKey).get(1).trim());
                for (int g = 0; g < GATEWAYS; g++) {
                    SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("gw-" + g + ".db"), Clock.systemUTC());
                    outboxes.add(outbox);
                    for (int i = 0; i < READINGS; i++) {
                        outbox.submit(new Reading("meter", ReadingKind.WATER, Integer.toString(i), T0.plusSeconds(i)));
                    }
                    outbox.append(Alert.raise(AlertType.WATER_LEAK, "leak", T0, "leak"));
                }
                long start = System.nanoTime();
                for (int g = 0; g < GATEWAYS; g++) {
                    UplinkOptions gateway = UplinkOptions.of("gw-storm-" + g, broker.url()).withMaxInflight(256)
                            .withReconnectWaits(Duration.ofMillis(100), Duration.ofSeconds(1))
                            .withConfirming(UplinkOptions.Confirming.DEFAULT.withConfirmWait(Duration.ofSeconds(3))
                                    .withBridgeKey(bridgeKey));
                    uplinks.add(new Uplink(gateway, outboxes.get(g), Clock.systemUTC(), "storm"));
                }
                int expected = GATEWAYS * (READINGS + 1);
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(outboxes.stream().mapToLong(SqliteOutbox::size).sum() == 0
                                && bridge.counters().stored() >= expected)
                                .as("outboxes hold %d, the bridge stored %d of %d",
                                        outboxes.stream().mapToLong(SqliteOutbox::size).sum(), bridge.counters().stored(),
                                        expected)
                                .isTrue());
                double seconds = (System.nanoTime() - start) / 1e9;
                for (int g = 0; g < GATEWAYS; g++) {
                    Map<Long, String> stored = StoreAndForwardFaultIT.storedByBridge(bridgeDb, "gw-storm-" + g);
                    assertThat(stored).as("gateway %d", g).hasSize(READINGS + 1);
                    assertThat(stored.values()).as("gateway %d: every reading once, and its alarm", g)
                            .doesNotHaveDuplicates().contains("R meter/0", "R meter/" + (READINGS - 1))
                            .anyMatch(v -> v.startsWith("L WATER_LEAK/leak/"));
                }
                assertThat(bridge.counters().stored()).isEqualTo(expected);
                long resent = uplinks.stream().mapToLong(Uplink::resent).sum();
                System.out.printf("backlog storm, %d gateways x %d readings + 1 alarm through Mosquitto's default queues:"
                        + " all %d stored once in %.1f s; %d sent again for want of a receipt, %d copies dropped by"
                        + " (gateway, seq), %d receipts sent%n", GATEWAYS, READINGS, expected, seconds, resent,
                        bridge.counters().duplicates(), bridge.counters().receiptsSent());
            } finally {
                uplinks.forEach(Uplink::close);
                outboxes.forEach(SqliteOutbox::close);
            }
        }
    }
}
