package org.anxin.bridge;

import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.heartbeat;
import static org.anxin.bridge.store.TestMessages.reading;
import static org.anxin.bridge.store.TestMessages.state;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.GatewayState;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.anxin.testing.mosquitto.MosquittoPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same path through a real Mosquitto with authentication on, as deployed: the shipped fragment,
 * the ACL and password file that provisioning writes, the bridge on its own account and listener,
 * each gateway on its own account.
 */
class MosquittoIngestTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String GW = uniqueGateway("mosquitto");
    private static final String GW_A = uniqueGateway("a");
    private static final String GW_B = uniqueGateway("b");

    @RegisterExtension
    static final MosquittoPerClass MOSQUITTO = new MosquittoPerClass(GW, GW_A, GW_B);

    @TempDir
    Path dir;

    private static MosquittoBroker broker() {
        return MOSQUITTO.broker();
    }

    private BridgeOptions.Builder options() {
        return BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker().bridgeUrl()).mqttClientId("anxin-bridge-" + UUID.randomUUID()).mqttUsername(broker().bridge().user()).mqttPassword(broker().bridge().password())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD);
    }

    @Test
    void alertThroughMosquittoReachesTheApiAndTheWebhook() throws Exception {
        Alert fire = fire();
        try (WebhookReceiver webhook = WebhookReceiver.start();
             Bridge bridge = Bridge.start(options().allowUnsignedGateways(true).webhookUrl(webhook.url()).build())) {
            await().atMost(WAIT).until(bridge::mqttConnected);
            try (GatewayPublisher gateway = new GatewayPublisher(broker().url(), "test-" + GW, broker().gateway(GW))) {
                gateway.publish(alert(GW, 1, fire));
            }

            Api api = new Api(bridge.httpUri());
            await().atMost(WAIT).until(() -> api.get("api/alerts?gateway=" + GW).size() == 1);
            JsonNode listed = api.get("api/alerts?gateway=" + GW).get(0);
            assertThat(listed.get("id").asText()).isEqualTo(fire.id());
            assertThat(listed.get("state").asText()).isEqualTo("raised");
            await().atMost(WAIT).until(() -> webhook.accepted().stream()
                    .anyMatch(n -> n.get("gateway").asText().equals(GW)));
        }
    }

    /**
     * The broker alone stops the impostor: the bridge here even takes unsigned messages, so
     * anything of A's that reached it on B's topics would be stored as B's.
     */
    @Test
    void aGatewaysAccountPublishingAsAnotherGatewayNeverReachesTheBridgeOrItsStore() throws Exception {
        try (Bridge bridge = Bridge.start(options().allowUnsignedGateways(true).build())) {
            await().atMost(WAIT).until(bridge::mqttConnected);
            Instant t = Instant.parse("2024-03-01T19:46:00Z");
            try (GatewayPublisher a = new GatewayPublisher(broker().url(), "test-" + GW_A, broker().gateway(GW_A))) {
                // as B: a gas leak, a clear of it, signs of life and a reading, each on B's own topic
                Alert leak = Alert.raise(AlertType.GAS_LEAK, "gas-1", t, "forged by A");
                a.publish(alert(GW_B, 1, leak));
                a.publish(alert(GW_B, 2, leak.clear(t.plusSeconds(1), "forged by A")));
                a.publish(state(GW_B, 3, GatewayState.Status.ONLINE, t));
                a.publish(heartbeat(GW_B, 3));
                a.publish(reading(GW_B, 4));
                // then A's own alarm, on the same connection: the forgeries, had they passed, came first
                a.publish(alert(GW_A, 1, Alert.raise(AlertType.FIRE, "smoke-1", t, "smoke")));
            }

            Api api = new Api(bridge.httpUri());
            await().atMost(WAIT).until(() -> api.get("api/alerts?gateway=" + GW_A).size() == 1);
            Thread.sleep(300);
            // the bridge also hears its own receipts to A on its subscription, and ignores them
            await().atMost(WAIT).until(() -> bridge.counters().receiptsSent() >= 1
                    && bridge.counters().ignored() == bridge.counters().receiptsSent());
            assertThat(bridge.counters().received() - bridge.counters().ignored()).as("messages from gateways the bridge received")
                    .isEqualTo(1);
            assertThat(api.get("api/alerts?gateway=" + GW_B)).isEmpty();
            for (String table : List.of("events", "alerts", "quarantine", "gateways")) {
                assertThat(rowsOf(table, GW_B)).as("rows of %s in %s", GW_B, table).isZero();
            }
        }
    }

    private long rowsOf(String table, String gateway) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE "
                     + (table.equals("gateways") ? "id" : "gateway") + " = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
