package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Command;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.DesiredConfig;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Signatures;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote configuration and commands through a real broker, with test clients acting as gateways
 * at the protocol level: signed, retained, versioned documents; reports; bulk pushes; commands.
 */
class RemoteConfigTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path brokerDir;
    private static TestBroker broker;

    @TempDir
    Path dir;
    private Bridge bridge;
    private OperatorApi api;
    private final List<ProtocolGateway> gateways = new java.util.ArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private BridgeOptions.Builder options() {
        return BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0)
                .supervisionInterval(Duration.ofMinutes(5))
                .admin(OperatorApi.USER, OperatorApi.PASSWORD);
    }

    private void start(BridgeOptions.Builder options) {
        bridge = Bridge.start(options.build());
        api = new OperatorApi(bridge.httpUri()).login();
        await().atMost(WAIT).until(bridge::mqttConnected);
    }

    private ProtocolGateway gateway(String id) throws Exception {
        ProtocolGateway g = new ProtocolGateway(broker.url(), id);
        gateways.add(g);
        return g;
    }

    @AfterEach
    void stop() throws Exception {
        for (ProtocolGateway g : gateways) {
            g.clearRetained();
            g.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private PublicKey bridgeKey() {
        JsonNode key = api.get("api/signing-key");
        assertThat(key.get("algorithm").asText()).isEqualTo("Ed25519");
        return Signatures.publicKey(key.get("publicKey").asText());
    }

    private static String push(String components) {
        return json("{'components':" + components + "}");
    }

    @Test
    void aPushPublishesARetainedDocumentSignedWithTheBridgeKeyAndEachPushIsTheNextVersion() throws Exception {
        start(options());
        String gw = uniqueGateway("push");
        ProtocolGateway g = gateway(gw);

        JsonNode first = api.ok("PUT", "api/gateways/" + gw + "/config",
                push("{'org.anxin.detection':{'smokeHoldSeconds':30,'nightStart':'22:00','awayMode':false}}"));
        assertThat(first.get("gateway").asText()).isEqualTo(gw);
        assertThat(first.get("version").asLong()).isEqualTo(1);
        assertThat(first.get("status").asText()).isEqualTo("pending");
        JsonNode second = api.ok("PUT", "api/gateways/" + gw + "/config", json("{'components':"
                + "{'org.anxin.driver.gpio.input-kitchen':{'pin':17}},'removed':['org.anxin.driver.gpio.input-hall']}"));
        assertThat(second.get("version").asLong()).isEqualTo(2);

        await().atMost(WAIT).until(() -> g.documents.size() == 2);
        PublicKey key = bridgeKey();
        for (ProtocolGateway.Received r : g.documents) {
            assertThat(Signatures.verify(key, r.document().document(), r.document().signature()))
                    .as("signature of version %d", r.desired().version()).isTrue();
            assertThat(r.envelope().gateway()).isEqualTo(gw);
        }
        DesiredConfig v1 = g.documents.get(0).desired();
        assertThat(v1.gateway()).isEqualTo(gw);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.components().get("org.anxin.detection"))
                .containsEntry("smokeHoldSeconds", 30).containsEntry("nightStart", "22:00").containsEntry("awayMode", false);
        DesiredConfig v2 = g.documents.get(1).desired();
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.removed()).containsExactly("org.anxin.driver.gpio.input-hall");
        // a document tampered with on the way no longer verifies
        String tampered = g.documents.get(1).document().document().replace("17", "18");
        assertThat(Signatures.verify(key, tampered, g.documents.get(1).document().signature())).isFalse();

        JsonNode view = api.get("api/gateways/" + gw + "/config");
        assertThat(view.get("desired").get("version").asLong()).isEqualTo(2);
        assertThat(view.get("desired").get("status").asText()).isEqualTo("pending");
        assertThat(view.get("desired").get("createdBy").asText()).isEqualTo(OperatorApi.USER);
        assertThat(view.get("desired").get("components").get("org.anxin.driver.gpio.input-kitchen").get("pin").asInt())
                .isEqualTo(17);
        assertThat(view.get("history")).hasSize(2);
        assertThat(view.get("history").get(0).get("version").asLong()).isEqualTo(2);
        assertThat(view.get("running").isNull()).isTrue();
    }

    /**
     * On a real Mosquitto, authentication on (Moquette does not flag a retained copy as retained):
     * the bridge on its own account, the gateway on its own.
     */
    @Test
    void aGatewayThatWasOfflineAtPushTimeGetsTheNewestDocumentWhenItConnects(@TempDir Path mosquittoDir) throws Exception {
        String gw = uniqueGateway("offline");
        try (MosquittoBroker mosquitto = MosquittoBroker.start(mosquittoDir, gw)) {
            start(options().brokerUrl(mosquitto.bridgeUrl())
                    .mqttUsername(mosquitto.bridge().user()).mqttPassword(mosquitto.bridge().password()));
            offlineGatewayGetsTheNewest(mosquitto, gw);
        } finally {
            if (bridge != null) {
                bridge.close();
                bridge = null;
            }
        }
    }

    private void offlineGatewayGetsTheNewest(MosquittoBroker mosquitto, String gw) throws Exception {
        api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'awayMode':false}}"));
        api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'awayMode':true}}"));
        await().atMost(WAIT).until(() -> api.get("api/gateways/" + gw + "/config").get("desired").get("published")
                .asBoolean());

        try (ProtocolGateway late = new ProtocolGateway(mosquitto.url(), mosquitto.gateway(gw))) {
            await().atMost(WAIT).until(() -> !late.documents.isEmpty());
            ProtocolGateway.Received got = late.documents.get(0);
            assertThat(got.retained()).isTrue();
            assertThat(got.desired().version()).isEqualTo(2);
            assertThat(got.desired().components().get("org.anxin.detection")).containsEntry("awayMode", true);
            assertThat(Signatures.verify(bridgeKey(), got.document().document(), got.document().signature())).isTrue();
            Thread.sleep(300);
            assertThat(late.documents).as("only the newest is kept").hasSize(1);
        }
    }

    @Test
    void aDocumentPushedWhileTheBrokerIsDownIsPublishedWhenItComesBack(@TempDir Path otherBrokerDir) throws Exception {
        int port = TestBroker.freePort();
        bridge = Bridge.start(options().brokerUrl("tcp://127.0.0.1:" + port).build());
        api = new OperatorApi(bridge.httpUri()).login();
        String gw = uniqueGateway("later");
        JsonNode pushed = api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'awayMode':true}}"));
        assertThat(pushed.get("version").asLong()).isEqualTo(1);
        assertThat(api.get("api/gateways/" + gw + "/config").get("desired").get("published").asBoolean()).isFalse();

        try (TestBroker second = TestBroker.startOn(port, otherBrokerDir)) {
            await().atMost(WAIT).until(() -> api.get("api/gateways/" + gw + "/config").get("desired").get("published")
                    .asBoolean());
            try (ProtocolGateway g = new ProtocolGateway(second.url(), gw)) {
                await().atMost(WAIT).until(() -> !g.documents.isEmpty());
                assertThat(g.documents.get(0).desired().version()).isEqualTo(1);
            }
            bridge.close();
            bridge = null;
        }
    }

    @Test
    void anOlderDocumentLeftRetainedByOvertakingPublishesIsReplacedByTheNewest() throws Exception {
        start(options());
        String gw = uniqueGateway("stale");
        ProtocolGateway g = gateway(gw);
        api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'awayMode':false}}"));
        api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'awayMode':true}}"));
        await().atMost(WAIT).until(() -> g.documents.size() == 2);

        // version 1 reaches the broker last, as when two instances' publishes overtake each other
        g.publish(g.documents.get(0).envelope());
        await().atMost(WAIT).until(() -> g.documents.size() >= 4);
        assertThat(g.documents.get(g.documents.size() - 1).desired().version()).isEqualTo(2);
        ProtocolGateway late = gateway(gw);
        await().atMost(WAIT).until(() -> !late.documents.isEmpty());
        assertThat(late.documents.get(0).desired().version()).as("what the broker keeps now").isEqualTo(2);
    }

    @Test
    void theGatewaysReportsMoveEachVersionToAppliedRejectedOrRolledBack() throws Exception {
        start(options());
        String gw = uniqueGateway("report");
        ProtocolGateway g = gateway(gw);
        String path = "api/gateways/" + gw + "/config";
        api.ok("PUT", path, push("{'org.anxin.detection':{'awayMode':false}}"));
        g.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        await().atMost(WAIT).until(() -> api.get(path).get("desired").get("status").asText().equals("applied"));
        JsonNode view = api.get(path);
        assertThat(view.get("running").asLong()).isEqualTo(1);
        assertThat(view.get("kept").toString()).isEqualTo("[1]");
        assertThat(view.get("history").get(0).get("reportedAt").isNull()).isFalse();

        api.ok("PUT", path, push("{'org.anxin.detection':{'smokeHoldSeconds':'soon'}}"));
        g.send(new ConfigReport(2, ConfigReport.Outcome.REJECTED, 1,
                "org.anxin.detection.smokeHoldSeconds: 'soon' is not an integer", List.of(1L)));
        await().atMost(WAIT).until(() -> api.get(path).get("desired").get("status").asText().equals("rejected"));
        view = api.get(path);
        assertThat(view.get("desired").get("version").asLong()).isEqualTo(2);
        assertThat(view.get("desired").get("reason").asText()).contains("'soon' is not an integer");
        assertThat(view.get("running").asLong()).isEqualTo(1);

        api.ok("PUT", path, push("{'org.anxin.detection':{'smokeHoldSeconds':5}}"));
        g.send(new ConfigReport(3, ConfigReport.Outcome.ROLLED_BACK, 1, "org.anxin.detection failed to activate",
                List.of(3L, 1L)));
        await().atMost(WAIT).until(() -> api.get(path).get("desired").get("status").asText().equals("rolled-back"));
        view = api.get(path);
        assertThat(view.get("desired").get("reason").asText()).isEqualTo("org.anxin.detection failed to activate");
        assertThat(view.get("history").get(2).get("status").asText()).as("version 1 runs again").isEqualTo("applied");
        assertThat(view.get("kept").toString()).isEqualTo("[3,1]");
        assertThat(bridge.counters().configReports()).isEqualTo(3);
        assertThat(bridge.counters().unknownConfigVersions()).isZero();
    }

    @Test
    void aReportOfAVersionTheBridgeNeverIssuedIsCountedAndChangesNoVersion() throws Exception {
        start(options());
        String gw = uniqueGateway("forged");
        ProtocolGateway g = gateway(gw);
        String path = "api/gateways/" + gw + "/config";
        api.ok("PUT", path, push("{'org.anxin.detection':{'awayMode':false}}"));
        g.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        g.send(new ConfigReport(99, ConfigReport.Outcome.REJECTED, 1, "signature does not verify", List.of(1L)));
        await().atMost(WAIT).until(() -> bridge.counters().unknownConfigVersions() == 1);
        JsonNode view = api.get(path);
        assertThat(view.get("history")).hasSize(1);
        assertThat(view.get("desired").get("status").asText()).isEqualTo("applied");
        assertThat(view.get("running").asLong()).isEqualTo(1);
    }

    @Test
    void reportsAndResultsCountAsReceivedNumbersOfTheGatewaysSequence() throws Exception {
        start(options());
        String gw = uniqueGateway("seq");
        ProtocolGateway g = gateway(gw);
        api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'awayMode':false}}"));
        long seq = g.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        await().atMost(WAIT).until(() -> bridge.counters().configReports() == 1);
        long stored = count("SELECT COUNT(*) FROM events WHERE gateway = '" + gw + "' AND seq = " + seq
                + " AND type = 'config-report'");
        assertThat(stored).as("the report holds its place in the gateway's sequence").isEqualTo(1);
        // the same report again (the broker redelivers) is a duplicate, not a second report
        g.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        await().atMost(WAIT).until(() -> bridge.counters().configReports() == 2);
    }

    private long count(String sql) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aBulkPushOverACommunityReachesEachOfItsGatewaysAndCountsTheirOutcomes() throws Exception {
        start(options());
        String a = uniqueGateway("bulk-a");
        String b = uniqueGateway("bulk-b");
        String c = uniqueGateway("bulk-c");
        String elsewhere = uniqueGateway("bulk-x");
        String home = "{'district':'Wuchang','street':'Zhongnan','category':'living_alone','community':";
        api.ok("PUT", "api/homes/h-a", json(home + "'Shuiguohu','gateways':['" + a + "','" + b + "']}"));
        api.ok("PUT", "api/homes/h-c", json(home + "'Shuiguohu','gateways':['" + c + "']}"));
        api.ok("PUT", "api/homes/h-x", json(home + "'Donghu','gateways':['" + elsewhere + "']}"));
        ProtocolGateway ga = gateway(a);
        ProtocolGateway gb = gateway(b);
        ProtocolGateway gx = gateway(elsewhere);

        OperatorApi.Response r = api.send("POST", "api/config/bulk", json("{'community':'Shuiguohu',"
                + "'components':{'org.anxin.detection':{'nightStart':'21:30'}}}"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String bulk = r.json().get("bulk").asText();
        assertThat(r.json().get("gateways")).hasSize(3);
        for (JsonNode row : r.json().get("gateways")) {
            assertThat(row.get("gateway").asText()).isIn(a, b, c);
            assertThat(row.get("version").asLong()).isEqualTo(1);
        }
        await().atMost(WAIT).until(() -> ga.documents.size() == 1 && gb.documents.size() == 1);
        ga.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        gb.send(new ConfigReport(1, ConfigReport.Outcome.REJECTED, 0, "org.anxin.detection has no nightStart",
                List.of()));

        await().atMost(WAIT).until(() -> api.get("api/config/bulk/" + bulk).get("counts").get("pending").asInt() == 1);
        JsonNode view = api.get("api/config/bulk/" + bulk);
        assertThat(view.get("createdBy").asText()).isEqualTo(OperatorApi.USER);
        assertThat(view.get("counts").get("applied").asInt()).isEqualTo(1);
        assertThat(view.get("counts").get("rejected").asInt()).isEqualTo(1);
        assertThat(view.get("counts").get("rolled-back").asInt()).isZero();
        for (JsonNode row : view.get("gateways")) {
            String expected = row.get("gateway").asText().equals(a) ? "applied"
                    : row.get("gateway").asText().equals(b) ? "rejected" : "pending";
            assertThat(row.get("status").asText()).as(row.toString()).isEqualTo(expected);
        }
        assertThat(gx.documents).as("a gateway of another community").isEmpty();

        // a list of gateways; unknown ones are refused and nothing is pushed
        JsonNode listed = api.ok("POST", "api/config/bulk", json("{'gateways':['" + a + "','" + elsewhere + "'],"
                + "'removed':['org.anxin.old']}"));
        assertThat(listed.get("gateways").get(0).get("version").asLong()).isEqualTo(2);
        assertError(api.send("POST", "api/config/bulk", json("{'gateways':['" + a + "','gw-nobody-knows'],"
                + "'removed':['org.anxin.old']}")), 400, "gw-nobody-knows");
        assertError(api.send("POST", "api/config/bulk", json("{'community':'Nowhere','removed':['x']}")), 400,
                "no gateway belongs to a home in community 'Nowhere'");
        assertError(api.send("POST", "api/config/bulk", json("{'gateways':[],'removed':['x']}")), 400, "empty");
        assertError(api.send("POST", "api/config/bulk", json("{'gateways':['" + a + "'],'community':'Shuiguohu',"
                + "'removed':['x']}")), 400, "not both");
        assertError(api.send("GET", "api/config/bulk/bulk-none", null), 404, "no bulk push 'bulk-none'");
        assertThat(api.get("api/gateways/" + a + "/config").get("desired").get("version").asLong()).isEqualTo(2);
    }

    private static final String DETECTION = "org.anxin.detection";

    /** What a gateway runs once it applies the document: a replacement as given, a patch merged into what it had. */
    private static Map<String, Object> applied(DesiredConfig document, Map<String, Object> before) {
        return document.components().containsKey(DETECTION) ? document.components().get(DETECTION)
                : DesiredConfig.merge(before, document.patch().getOrDefault(DETECTION, Map.of()),
                        document.unset().getOrDefault(DETECTION, List.of()));
    }

    private static Map<String, String> strings(Map<String, Object> properties) {
        Map<String, String> out = new java.util.TreeMap<>();
        properties.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @Test
    void aBulkPushOfOnePropertyToACommunityLeavesEachHomesNightDoorSettingsIntact() throws Exception {
        start(options());
        String a = uniqueGateway("patch-a");
        String b = uniqueGateway("patch-b");
        String home = "{'district':'Wuchang','street':'Zhongnan','category':'living_alone','community':'Shuiguohu',";
        api.ok("PUT", "api/homes/h-a", json(home + "'gateways':['" + a + "']}"));
        api.ok("PUT", "api/homes/h-b", json(home + "'gateways':['" + b + "']}"));
        // each home's own night-door settings, written on site by its installer: the bridge never pushed them
        Map<String, Map<String, Object>> running = new java.util.HashMap<>(Map.of(
                a, Map.of("noWaterHours", "12", "nightDoorEnabled", "true", "nightStart", "21:00", "nightEnd", "07:00"),
                b, Map.of("noWaterHours", "8", "nightDoorEnabled", "true", "nightStart", "23:30", "nightEnd", "05:30")));
        ProtocolGateway ga = gateway(a);
        ProtocolGateway gb = gateway(b);

        JsonNode pushed = api.ok("POST", "api/config/bulk", json("{'community':'Shuiguohu',"
                + "'components':{'org.anxin.detection':{'noWaterHours':10}}}"));
        assertThat(pushed.get("mode").asText()).isEqualTo("patch");
        await().atMost(WAIT).until(() -> ga.documents.size() == 1 && gb.documents.size() == 1);
        for (ProtocolGateway g : List.of(ga, gb)) {
            DesiredConfig document = g.documents.get(0).desired();
            assertThat(document.components()).as("nothing replaced whole").isEmpty();
            Map<String, Object> after = applied(document, running.get(g.id));
            running.put(g.id, after);
            g.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L), Map.of(DETECTION, strings(after))));
        }
        assertThat(running.get(a)).containsExactlyInAnyOrderEntriesOf(
                Map.of("noWaterHours", 10, "nightDoorEnabled", "true", "nightStart", "21:00", "nightEnd", "07:00"));
        assertThat(running.get(b)).containsExactlyInAnyOrderEntriesOf(
                Map.of("noWaterHours", 10, "nightDoorEnabled", "true", "nightStart", "23:30", "nightEnd", "05:30"));

        // the history shows the patch and what it left on the gateway
        await().atMost(WAIT).until(() -> api.get("api/gateways/" + b + "/config").get("desired").get("status").asText()
                .equals("applied"));
        JsonNode version = api.get("api/gateways/" + b + "/config").get("history").get(0);
        assertThat(version.get("mode").asText()).isEqualTo("patch");
        assertThat(version.get("patch").toString()).isEqualTo("{\"org.anxin.detection\":{\"noWaterHours\":10}}");
        assertThat(version.get("result").get(DETECTION).get("nightStart").asText()).isEqualTo("23:30");
        assertThat(version.get("result").get(DETECTION).get("noWaterHours").asText()).isEqualTo("10");

        // a property given as null in a patch is deleted; a replacement must say so
        api.ok("POST", "api/config/bulk", json("{'gateways':['" + a + "'],"
                + "'components':{'org.anxin.detection':{'nightEnd':null}}}"));
        await().atMost(WAIT).until(() -> ga.documents.size() == 2);
        assertThat(applied(ga.documents.get(1).desired(), running.get(a))).doesNotContainKey("nightEnd")
                .containsEntry("nightStart", "21:00");
        JsonNode replaced = api.ok("POST", "api/config/bulk", json("{'gateways':['" + a + "'],'mode':'replace',"
                + "'components':{'org.anxin.detection':{'noWaterHours':10}}}"));
        assertThat(replaced.get("mode").asText()).isEqualTo("replace");
        await().atMost(WAIT).until(() -> ga.documents.size() == 3);
        assertThat(applied(ga.documents.get(2).desired(), running.get(a))).containsExactlyEntriesOf(Map.of("noWaterHours", 10));
        assertThat(api.get("api/gateways/" + a + "/config").get("desired").get("mode").asText()).isEqualTo("replace");
        // a gateway older than patches ignores one and says applied without a result: the history tells
        ga.send(new ConfigReport(2, ConfigReport.Outcome.APPLIED, 2, null, List.of(2L, 1L)));
        await().atMost(WAIT).until(() -> api.get("api/gateways/" + a + "/config").get("history").get(1).get("status")
                .asText().equals("applied"));
        assertThat(api.get("api/gateways/" + a + "/config").get("history").get(1).get("reason").asText())
                .isEqualTo(RemoteConfig.PATCH_IGNORED);
        assertError(api.send("POST", "api/config/bulk", json("{'gateways':['" + a + "'],'mode':'merge',"
                + "'components':{'org.anxin.detection':{'noWaterHours':10}}}")), 400, "mode must be replace or patch, not 'merge'");
        assertError(api.send("POST", "api/config/bulk", json("{'gateways':['" + a + "'],"
                + "'components':{'org.anxin.detection':{}}}")), 400, "components.org.anxin.detection patches nothing");
    }

    @Test
    void aSingleGatewaysPushIsAReplacementUnlessItAsksForAPatch() throws Exception {
        start(options());
        String gw = uniqueGateway("one-patch");
        ProtocolGateway g = gateway(gw);
        api.ok("PUT", "api/gateways/" + gw + "/config", push("{'org.anxin.detection':{'noWaterHours':9}}"));
        api.ok("PUT", "api/gateways/" + gw + "/config", json("{'mode':'patch',"
                + "'components':{'org.anxin.detection':{'nightStart':'22:15','nightEnd':null}}}"));
        await().atMost(WAIT).until(() -> g.documents.size() == 2);
        assertThat(g.documents.get(0).desired().components()).containsKey(DETECTION);
        DesiredConfig patch = g.documents.get(1).desired();
        assertThat(patch.components()).isEmpty();
        assertThat(patch.patch()).isEqualTo(Map.of(DETECTION, Map.of("nightStart", "22:15")));
        assertThat(patch.unset()).isEqualTo(Map.of(DETECTION, List.of("nightEnd")));
        JsonNode view = api.get("api/gateways/" + gw + "/config");
        assertThat(view.get("desired").get("mode").asText()).isEqualTo("patch");
        assertThat(view.get("desired").get("unset").toString()).isEqualTo("{\"org.anxin.detection\":[\"nightEnd\"]}");
        assertThat(view.get("history").get(1).get("mode").asText()).isEqualTo("replace");
    }

    @Test
    void invalidPushesAreRefusedNamingWhatIsWrong() throws Exception {
        start(options());
        String path = "api/gateways/gw-bad/config";
        assertError(api.send("PUT", path, push("{'org.anxin.detection':{'zones':{'a':1}}}")), 400,
                "components.org.anxin.detection.zones must be a string, number or boolean, not object");
        assertError(api.send("PUT", path, push("{'org.anxin.detection':{'zones':[1,2]}}")), 400,
                "components.org.anxin.detection.zones must be a string, number or boolean, not array");
        assertError(api.send("PUT", path, push("{'org.anxin.detection':{'zones':null}}")), 400,
                "components.org.anxin.detection.zones must be a string, number or boolean, not null (a replacement"
                        + " leaves out what it does not set; with mode patch, null deletes a property)");
        assertError(api.send("PUT", path, push("{'org.anxin.detection':7}")), 400,
                "components.org.anxin.detection must be an object");
        assertError(api.send("PUT", path, push("{'../etc/passwd':{'a':1}}")), 400, "'../etc/passwd' is not a"
                + " configuration name");
        assertError(api.send("PUT", path, push("{'':{'a':1}}")), 400, "empty configuration name");
        assertError(api.send("PUT", path, json("{'components':{}}")), 400, "nothing to push");
        assertError(api.send("PUT", path, json("{'removed':['a b']}")), 400, "'a b' is not a configuration name");
        assertError(api.send("PUT", path, json("{'components':{'x':{'a':1}},'removed':['x']}")), 400,
                "'x' is both set in components and listed in removed");
        assertError(api.send("PUT", path, json("{'component':{}}")), 400, "unknown field 'component'");
        assertError(api.send("PUT", path, "not json"), 400, "not valid JSON");
        assertError(api.send("PUT", "api/gateways/gw%20bad/config", push("{'x':{'a':1}}")), 400, "not a gateway id");
        assertError(new OperatorApi(bridge.httpUri()).send("PUT", path, push("{'x':{'a':1}}")), 401, "log in");
        assertThat(api.get("api/gateways/gw-bad/config").get("desired").isNull()).as("nothing was stored").isTrue();
    }

    @Test
    void aCommandIsSignedAndTheGatewaysAnswerIsReturned() throws Exception {
        start(options());
        String gw = uniqueGateway("cmd");
        ProtocolGateway g = gateway(gw);
        g.send(new GatewayState(GatewayState.Status.ONLINE, "0.1.0", Instant.now()));
        await().atMost(WAIT).until(() -> api.get("api/gateways").toString().contains(gw));
        PublicKey key = bridgeKey();
        g.answerWith(command -> {
            boolean signed = Signatures.verify(key, g.commands.get(g.commands.size() - 1).command(),
                    g.commands.get(g.commands.size() - 1).signature());
            if (!signed) {
                return CommandResult.failed(command.id(), command.name(), "bad signature");
            }
            if (command.name().equals("mode")) {
                return CommandResult.failed(command.id(), command.name(), "mode must be home, away or visit, not "
                        + command.args().get("mode"));
            }
            return CommandResult.done(command.id(), command.name(), Map.of("uptimeSeconds", 42, "echo", command.args(),
                    "validSeconds", command.expires().getEpochSecond() - command.issued().getEpochSecond()));
        });

        JsonNode done = api.ok("POST", "api/gateways/" + gw + "/commands",
                json("{'name':'diagnostics','args':{'verbose':true}}"));
        assertThat(done.get("ok").asBoolean()).as(done.toString()).isTrue();
        assertThat(done.get("name").asText()).isEqualTo("diagnostics");
        assertThat(done.get("id").asText()).isNotBlank();
        assertThat(done.get("result").get("uptimeSeconds").asInt()).isEqualTo(42);
        assertThat(done.get("result").get("echo").get("verbose").asBoolean()).isTrue();
        assertThat(done.get("result").get("validSeconds").asLong()).as("at least 30 s to arrive").isEqualTo(30);
        Command sent = org.anxin.protocol.MessageCodec.mapper().readValue(g.commands.get(0).command(), Command.class);
        assertThat(sent.gateway()).isEqualTo(gw);
        assertThat(sent.id()).isEqualTo(done.get("id").asText());

        OperatorApi.Response refused = api.send("POST", "api/gateways/" + gw + "/commands",
                json("{'name':'mode','args':{'mode':'party'}}"));
        assertThat(refused.status()).as("the gateway's own refusal is an answer").isEqualTo(200);
        assertThat(refused.json().get("ok").asBoolean()).isFalse();
        assertThat(refused.json().get("error").asText()).isEqualTo("mode must be home, away or visit, not party");
        assertThat(bridge.counters().commandResults()).isEqualTo(2);

        assertError(api.send("POST", "api/gateways/" + gw + "/commands", json("{'name':'reboot'}")), 400,
                "name must be one of permit-join, mode, test-siren, diagnostics, rollback");
        assertError(api.send("POST", "api/gateways/" + gw + "/commands", json("{'name':'mode','timeoutSeconds':500}")),
                400, "timeoutSeconds must be from 1 to 120");
        assertError(api.send("POST", "api/gateways/gw-never-seen/commands", json("{'name':'test-siren'}")), 404,
                "gw-never-seen has never reported");
    }

    @Test
    void aCommandToAnOfflineGatewayIsNotSent() throws Exception {
        start(options());
        String gw = uniqueGateway("gone");
        ProtocolGateway g = gateway(gw);
        g.send(new GatewayState(GatewayState.Status.OFFLINE, "0.1.0", Instant.now()));
        await().atMost(WAIT).until(() -> api.get("api/gateways").toString().contains(gw));
        assertError(api.send("POST", "api/gateways/" + gw + "/commands", json("{'name':'test-siren'}")), 409,
                "gateway " + gw + " is offline since ");
        assertThat(g.commands).isEmpty();
    }

    @Test
    void aCommandNobodyAnswersEndsWith504AndIsMarkedExpired() throws Exception {
        start(options());
        String gw = uniqueGateway("mute");
        ProtocolGateway g = gateway(gw);
        g.send(new GatewayState(GatewayState.Status.ONLINE, "0.1.0", Instant.now()));
        await().atMost(WAIT).until(() -> api.get("api/gateways").toString().contains(gw));
        OperatorApi.Response r = api.send("POST", "api/gateways/" + gw + "/commands",
                json("{'name':'test-siren','timeoutSeconds':1}"));
        assertError(r, 504, "gateway " + gw + " did not answer within 1 s");
        assertThat(g.commands).hasSize(1);
        assertThat(count("SELECT COUNT(*) FROM commands WHERE gateway = '" + gw + "' AND status = 'expired'"))
                .isEqualTo(1);
    }

    @Test
    void provisioningRegistersTheGatewayWithItsHomeAndGivesTheBridgeKeyAndBroker() throws Exception {
        start(options().publicBrokerUrl("ssl://mqtt.anxin.example:8883"));
        api.ok("PUT", "api/homes/h-1", json("{'district':'Wuchang','street':'Zhongnan','community':'Shuiguohu',"
                + "'category':'living_alone'}"));
        api.ok("PUT", "api/homes/h-2", json("{'district':'Wuchang','street':'Zhongnan','community':'Shuiguohu',"
                + "'category':'living_alone'}"));
        OperatorApi.Response r = api.send("POST", "api/gateways/gw-new-1/provision", json("{'home':'h-1'}"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("gateway").asText()).isEqualTo("gw-new-1");
        assertThat(r.json().get("home").asText()).isEqualTo("h-1");
        assertThat(r.json().get("bridgeKey").asText()).isEqualTo(bridge.signingPublicKey());
        assertThat(r.json().get("brokerUrl").asText()).isEqualTo("ssl://mqtt.anxin.example:8883");
        assertThat(api.get("api/homes/h-1").get("gateways").toString()).isEqualTo("[\"gw-new-1\"]");
        assertThat(api.send("POST", "api/gateways/gw-new-1/provision", json("{'home':'h-1'}")).status())
                .as("again for the same home").isEqualTo(201);
        assertError(api.send("POST", "api/gateways/gw-new-1/provision", json("{'home':'h-2'}")), 409,
                "belongs to home 'h-1'");
        assertError(api.send("POST", "api/gateways/gw-new-2/provision", json("{'home':'h-9'}")), 404, "no home 'h-9'");
        assertError(api.send("POST", "api/gateways/gw-new-2/provision", json("{}")), 400, "home is required");
        // a provisioned gateway may be named in a bulk push before it ever connects
        assertThat(api.ok("POST", "api/config/bulk", json("{'gateways':['gw-new-1'],'removed':['x']}"))
                .get("gateways")).hasSize(1);
    }

    @Test
    void theBrokerForGatewaysIsTheBridgesOwnWithoutCredentialsByDefault() {
        start(options().mqttUsername("bridge").mqttPassword("s3cret"));
        api.ok("PUT", "api/homes/h-1", json("{'district':'Wuchang','street':'Zhongnan','community':'Shuiguohu',"
                + "'category':'living_alone'}"));
        JsonNode r = api.ok("POST", "api/gateways/gw-new-1/provision", json("{'home':'h-1'}"));
        assertThat(r.get("brokerUrl").asText()).isEqualTo(broker.url());
    }

    @Test
    void theSigningKeyIsMadeOnceKeptOwnerOnlyAndReusedAcrossRestarts() throws Exception {
        Path file = dir.resolve("keys/signing.key");
        String first;
        try (Bridge b = Bridge.start(options().signingKeyFile(file).build())) {
            first = b.signingPublicKey();
        }
        assertThat(file).exists();
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        String stored = Files.readString(file);
        assertThat(stored.strip().split("\n")).hasSize(2).endsWith(first); // private key, then public
        try (Bridge b = Bridge.start(options().signingKeyFile(file).build())) {
            assertThat(b.signingPublicKey()).isEqualTo(first);
        }
        assertThat(Files.readString(file)).isEqualTo(stored);
        // what it signs verifies with the public key it shows
        SigningKey key = SigningKey.loadOrCreate(file);
        assertThat(Signatures.verify(Signatures.publicKey(first), "text", key.sign("text"))).isTrue();
    }

    @Test
    void aMalformedSigningKeyFileStopsTheStartWithAClearMessage() throws Exception {
        Path file = dir.resolve("broken.key");
        Files.writeString(file, "this is not a key\n");
        assertThatThrownBy(() -> Bridge.start(options().signingKeyFile(file).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("does not hold a Base64 PKCS#8 Ed25519 private key");
        assertThat(Files.readString(file)).as("left as it was").isEqualTo("this is not a key\n");
    }

    private static void assertError(OperatorApi.Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }
}
