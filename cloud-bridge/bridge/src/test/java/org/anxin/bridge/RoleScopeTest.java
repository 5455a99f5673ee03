package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each role's scope over real HTTP against a real bridge and broker: two centres, a home in each
 * with a real FIRE escalated, and a centre operator, a visitor and an installer of centre A's
 * home. What is out of scope answers exactly as what does not exist.
 */
class RoleScopeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "scope test secret";

    @TempDir
    static Path brokerDir;
    private static TestBroker broker;

    @TempDir
    Path dir;
    private HttpInbox inbox;
    private Bridge bridge;
    private OperatorApi admin;
    private GatewayPublisher publisher;
    private String gwA;
    private String gwB;
    private String fireA;
    private String fireB;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void start() throws Exception {
        inbox = new HttpInbox();
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url()).jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .escalationPollInterval(Duration.ofMillis(100)).build());
        admin = new OperatorApi(bridge.httpUri()).login();
        await().atMost(WAIT).until(bridge::mqttConnected);
        gwA = uniqueGateway("scope-a");
        gwB = uniqueGateway("scope-b");
        admin.ok("PUT", "api/centres/donghu", json("{'name':'Donghu centre','webhook':'" + inbox.url("/robot/donghu") + "'}"));
        admin.ok("PUT", "api/centres/hongshan", json("{'name':'Hongshan centre','webhook':'" + inbox.url("/robot/hongshan") + "'}"));
        admin.ok("PUT", "api/homes/home-a", json("{'elderName':'Wang Lan','district':'Wuchang','street':'Zhongnan',"
                + "'community':'Shuiguohu','category':'living_alone','centreId':'donghu','gateways':['" + gwA + "']}"));
        admin.ok("PUT", "api/homes/home-b", json("{'elderName':'Sun Mei','district':'Hongshan','street':'Luoyu',"
                + "'community':'Guanggu','category':'empty_nest','centreId':'hongshan','gateways':['" + gwB + "']}"));
        admin.ok("POST", "api/homes/home-a/people", json("{'role':'contact','name':'Li Na','webhook':'"
                + inbox.url("/robot/li-na") + "'}"));
        admin.ok("POST", "api/homes/home-a/people", json("{'role':'visitor','name':'Chen Jing',"
                + "'email':'chen.jing@anxin.example'}"));
        admin.ok("POST", "api/homes/home-a/people", json("{'role':'installer','name':'Zhou Wei','phone':'139 0000 3333'}"));
        admin.ok("POST", "api/homes/home-b/people", json("{'role':'contact','name':'Sun Hao','webhook':'"
                + inbox.url("/robot/sun-hao") + "'}"));
        admin.ok("POST", "api/operators", json("{'username':'op-donghu','password':'" + PASSWORD + "',"
                + "'role':'centre_operator','centre':'donghu'}"));
        // the visitor's address as they typed it: the homes list them in lower case
        admin.ok("POST", "api/operators", json("{'username':'chen','password':'" + PASSWORD + "','role':'visitor',"
                + "'person':'Chen.Jing@anxin.example'}"));
        admin.ok("POST", "api/operators", json("{'username':'zhou','password':'" + PASSWORD + "','role':'installer',"
                + "'person':'13900003333'}"));

        publisher = new GatewayPublisher(broker.url(), "test-" + gwA);
        fireA = fire().id();
        publisher.publish(alert(gwA, 1, fire()));
        publisher.publish(alert(gwB, 1, fire()));
        fireB = fireA;
        await().atMost(WAIT).until(() -> admin.get("api/incidents").size() == 2
                && inbox.accepted("/robot/li-na").size() == 1 && inbox.accepted("/robot/sun-hao").size() == 1);
    }

    @AfterEach
    void stop() throws Exception {
        publisher.close();
        bridge.close();
        inbox.close();
    }

    private OperatorApi as(String user) {
        return new OperatorApi(bridge.httpUri()).login(user, PASSWORD);
    }

    private static void assertError(OperatorApi.Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.get(field).asText()));
        return list;
    }

    private static String path(String alertId) {
        return URLEncoder.encode(alertId, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    @Test
    void aCentreOperatorReadsAndEditsOnlyTheHomesOfTheirCentreAndAnotherCentresHomeIsAs404AsNone() {
        OperatorApi op = as("op-donghu");
        assertThat(texts(op.get("api/homes"), "id")).containsExactly("home-a");
        assertThat(texts(op.get("api/centres"), "id")).containsExactly("donghu");

        OperatorApi.Response other = op.send("GET", "api/homes/home-b", null);
        OperatorApi.Response none = op.send("GET", "api/homes/home-x", null);
        assertError(other, 404, "no home 'home-b'");
        assertThat(other.body().replace("home-b", "ID")).isEqualTo(none.body().replace("home-x", "ID"));

        // the attack of issue 17: repoint another centre's contact
        assertError(op.send("PUT", "api/homes/home-b", json("{'elderName':'Someone'}")), 404, "no home 'home-b'");
        assertError(op.send("POST", "api/homes/home-b/people", json("{'role':'contact','name':'Attacker',"
                + "'phone':'13000000000'}")), 404, "no home 'home-b'");
        String sunHao = admin.get("api/homes/home-b").get("people").get(0).get("id").asText();
        assertError(op.send("PUT", "api/homes/home-b/people/" + sunHao, json("{'role':'contact','name':'Attacker',"
                + "'phone':'13000000000'}")), 404, "no home 'home-b'");
        assertError(op.send("DELETE", "api/homes/home-b", null), 404, "no home 'home-b'");
        assertError(op.send("GET", "api/centres/hongshan", null), 404, "no centre 'hongshan'");
        assertError(op.send("PUT", "api/centres/hongshan", json("{'name':'Taken over'}")), 404, "no centre 'hongshan'");
        JsonNode b = admin.get("api/homes/home-b");
        assertThat(b.get("elderName").asText()).isEqualTo("Sun Mei");
        assertThat(b.get("people")).hasSize(1);
        assertThat(b.get("people").get(0).get("name").asText()).isEqualTo("Sun Hao");
        assertThat(admin.get("api/centres/hongshan").get("name").asText()).isEqualTo("Hongshan centre");

        // their own home they keep, inside their centre
        assertThat(op.ok("PUT", "api/homes/home-a", json("{'elderName':'Wang Lanying'}")).get("elderName").asText())
                .isEqualTo("Wang Lanying");
        op.ok("POST", "api/homes/home-a/people", json("{'role':'contact','name':'Zhao Gang','phone':'13800002222'}"));
        assertError(op.send("PUT", "api/homes/home-a", json("{'centreId':'hongshan'}")), 403, "own centre 'donghu'");
        assertThat(op.ok("PUT", "api/homes/home-c", json("{'district':'Wuchang','street':'Zhongnan','community':'Shuiguohu',"
                + "'category':'other'}")).get("centreId").asText()).isEqualTo("donghu");
        // another centre's gateway is not theirs to take, and its home is not named
        OperatorApi.Response taken = op.send("PUT", "api/homes/home-c", json("{'gateways':['" + gwB + "']}"));
        assertError(taken, 409, "already belongs to another home");
        assertThat(taken.body()).doesNotContain("home-b");
        assertThat(admin.get("api/homes/home-b").get("gateways").get(0).asText()).isEqualTo(gwB);
    }

    @Test
    void aCentreOperatorSeesOnlyTheirCentresIncidentsAlertsGatewaysAndMessagesAndExportsOnlyThose() {
        OperatorApi op = as("op-donghu");
        assertThat(texts(op.get("api/incidents"), "gateway")).containsExactly(gwA);
        assertThat(texts(op.get("api/alerts"), "gateway")).containsExactly(gwA);
        assertThat(texts(admin.get("api/alerts"), "gateway")).containsExactlyInAnyOrder(gwA, gwB);
        await().atMost(WAIT).until(() -> admin.get("api/gateways").size() == 2);
        assertThat(texts(op.get("api/gateways"), "id")).containsExactly(gwA);

        JsonNode delivered = op.get("api/deliveries?state=delivered");
        assertThat(texts(delivered, "recipient")).contains("Li Na").doesNotContain("Sun Hao");
        assertThat(texts(admin.get("api/deliveries?state=delivered"), "recipient")).contains("Li Na", "Sun Hao");

        OperatorApi.Response csv = op.send("GET", "api/incidents/export?format=csv", null);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).contains(gwA).doesNotContain(gwB).doesNotContain("Guanggu");
        assertThat(texts(op.get("api/incidents/export?format=json"), "gateway")).containsExactly(gwA);

        assertError(op.send("GET", "api/incidents/" + gwB + "/" + path(fireB), null), 404, "no incident");
        assertError(op.send("GET", "api/alerts/" + gwB + "/" + path(fireB), null), 404, "no alert");
        assertError(op.send("POST", "api/incidents/" + gwB + "/" + path(fireB) + "/ack", null), 404, "no incident");
        assertError(op.send("POST", "api/incidents/" + gwB + "/" + path(fireB) + "/resolve",
                json("{'actionTaken':'none','outcome':'false_alarm'}")), 404, "no incident");
        assertThat(admin.get("api/incidents/" + gwB + "/" + path(fireB)).get("state").asText()).isEqualTo("open");
        assertError(op.send("GET", "api/gateways/" + gwB + "/config", null), 404, "no gateway");
        assertError(op.send("PUT", "api/gateways/" + gwB + "/config", json("{'components':{'org.anxin.detection':"
                + "{'nightDoorEnabled':true}}}")), 404, "no gateway");

        assertThat(op.ok("POST", "api/incidents/" + gwA + "/" + path(fireA) + "/ack", null).toString())
                .contains("op-donghu");
    }

    @Test
    void onlyAnAdministratorCreatesOperatorsChangesPoliciesAndPushesBulkConfiguration() {
        OperatorApi op = as("op-donghu");
        String policy = admin.get("api/policies/critical").toString();
        assertError(op.send("POST", "api/operators", json("{'username':'mallory','password':'" + PASSWORD + "',"
                + "'role':'administrator'}")), 403, "a centre_operator may not POST /api/operators");
        assertError(op.send("GET", "api/operators", null), 403, "may not GET /api/operators");
        assertError(op.send("PUT", "api/policies/critical", json("{'steps':[{'notify':['installers'],"
                + "'channels':['email'],'waitSeconds':86400}],'repeat':false}")), 403, "may not PUT /api/policies/{severity}");
        assertError(op.send("POST", "api/config/bulk", json("{'community':'Shuiguohu','components':"
                + "{'org.anxin.detection':{'nightDoorEnabled':true}}}")), 403, "may not POST /api/config/bulk");
        assertError(op.send("DELETE", "api/centres/donghu", null), 403, "may not DELETE");
        assertThat(op.get("api/policies/critical").toString()).isEqualTo(policy);
        assertThat(admin.get("api/policies/critical").toString()).isEqualTo(policy);
        assertThat(texts(admin.get("api/operators"), "username")).containsExactly("admin", "chen", "op-donghu", "zhou");
    }

    @Test
    void aVisitorSeesOnlyTheHomesTheyVisitAcknowledgesTheirAlarmsAndChangesNothingElse() {
        OperatorApi visitor = as("chen");
        assertThat(texts(visitor.get("api/homes"), "id")).containsExactly("home-a");
        assertError(visitor.send("GET", "api/homes/home-b", null), 404, "no home 'home-b'");
        assertThat(texts(visitor.get("api/incidents"), "gateway")).containsExactly(gwA);
        assertThat(texts(visitor.get("api/alerts"), "gateway")).containsExactly(gwA);
        assertError(visitor.send("GET", "api/incidents/" + gwB + "/" + path(fireB), null), 404, "no incident");

        assertError(visitor.send("PUT", "api/homes/home-a", json("{'elderName':'x'}")), 403, "a visitor may not PUT");
        assertError(visitor.send("POST", "api/homes/home-a/people", json("{'role':'contact','name':'x',"
                + "'phone':'13000000000'}")), 403, "a visitor may not POST");
        assertError(visitor.send("GET", "api/centres", null), 403, "a visitor may not GET");
        assertError(visitor.send("GET", "api/incidents/export", null), 403, "a visitor may not GET");
        assertError(visitor.send("GET", "api/deliveries", null), 403, "a visitor may not GET");
        assertError(visitor.send("POST", "api/gateways/" + gwA + "/commands", json("{'name':'test-siren'}")), 403,
                "a visitor may not POST");
        assertThat(visitor.get("api/me").get("person").asText()).isEqualTo("chen.jing@anxin.example");

        assertThat(visitor.ok("POST", "api/incidents/" + gwA + "/" + path(fireA) + "/ack", null).toString()).contains("chen");
        assertThat(admin.get("api/incidents/" + gwA + "/" + path(fireA)).get("state").asText()).isEqualTo("acknowledged");

        // a visitor no longer listed by the home loses it at once
        String chenJing = admin.get("api/homes/home-a").get("people").findValuesAsText("id").get(
                admin.get("api/homes/home-a").get("people").findValuesAsText("name").indexOf("Chen Jing"));
        admin.ok("DELETE", "api/homes/home-a/people/" + chenJing, null);
        assertThat(visitor.get("api/homes")).isEmpty();
        assertThat(visitor.get("api/incidents")).isEmpty();
    }

    @Test
    void anInstallerProvisionsAndPairsOnlyForTheirHomes() {
        OperatorApi installer = as("zhou");
        assertThat(texts(installer.get("api/homes"), "id")).containsExactly("home-a");
        String gwNew = uniqueGateway("scope-new");
        JsonNode provisioned = installer.ok("POST", "api/gateways/" + gwNew + "/provision", json("{'home':'home-a'}"));
        assertThat(provisioned.get("home").asText()).isEqualTo("home-a");
        assertThat(admin.get("api/homes/home-a").get("gateways").toString()).contains(gwNew);

        String gwOther = uniqueGateway("scope-other");
        assertError(installer.send("POST", "api/gateways/" + gwOther + "/provision", json("{'home':'home-b'}")), 404,
                "no home 'home-b'");
        OperatorApi.Response steal = installer.send("POST", "api/gateways/" + gwB + "/provision", json("{'home':'home-a'}"));
        assertError(steal, 409, "belongs to another home");
        assertThat(steal.body()).doesNotContain("home-b");
        assertThat(admin.get("api/homes/home-b").get("gateways").toString()).contains(gwB).doesNotContain(gwOther);

        assertError(installer.send("POST", "api/gateways/" + gwB + "/commands", json("{'name':'permit-join',"
                + "'args':{'seconds':60}}")), 404, "no gateway");
        assertError(installer.send("POST", "api/gateways/" + gwA + "/commands", json("{'name':'mode','args':"
                + "{'mode':'away'}}")), 403, "an installer may send only");
        // pairing its own home's gateway passes every check of scope (the gateway is not online here)
        OperatorApi.Response pair = installer.send("POST", "api/gateways/" + gwA + "/commands",
                json("{'name':'permit-join','args':{'seconds':60},'timeoutSeconds':1}"));
        assertThat(pair.status()).as(pair.body()).isNotIn(403, 404);

        assertError(installer.send("PUT", "api/homes/home-a", json("{'elderName':'x'}")), 403, "an installer may not PUT");
        assertError(installer.send("GET", "api/gateways/" + gwA + "/config", null), 403, "an installer may not GET");
        assertThat(installer.get("api/signing-key").get("publicKey").asText()).isNotEmpty();
    }
}
