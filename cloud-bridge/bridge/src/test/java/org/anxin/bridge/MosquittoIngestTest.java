package org.anxin.bridge;

import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same path against the real Mosquitto the deployment uses (system property
 * {@code anxin.test.mosquitto}). The broker may be shared with parallel runs: gateway and client
 * ids are unique, and the bridge's persistent session is removed afterwards.
 */
class MosquittoIngestTest {

    private static final String MOSQUITTO = System.getProperty("anxin.test.mosquitto", "tcp://127.0.0.1:1883");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void alertThroughMosquittoReachesTheApiAndTheWebhook() throws Exception {
        String gw = uniqueGateway("mosquitto");
        String clientId = "anxin-bridge-t" + UUID.randomUUID().toString().substring(0, 8);
        Alert fire = fire();
        try (WebhookReceiver webhook = WebhookReceiver.start();
             Bridge bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                     .brokerUrl(MOSQUITTO)
                     .mqttClientId(clientId)
                     .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                     .webhookUrl(webhook.url())
                     .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                     .build())) {
            await().atMost(WAIT).until(bridge::mqttConnected);
            try (GatewayPublisher gateway = new GatewayPublisher(MOSQUITTO, "test-" + gw)) {
                gateway.publish(alert(gw, 1, fire));
            }

            Api api = new Api(bridge.httpUri());
            await().atMost(WAIT).until(() -> api.get("api/alerts?gateway=" + gw).size() == 1);
            JsonNode listed = api.get("api/alerts?gateway=" + gw).get(0);
            assertThat(listed.get("id").asText()).isEqualTo(fire.id());
            assertThat(listed.get("state").asText()).isEqualTo("raised");
            await().atMost(WAIT).until(() -> webhook.accepted().stream()
                    .anyMatch(n -> n.get("gateway").asText().equals(gw)));
        } finally {
            forgetSession(clientId);
        }
    }

    /** A clean-session connect with the same id ends the persistent session on the shared broker. */
    private static void forgetSession(String clientId) throws Exception {
        MqttClient client = new MqttClient(MOSQUITTO, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.disconnect();
        client.close();
    }
}
