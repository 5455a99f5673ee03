package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Channel;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayKeyFile;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.SignedEnvelope;
import org.anxin.protocol.Topics;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The foundation's promise, link by link: a call button pressed in a replayed scenario becomes an
 * EMERGENCY_CALL alert in a real gateway process, crosses a real broker, is stored by the bridge
 * and reaches a webhook. Once over the embedded broker, once over Mosquitto.
 */
class AlarmEndToEndIT {

    private static final String OPERATOR = "operator";
    private static final String OPERATOR_PASSWORD = "end-to-end secret";

    @TempDir
    Path dir;

    private static String login(HttpClient http, URI bridge) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(bridge.resolve("api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + OPERATOR + "\",\"password\":\"" + OPERATOR_PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return MessageCodec.mapper().readTree(response.body()).get("token").asText();
    }

    static Stream<Arguments> brokers() {
        return Stream.of(Arguments.of("embedded"), Arguments.of("mosquitto"));
    }

    @ParameterizedTest(name = "over the {0} broker")
    @MethodSource("brokers")
    void aPressedCallButtonReachesTheWebhookThroughGatewayBrokerAndBridge(String brokerKind) throws Exception {
        String gatewayId = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        EmbeddedBroker embedded = brokerKind.equals("embedded") ? EmbeddedBroker.start(dir.resolve("broker"), 0) : null;
        String brokerUrl = embedded != null ? embedded.url() : System.getProperty("anxin.test.mosquitto", "tcp://127.0.0.1:1883");
        List<JsonNode> hooks = new CopyOnWriteArrayList<>();
        List<Envelope> onTheWire = new CopyOnWriteArrayList<>();
        try (WebhookReceiver webhook = WebhookReceiver.start(hooks::add);
             Bridge bridge = Bridge.start(BridgeOptions.builder().brokerUrl(brokerUrl)
                     .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).webhookUrl(webhook.url()).httpPort(0)
                     .signingKeyFile(dir.resolve("bridge-signing.key"))
                     .admin(OPERATOR, OPERATOR_PASSWORD).build())) {
            MqttClient watcher = new MqttClient(brokerUrl, "e2e-watch-" + gatewayId, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            watcher.connect(options);
            List<byte[]> payloads = new CopyOnWriteArrayList<>();
            watcher.subscribe(Topics.of(gatewayId, Channel.ALERT), 1, (t, m) -> {
                payloads.add(m.getPayload());
                onTheWire.add(MessageCodec.decode(m.getPayload()));
            });
            await().atMost(Duration.ofSeconds(15)).until(bridge::mqttConnected);

            Path scenario = Files.writeString(dir.resolve("fall.csv"), """
                    time,device,kind,value
                    2024-03-04T19:40:00,hall-pir,motion,on
                    2024-03-04T19:42:00,bathroom-flush,water,6
                    2024-03-04T19:46:00,call-button,call,pressed
                    """);
            Path conf = Files.createDirectories(dir.resolve("conf"));
            // the gateway's own key, registered with the bridge as ./anxin provision does: the bridge
            // (refusing unsigned gateways, its default) hears only what this key signed
            KeyPair gatewayKey = Signatures.generate();
            GatewayKeyFile.create(conf.resolve("gateway.key"), gatewayKey);
            bridge.registerGatewayKey(gatewayId, Signatures.encode(gatewayKey.getPublic()));
            Files.writeString(conf.resolve("org.anxin.uplink.cfg"), "gatewayId=" + gatewayId + "\nbrokerUrl=" + brokerUrl
                    + "\nsigningKey=gateway.key\n");
            Files.writeString(conf.resolve("org.anxin.driver.replay-e2e.cfg"), "scenario=" + scenario + "\nspeed=0\nzone=UTC\n");
            Path log = dir.resolve("gateway.log");
            try (GatewayProcess gateway = GatewayProcess.start(AnxinHome.gatewayJar(), conf, dir.resolve("data"), "64m",
                    Redirect.to(log.toFile()))) {

                // 1. the gateway's detection engine raised it
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("alert EMERGENCY_CALL raised"));

                // 2. it crossed the broker from this gateway
                await().atMost(Duration.ofSeconds(30)).until(() -> !onTheWire.isEmpty());
                Envelope envelope = onTheWire.get(0);
                assertThat(envelope.gateway()).isEqualTo(gatewayId);
                assertThat(SignedEnvelope.open(payloads.get(0)).verifies(gatewayKey.getPublic(),
                        Topics.of(gatewayId, Channel.ALERT))).as("signed by the gateway's own key").isTrue();
                assertThat(envelope.body()).isInstanceOfSatisfying(Alert.class, a -> {
                    assertThat(a.type()).isEqualTo(AlertType.EMERGENCY_CALL);
                    assertThat(a.device()).isEqualTo("call-button");
                });

                // 3. the bridge stored it and lists it to a logged-in operator
                HttpClient http = HttpClient.newHttpClient();
                String token = login(http, bridge.httpUri());
                URI alertsUri = bridge.httpUri().resolve("api/alerts?gateway=" + gatewayId);
                JsonNode listed = await().atMost(Duration.ofSeconds(30)).until(
                        () -> MessageCodec.mapper().readTree(http.send(HttpRequest.newBuilder(alertsUri)
                                .header("Authorization", "Bearer " + token).build(),
                                HttpResponse.BodyHandlers.ofString()).body()),
                        json -> json.toString().contains("EMERGENCY_CALL"));
                assertThat(listed.toString()).contains(((Alert) envelope.body()).id());

                // 4. the webhook got the notification
                await().atMost(Duration.ofSeconds(30)).until(() -> !hooks.isEmpty());
                assertThat(hooks.get(0).path("event").asText()).isEqualTo("alert.raised");
                assertThat(hooks.get(0).path("gateway").asText()).isEqualTo(gatewayId);
                assertThat(hooks.get(0).path("alert").path("type").asText()).isEqualTo("EMERGENCY_CALL");
                assertThat(hooks.get(0).path("text").asText()).contains("call-button");
                // every message of this gateway verified: nothing it sent was refused for its signature.
                // Only on a broker of this test's own: the shared Mosquitto holds the retained states of
                // earlier tests' gateways, which this bridge rightly refuses as keyless
                if (embedded != null) {
                    assertThat(bridge.counters().unsignedRefused()).isZero();
                    assertThat(bridge.counters().badSignatures()).isZero();
                }
            } finally {
                watcher.disconnect();
                watcher.close();
            }
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
