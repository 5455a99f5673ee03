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
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.broker.BrokerAccounts;
import org.anxin.broker.MosquittoPasswords;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Channel;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.SignedEnvelope;
import org.anxin.protocol.Topics;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The foundation's promise, link by link: a call button pressed in a replayed scenario becomes an
 * EMERGENCY_CALL alert in a real gateway process, crosses a real broker, is stored by the bridge
 * and reaches a webhook. Once over the embedded broker, once over Mosquitto, each with
 * authentication and the ACL on, and the gateway set up by {@code ./anxin provision}.
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

    /** The public key provision registered with the bridge for this gateway, as the bridge's database holds it. */
    private PublicKey registeredKey(String gatewayId) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT public_key FROM gateway_keys WHERE gateway = ?")) {
            ps.setString(1, gatewayId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("provision registered a key for " + gatewayId).isTrue();
                return Signatures.publicKey(rs.getString(1));
            }
        }
    }

    static Stream<Arguments> brokers() {
        return Stream.of(Arguments.of("embedded"), Arguments.of("mosquitto"));
    }

    @ParameterizedTest(name = "over the {0} broker")
    @MethodSource("brokers")
    void aPressedCallButtonReachesTheWebhookThroughGatewayBrokerAndBridge(String brokerKind) throws Exception {
        String gatewayId = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        // authentication on, as in the field: the bridge's account made by the operator, the
        // gateway's by ./anxin provision, and the broker run on exactly those files
        Path passwords = dir.resolve("anxin.passwd");
        Path acl = dir.resolve("anxin.acl");
        String bridgePassword = MosquittoPasswords.newPassword();
        BrokerAccounts.putUser(passwords, BrokerAccounts.DEFAULT_BRIDGE_USER, bridgePassword, false);
        int port = EmbeddedBroker.freePort();
        String brokerUrl = "tcp://127.0.0.1:" + port;
        // on Mosquitto the bridge has a listener of its own (the gateways' renames client ids to user names)
        int bridgePort = brokerKind.equals("embedded") ? port : EmbeddedBroker.freePort();
        List<JsonNode> hooks = new CopyOnWriteArrayList<>();
        List<Envelope> onTheWire = new CopyOnWriteArrayList<>();
        try (WebhookReceiver webhook = WebhookReceiver.start(hooks::add);
             Bridge bridge = Bridge.start(BridgeOptions.builder().brokerUrl("tcp://127.0.0.1:" + bridgePort)
                     .mqttUsername(BrokerAccounts.DEFAULT_BRIDGE_USER).mqttPassword(bridgePassword)
                     .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).webhookUrl(webhook.url()).httpPort(0)
                     .signingKeyFile(dir.resolve("bridge-signing.key"))
                     .admin(OPERATOR, OPERATOR_PASSWORD).build())) {
            HttpClient http = HttpClient.newHttpClient();
            String token = login(http, bridge.httpUri());
            HttpResponse<String> home = http.send(HttpRequest.newBuilder(bridge.httpUri().resolve("api/homes/e2e-home"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"district\":\"Qingpu\",\"street\":\"Xiayang\","
                            + "\"community\":\"Riverside\",\"category\":\"living_alone\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(home.statusCode()).as(home.body()).isLessThan(300);
            // the installer's step: the gateway's MQTT account, ACL and Ed25519 key, registered with the bridge
            Path conf = dir.resolve("conf");
            assertThat(new CommandLine(new Anxin()).execute("provision", "--bridge", bridge.httpUri().toString(), "--user", OPERATOR,
                    "--password", OPERATOR_PASSWORD, "--home", "e2e-home", "--gateway", gatewayId, "--config", conf.toString(),
                    "--broker", brokerUrl, "--mqtt-passwords", passwords.toString(), "--mqtt-acl", acl.toString())).isZero();
            // a watcher of this test's, allowed to read alerts only
            String watcherPassword = MosquittoPasswords.newPassword();
            BrokerAccounts.putUser(passwords, "e2e-watcher", watcherPassword, false);
            Files.writeString(acl, "\nuser e2e-watcher\ntopic read anxin/v1/gw/+/alert\n", java.nio.file.StandardOpenOption.APPEND);

            try (AutoCloseable broker = brokerKind.equals("embedded")
                    ? EmbeddedBroker.start(dir.resolve("broker"), port, EmbeddedBroker.Access.files(passwords, acl))
                    : MosquittoBroker.start(dir.resolve("mosquitto"), port, bridgePort, passwords, acl)) {
                MqttClient watcher = new MqttClient(brokerUrl, "e2e-watch-" + gatewayId, new MemoryPersistence());
                MqttConnectOptions options = new MqttConnectOptions();
                options.setCleanSession(true);
                options.setUserName("e2e-watcher");
                options.setPassword(watcherPassword.toCharArray());
                watcher.connect(options);
                try {
                    aCallPressCrossesGatewayBrokerAndBridge(gatewayId, conf, bridge, http, token, watcher, onTheWire, hooks);
                } finally {
                    watcher.disconnect();
                    watcher.close();
                }
            }
        }
    }

    private void aCallPressCrossesGatewayBrokerAndBridge(String gatewayId, Path conf, Bridge bridge, HttpClient http, String token,
            MqttClient watcher, List<Envelope> onTheWire, List<JsonNode> hooks) throws Exception {
        List<byte[]> payloads = new CopyOnWriteArrayList<>();
        watcher.subscribe(Topics.of(gatewayId, Channel.ALERT), 1, (t, m) -> {
            payloads.add(m.getPayload());
            onTheWire.add(MessageCodec.decode(m.getPayload()));
        });
        await().atMost(Duration.ofSeconds(30)).until(bridge::mqttConnected);
        PublicKey gatewayKey = registeredKey(gatewayId);

        Path scenario = Files.writeString(dir.resolve("fall.csv"), """
                time,device,kind,value
                2024-03-04T19:40:00,hall-pir,motion,on
                2024-03-04T19:42:00,bathroom-flush,water,6
                2024-03-04T19:46:00,call-button,call,pressed
                """);
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
            assertThat(SignedEnvelope.open(payloads.get(0)).verifies(gatewayKey,
                    Topics.of(gatewayId, Channel.ALERT))).as("signed by the gateway's own key").isTrue();
            assertThat(envelope.body()).isInstanceOfSatisfying(Alert.class, a -> {
                assertThat(a.type()).isEqualTo(AlertType.EMERGENCY_CALL);
                assertThat(a.device()).isEqualTo("call-button");
            });

            // 3. the bridge stored it and lists it to a logged-in operator
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
            // every message of this gateway verified: nothing it sent was refused for its signature
            assertThat(bridge.counters().unsignedRefused()).isZero();
            assertThat(bridge.counters().badSignatures()).isZero();
        }
    }
}
