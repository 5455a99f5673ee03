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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Channel;
import org.anxin.protocol.ConfigDocument;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.DesiredConfig;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.Topics;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Remote configuration end to end: real gateway processes, provisioned with ./anxin provision,
 * against a real bridge and broker. Each gateway is judged by what it reports to the bridge and by
 * the config files it runs from.
 */
class RemoteConfigIT {

    private static final String OPERATOR = "operator";
    private static final String PASSWORD = "remote config secret";
    private static final Duration APPLY = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private EmbeddedBroker broker;
    private Bridge bridge;
    private final HttpClient http = HttpClient.newHttpClient();
    private String token;
    private MqttClient attacker;
    private final List<Envelope> desiredOnTheWire = new CopyOnWriteArrayList<>();
    private final List<Envelope> reportsOnTheWire = new CopyOnWriteArrayList<>();
    private final List<GatewayProcess> gateways = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("broker"), 0);
        bridge = Bridge.start(BridgeOptions.builder().brokerUrl(broker.url()).jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OPERATOR, PASSWORD).signingKeyFile(dir.resolve("signing.key"))
                .supervisionInterval(Duration.ofSeconds(5)).build());
        await().atMost(Duration.ofSeconds(15)).until(bridge::mqttConnected);
        token = call("POST", "api/login", Map.of("username", OPERATOR, "password", PASSWORD)).path("token").asText();
        attacker = new MqttClient(broker.url(), "it-watch-" + UUID.randomUUID(), new MemoryPersistence());
        attacker.connect();
        attacker.subscribe("anxin/v1/gw/+/config/#", 1, (topic, message) -> {
            if (message.getPayload().length == 0) {
                return;
            }
            Envelope envelope = MessageCodec.decode(message.getPayload());
            (envelope.body() instanceof ConfigDocument ? desiredOnTheWire : reportsOnTheWire).add(envelope);
        });
    }

    @AfterEach
    void stop() throws Exception {
        gateways.forEach(GatewayProcess::close);
        if (attacker != null && attacker.isConnected()) {
            attacker.disconnect();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aPushIsAppliedInvalidForgedAndReplayedDocumentsAreRejectedAndARollbackRestores() throws Exception {
        home("home-a", "Riverside");
        String gw = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        Path conf = provision(gw, "home-a");
        startGateway(gw, conf);

        // a push: applied, reported, and written to the file a restart reads
        JsonNode v1 = push(gw, "{\"components\":{\"org.anxin.detection\":{\"noWaterHours\":10,\"nightStart\":\"23:00\"}}}");
        assertThat(v1.path("version").asLong()).isEqualTo(1);
        awaitStatus(gw, 1, "applied");
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("noWaterHours=10", "nightStart=23\\:00");
        assertThat(config(gw).path("running").asLong()).isEqualTo(1);

        // an invalid document changes nothing
        push(gw, "{\"components\":{\"org.anxin.detection\":{\"noWaterHours\":\"ten\",\"noWaterLitres\":5}}}");
        JsonNode invalid = awaitStatus(gw, 2, "rejected");
        assertThat(invalid.path("reason").asText()).contains("noWaterHours", "expected a whole number");
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("noWaterHours=10").doesNotContain("noWaterLitres");

        // a document that would cut the gateway off from the bridge is refused, however signed
        push(gw, "{\"removed\":[\"org.anxin.uplink\"]}");
        assertThat(awaitStatus(gw, 3, "rejected").path("reason").asText()).contains("set on site");
        assertThat(conf.resolve("org.anxin.uplink.cfg")).exists();

        // a forged document: well formed, newer, signed with another key
        KeyPair forger = Signatures.generate();
        String forgedText = MessageCodec.mapper().writeValueAsString(new DesiredConfig(gw, 99, Instant.now(),
                Map.of("org.anxin.detection", Map.of("noWaterHours", 24)), List.of()));
        publish(Envelope.of(gw, 99, Instant.now(), new ConfigDocument(forgedText, Signatures.sign(forger.getPrivate(), forgedText))));
        ConfigReport forged = awaitReport(gw, 99);
        assertThat(forged.outcome()).isEqualTo(ConfigReport.Outcome.REJECTED);
        assertThat(forged.reason()).contains("forged");
        assertThat(forged.running()).isEqualTo(1);

        // a replayed document: the bridge's own version 1, genuine but old
        Envelope genuineV1 = desiredOnTheWire.stream().filter(e -> e.gateway().equals(gw) && e.seq() == 1).findFirst().orElseThrow();
        publish(genuineV1);
        await().atMost(APPLY).until(() -> reportsOnTheWire.stream().anyMatch(e -> e.gateway().equals(gw)
                && e.body() instanceof ConfigReport r && r.version() == 1 && r.outcome() == ConfigReport.Outcome.REJECTED));
        ConfigReport replayed = reportsOnTheWire.stream().map(Envelope::body).filter(b -> b instanceof ConfigReport r
                && r.version() == 1 && r.outcome() == ConfigReport.Outcome.REJECTED).map(ConfigReport.class::cast).findFirst().orElseThrow();
        assertThat(replayed.reason()).contains("replayed or older");
        // the gateway's rejection of the copy leaves the genuine version 1 applied in the bridge's history
        assertThat(config(gw).path("history").findValues("version").stream().map(JsonNode::asLong).toList()).contains(1L);
        for (JsonNode h : config(gw).path("history")) {
            if (h.path("version").asLong() == 1) {
                assertThat(h.path("status").asText()).as(h.toString()).isEqualTo("applied");
            }
        }
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("noWaterHours=10");

        // a new version, then a rollback on command: the files are version 1's again
        push(gw, "{\"components\":{\"org.anxin.detection\":{\"noWaterHours\":8}}}");
        awaitStatus(gw, 4, "applied");
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("noWaterHours=8");
        JsonNode rollback = command(gw, "{\"name\":\"rollback\"}");
        assertThat(rollback.path("ok").asBoolean()).as(rollback.toString()).isTrue();
        assertThat(rollback.path("result").path("running").asLong()).isEqualTo(1);
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("noWaterHours=10", "nightStart=23\\:00");
        awaitStatus(gw, 4, "rolled-back");

        // a document whose component fails to activate is rolled back by the gateway itself
        push(gw, "{\"components\":{\"org.anxin.driver.replay-day\":{\"scenario\":\"" + dir.resolve("missing.csv") + "\",\"speed\":0}}}");
        JsonNode automatic = awaitStatus(gw, 5, "rolled-back");
        assertThat(automatic.path("reason").asText()).contains("org.anxin.driver.replay-day", "does not exist");
        assertThat(conf.resolve("org.anxin.driver.replay-day.cfg")).doesNotExist();
        assertThat(config(gw).path("running").asLong()).isEqualTo(1);

        // commands answer with a result or a clear error
        JsonNode diagnostics = command(gw, "{\"name\":\"diagnostics\"}");
        assertThat(diagnostics.path("ok").asBoolean()).as(diagnostics.toString()).isTrue();
        assertThat(diagnostics.path("result").path("versions").has("org.anxin.remote")).isTrue();
        assertThat(diagnostics.path("result").path("store").has("queued")).isTrue();
        assertThat(diagnostics.path("result").path("uptimeSeconds").asLong()).isPositive();
        assertThat(diagnostics.path("result").path("configuration").path("running").asLong()).isEqualTo(1);
        JsonNode away = command(gw, "{\"name\":\"mode\",\"args\":{\"mode\":\"away\",\"until\":\""
                + Instant.now().plus(Duration.ofDays(3)) + "\"}}");
        assertThat(away.path("ok").asBoolean()).as(away.toString()).isTrue();
        JsonNode siren = command(gw, "{\"name\":\"test-siren\"}");
        assertThat(siren.path("ok").asBoolean()).isFalse();
        assertThat(siren.path("error").asText()).contains("no siren");
        JsonNode pairing = command(gw, "{\"name\":\"permit-join\",\"args\":{\"seconds\":60}}");
        assertThat(pairing.path("ok").asBoolean()).isFalse();
        assertThat(pairing.path("error").asText()).contains("no Zigbee network");

        // the same from an installer's shell: 0 done, 1 refused by the gateway
        assertThat(commandLine(gw, "diagnostics")).isZero();
        assertThat(commandLine(gw, "permit-join", "seconds=120")).isEqualTo(1);
        // all of it (state, heartbeats, reports, results) heard through the gateway's own signature
        assertThat(bridge.counters().unsignedRefused()).isZero();
        assertThat(bridge.counters().badSignatures()).isZero();
    }

    @Test
    void aGatewayOfflineAtPushTimeGetsTheLatestVersionWhenItReconnects() throws Exception {
        home("home-b", "Riverside");
        String gw = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        Path conf = provision(gw, "home-b");
        GatewayProcess first = startGateway(gw, conf);
        awaitOnline(gw, true);
        first.close();
        gateways.remove(first);
        awaitOnline(gw, false);

        push(gw, "{\"components\":{\"org.anxin.detection\":{\"noWaterHours\":9}}}");
        push(gw, "{\"components\":{\"org.anxin.detection\":{\"noWaterHours\":7}}}");
        assertThat(config(gw).path("desired").path("status").asText()).isEqualTo("pending");
        JsonNode offline = callRaw("POST", "api/gateways/" + gw + "/commands", "{\"name\":\"diagnostics\"}");
        assertThat(offline.path("status").asInt()).as(offline.toString()).isEqualTo(409);
        assertThat(commandLine(gw, "diagnostics")).as("not delivered").isEqualTo(2);

        startGateway(gw, conf);
        awaitStatus(gw, 2, "applied");
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("noWaterHours=7");
        assertThat(config(gw).path("running").asLong()).isEqualTo(2);
    }

    @Test
    void aBulkPushReachesEveryGatewayOfACommunityAsAPatchAndShowsEachOnesStatus() throws Exception {
        home("home-c1", "Lakeside");
        home("home-c2", "Lakeside");
        home("home-c3", "Lakeside");
        home("home-other", "Hillside");
        List<String> ids = new ArrayList<>();
        List<Path> confs = new ArrayList<>();
        for (String home : List.of("home-c1", "home-c2", "home-c3")) {
            String gw = "gw-" + UUID.randomUUID().toString().substring(0, 8);
            ids.add(gw);
            Path conf = provision(gw, home);
            confs.add(conf);
            // each home's night-door settings, an installer's edit on site that the bridge never saw
            Files.writeString(conf.resolve("org.anxin.detection.cfg"), "nightDoorEnabled=true\nnightEnd=0" + ids.size()
                    + "\\:45\n", java.nio.file.StandardOpenOption.APPEND);
            if (!home.equals("home-c3")) {
                startGateway(gw, conf); // the third stays offline: its row waits as pending
            }
        }
        String other = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        provision(other, "home-other");

        JsonNode bulk = call("POST", "api/config/bulk",
                Map.of("community", "Lakeside", "components", Map.of("org.anxin.detection", Map.of("nightStart", "21:30"))));
        String bulkId = bulk.path("bulk").asText();
        assertThat(bulk.path("gateways")).hasSize(3);
        JsonNode status = await().atMost(APPLY).until(() -> call("GET", "api/config/bulk/" + bulkId, null),
                s -> s.path("counts").path("applied").asInt() == 2);
        assertThat(status.path("counts").path("pending").asInt()).isEqualTo(1);
        for (JsonNode row : status.path("gateways")) {
            assertThat(row.path("status").asText()).isEqualTo(row.path("gateway").asText().equals(ids.get(2)) ? "pending" : "applied");
        }
        assertThat(config(other).path("desired").isNull() || config(other).path("desired").isMissingNode()).isTrue();
        // the one property pushed is set; every other property each home had is kept, in the file a restart reads
        for (int i = 0; i < 2; i++) {
            assertThat(Files.readString(confs.get(i).resolve("org.anxin.detection.cfg"))).contains("nightStart=21\\:30",
                    "nightDoorEnabled=true", "nightEnd=0" + (i + 1) + "\\:45", "callRearmSeconds=300");
            JsonNode version = config(ids.get(i)).path("history").path(0);
            assertThat(version.path("mode").asText()).isEqualTo("patch");
            assertThat(version.path("result").path("org.anxin.detection").path("nightEnd").asText()).isEqualTo("0" + (i + 1) + ":45");
            assertThat(version.path("result").path("org.anxin.detection").path("nightStart").asText()).isEqualTo("21:30");
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    private void home(String id, String community) throws Exception {
        call("PUT", "api/homes/" + id, Map.of("district", "Xuhui", "street", "Tianping", "community", community,
                "category", "living_alone"));
    }

    private Path provision(String gw, String home) throws Exception {
        Path conf = dir.resolve(gw + "-conf");
        int exit = new CommandLine(new Anxin()).execute("provision", "--bridge", bridge.httpUri().toString(), "--user", OPERATOR,
                "--password", PASSWORD, "--home", home, "--gateway", gw, "--config", conf.toString());
        assertThat(exit).isZero();
        assertThat(Files.readString(conf.resolve("org.anxin.remote.cfg"))).contains("bridgeKey=");
        assertThat(Files.readString(conf.resolve("org.anxin.uplink.cfg"))).contains("gatewayId=" + gw, "brokerUrl=" + broker.url(),
                "signingKey=gateway.key");
        // the gateway's private key: owner-only, and the bridge (refusing unsigned gateways) hears it through it
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(conf.resolve("gateway.key")))).isEqualTo("rw-------");
        // the identity is in the files, so a test-only change makes the gateway quick to notice silence
        Files.writeString(conf.resolve("org.anxin.uplink.cfg"), "heartbeatSeconds=5\n", java.nio.file.StandardOpenOption.APPEND);
        return conf;
    }

    private int commandLine(String gw, String... command) {
        List<String> args = new ArrayList<>(List.of("command", "--bridge", bridge.httpUri().toString(), "--user", OPERATOR,
                "--password", PASSWORD, "--gateway", gw));
        args.addAll(List.of(command));
        return new CommandLine(new Anxin()).execute(args.toArray(String[]::new));
    }

    private GatewayProcess startGateway(String gw, Path conf) throws Exception {
        GatewayProcess process = GatewayProcess.start(AnxinHome.gatewayJar(), conf, dir.resolve(gw + "-data"), "64m",
                Redirect.appendTo(dir.resolve(gw + ".log").toFile()));
        gateways.add(process);
        return process;
    }

    private void awaitOnline(String gw, boolean online) {
        await().atMost(APPLY).until(() -> {
            JsonNode list = call("GET", "api/gateways", null);
            for (JsonNode g : list.isArray() ? list : list.path("gateways")) {
                if (g.path("gateway").asText(g.path("id").asText()).equals(gw)) {
                    return g.toString().contains(online ? "\"online\"" : "\"offline\"");
                }
            }
            return false;
        });
    }

    private JsonNode push(String gw, String body) throws Exception {
        JsonNode answer = callRaw("PUT", "api/gateways/" + gw + "/config", body);
        assertThat(answer.has("version")).as(answer.toString()).isTrue();
        return answer;
    }

    private JsonNode command(String gw, String body) throws Exception {
        return callRaw("POST", "api/gateways/" + gw + "/commands", body);
    }

    private JsonNode config(String gw) throws Exception {
        return call("GET", "api/gateways/" + gw + "/config", null);
    }

    /** The history row of one version once it has the status, as the bridge shows it. */
    private JsonNode awaitStatus(String gw, long version, String status) {
        return await().atMost(APPLY).until(() -> {
            for (JsonNode row : config(gw).path("history")) {
                if (row.path("version").asLong() == version) {
                    return row;
                }
            }
            return null;
        }, row -> row != null && row.path("status").asText().equals(status));
    }

    private ConfigReport awaitReport(String gw, long version) {
        return await().atMost(APPLY).until(() -> reportsOnTheWire.stream()
                .filter(e -> e.gateway().equals(gw) && e.body() instanceof ConfigReport r && r.version() == version)
                .map(e -> (ConfigReport) e.body()).findFirst().orElse(null), r -> r != null);
    }

    private void publish(Envelope envelope) throws Exception {
        attacker.publish(Topics.of(envelope.gateway(), Channel.CONFIG_DESIRED), MessageCodec.encode(envelope), 1, false);
    }

    private JsonNode call(String method, String path, Object body) throws Exception {
        JsonNode answer = callRaw(method, path, body == null ? null : MessageCodec.mapper().writeValueAsString(body));
        assertThat(answer.path("status").asInt(200)).as(method + " " + path + ": " + answer).isLessThan(300);
        return answer;
    }

    private JsonNode callRaw(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bridge.httpUri() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? MessageCodec.mapper().createObjectNode() : MessageCodec.mapper().readTree(response.body());
        if (response.statusCode() >= 300 && json.isObject() && !json.has("status")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("status", response.statusCode());
        }
        return json;
    }
}
