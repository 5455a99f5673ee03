package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Channel;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.Topics;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.anxin.testing.mosquitto.MosquittoPerClass;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway's own genuine, signed heartbeats and "online" state, recorded off a real Mosquitto with
 * authentication on by whoever can read its topics (here with the bridge's account: a leaked
 * password, a broker's log or a tap would do as well), and sent again on its own topics once it
 * is dead, with its own MQTT account (a stolen password, but not its key): the broker lets them
 * through and the signature verifies, yet they are no sign of life.
 */
class ReplayedMessagesTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String GW = uniqueGateway("replayed");

    @RegisterExtension
    static final MosquittoPerClass MOSQUITTO = new MosquittoPerClass(GW);

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private static MosquittoBroker broker() {
        return MOSQUITTO.broker();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                // already disconnected: the replayer loses its connection to the restarted gateway
            }
        }
    }

    private ProtocolGateway gateway(String id, KeyPair key) throws Exception {
        ProtocolGateway g = new ProtocolGateway(broker().url(), broker().gateway(id));
        g.signWith(key.getPrivate());
        opened.add(g);
        return g;
    }

    private MqttClient connected(String url, String clientId, MosquittoBroker.Account account) throws Exception {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        client.connect(account.options());
        opened.add(client::close);
        opened.add(() -> {
            if (client.isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    @Test
    void aDeadGatewaysOwnSignedHeartbeatsReplayedOnItsTopicDoNotKeepGatewayOfflineFromBeingRaised() throws Exception {
        Bridge bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker().bridgeUrl()).mqttClientId("anxin-bridge-" + UUID.randomUUID())
                .mqttUsername(broker().bridge().user()).mqttPassword(broker().bridge().password())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .supervisionInterval(Duration.ofSeconds(2)).escalationPollInterval(Duration.ofMillis(100)).build());
        opened.add(bridge);
        await().atMost(WAIT).until(bridge::mqttConnected);
        OperatorApi api = new OperatorApi(bridge.httpUri()).login();
        api.ok("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C','category':'living_alone'}"));
        String gw = GW;
        KeyPair key = Signatures.generate();
        api.ok("POST", "api/gateways/" + gw + "/provision",
                json("{'home':'h1','gatewayKey':'" + Signatures.encode(key.getPublic()) + "'}"));

        // the attacker records what the gateway publishes, exactly as sent
        List<byte[]> heartbeats = new CopyOnWriteArrayList<>();
        List<byte[]> states = new CopyOnWriteArrayList<>();
        MqttClient recorder = connected(broker().bridgeUrl(), "recorder-" + UUID.randomUUID(), broker().bridge());
        recorder.subscribe(Topics.of(gw, Channel.HEARTBEAT), 0, (t, m) -> heartbeats.add(m.getPayload()));
        recorder.subscribe(Topics.of(gw, Channel.STATE), 1, (t, m) -> {
            if (!m.isRetained() && m.getPayload().length > 0) {
                states.add(m.getPayload());
            }
        });

        ProtocolGateway genuine = gateway(gw, key);
        genuine.send(new GatewayState(GatewayState.Status.ONLINE, "0.1.0", java.time.Instant.now()));
        for (int i = 1; i <= 3; i++) {
            genuine.send(new Heartbeat(i * 60L, 0));
            Thread.sleep(50);
        }
        await().atMost(WAIT).until(() -> heartbeats.size() == 3 && states.size() == 1);
        await().atMost(WAIT).until(() -> api.get("api/gateways").toString().contains(gw));
        genuine.close(); // dead: it sends nothing more
        MqttClient attacker = connected(broker().url(), "attacker-" + UUID.randomUUID(), broker().gateway(gw));
        assertThat(bridge.counters().replaysRefused()).isZero();

        ScheduledExecutorService replayer = Executors.newSingleThreadScheduledExecutor();
        try {
            // each recorded message in turn, four a second: more often than the supervision interval
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            replayer.scheduleAtFixedRate(() -> {
                try {
                    int i = next.getAndIncrement() % (heartbeats.size() + 1);
                    if (i < heartbeats.size()) {
                        attacker.publish(Topics.of(gw, Channel.HEARTBEAT), heartbeats.get(i), 0, false);
                    } else {
                        attacker.publish(Topics.of(gw, Channel.STATE), states.get(0), 1, false);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 250, TimeUnit.MILLISECONDS);

            await().atMost(WAIT).until(() -> api.get("api/alerts?gateway=" + gw).size() == 1);
            JsonNode offline = api.get("api/alerts?gateway=" + gw).get(0);
            assertThat(offline.get("type").asText()).isEqualTo("GATEWAY_OFFLINE");
            Thread.sleep(1500);
            assertThat(api.get("api/alerts?gateway=" + gw).get(0).get("state").asText())
                    .as("still raised while the replays go on").isEqualTo("raised");
            assertThat(bridge.counters().replaysRefused()).isGreaterThan(3);
            assertThat(new Api(bridge.httpUri()).get("api/health").get("counters").get("replaysRefused").asLong())
                    .isPositive();
            assertThat(quarantined(gw)).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("replayed: ts "));
        } finally {
            replayer.shutdownNow();
        }

        // restarted, the same gateway is heard at once: its clock went on and its sequence did not go back
        ProtocolGateway restarted = gateway(gw, key);
        restarted.send(new GatewayState(GatewayState.Status.ONLINE, "0.1.0", java.time.Instant.now()));
        restarted.send(new Heartbeat(1, 0));
        long refused = bridge.counters().replaysRefused();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("api/alerts?gateway=" + gw).get(0)
                .get("state").asText()).as("%s", bridge.counters()).isEqualTo("cleared"));
        assertThat(bridge.counters().replaysRefused()).as("the restart was not refused").isLessThanOrEqualTo(refused + 4);
    }

    private List<String> quarantined(String gateway) throws Exception {
        List<String> reasons = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             PreparedStatement ps = c.prepareStatement("SELECT reason FROM quarantine WHERE gateway = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
            }
        }
        return reasons;
    }
}
