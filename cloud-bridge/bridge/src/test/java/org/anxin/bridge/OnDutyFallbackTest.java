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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last resort of an alert its home's policy cannot deliver, on real parts: Moquette, SQLite,
 * a local HTTP receiver for the operators' group robots and the SMS gateway. The bridge has no
 * SMTP server, so a contact with only an e-mail address cannot be reached.
 */
class OnDutyFallbackTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PASSWORD = "duty roster secret";
    private static final Pattern ACK_LINK = Pattern.compile("/ack/([A-Za-z0-9_-]+)");

    @TempDir
    static Path brokerDir;
    private static TestBroker broker;

    @TempDir
    Path dir;
    private HttpInbox inbox;
    private Bridge bridge;
    private OperatorApi admin;
    private GatewayPublisher gateway;
    private String gw;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** The bridge's database: SQLite here, a fresh PostgreSQL schema in {@link OnDutyFallbackPostgresTest}. */
    String jdbcUrl() throws Exception {
        return "jdbc:sqlite:" + dir.resolve("bridge.db");
    }

    /** A home of centre c1 whose only contact has nothing but an e-mail address, and the duty roster. */
    private void start(boolean withFallbackRecipient) throws Exception {
        inbox = new HttpInbox();
        BridgeOptions.Builder options = BridgeOptions.builder().allowUnsignedGateways(true)
                .signingKeyFile(dir.resolve("signing.key")).brokerUrl(broker.url())
                .jdbcUrl(jdbcUrl()).httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .sms(new BridgeOptions.SmsGateway(inbox.url("/sms?to={phone}&text={text}"), java.util.Optional.empty(),
                        null, java.util.Optional.empty()))
                .escalationPollInterval(Duration.ofMillis(100));
        if (withFallbackRecipient) {
            options.fallbackRecipient("webhook:" + inbox.url("/robot/last-resort"));
        }
        bridge = Bridge.start(options.build());
        admin = new OperatorApi(bridge.httpUri()).login();
        await().atMost(WAIT).until(bridge::mqttConnected);
        gw = uniqueGateway("duty");
        gateway = new GatewayPublisher(broker.url(), "test-" + gw);
        admin.ok("PUT", "api/policies/critical", json("{'steps':[{'notify':['contacts'],'channels':['sms','email',"
                + "'webhook'],'waitSeconds':1}],'repeat':false}"));
        admin.ok("PUT", "api/centres/c1", json("{'name':'Donghu centre','email':'centre@anxin.example'}"));
        admin.ok("PUT", "api/centres/c2", json("{'name':'Hongshan centre','email':'hongshan@anxin.example'}"));
        admin.ok("PUT", "api/homes/h1", json("{'elderName':'Wang Lan','district':'Wuchang','street':'Zhongnan',"
                + "'community':'Shuiguohu','category':'living_alone','centreId':'c1','gateways':['" + gw + "']}"));
        admin.ok("POST", "api/homes/h1/people", json("{'role':'contact','name':'Li Na','email':'li.na@anxin.example'}"));
        operator("duty-c1", "{'role':'centre_operator','centre':'c1'}", true);
        operator("off-c1", "{'role':'centre_operator','centre':'c1'}", false);
        operator("gone-c1", "{'role':'centre_operator','centre':'c1'}", true);
        admin.ok("PATCH", "api/operators/gone-c1", json("{'disabled':true}"));
        operator("duty-c2", "{'role':'centre_operator','centre':'c2'}", true);
        operator("duty-admin", "{'role':'administrator'}", true);
    }

    /** Creates the operator with a webhook of their own, and has them put themself on or off duty. */
    private void operator(String name, String roleAndScope, boolean onDuty) {
        String body = roleAndScope.substring(0, roleAndScope.length() - 1) + ",'username':'" + name + "','password':'"
                + PASSWORD + "'}";
        admin.ok("POST", "api/operators", json(body));
        as(name).ok("PATCH", "api/me", json("{'webhook':'" + inbox.url("/robot/" + name) + "','onDuty':" + onDuty + "}"));
    }

    private OperatorApi as(String user) {
        return new OperatorApi(bridge.httpUri()).login(user, PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (inbox != null) {
            inbox.close();
        }
    }

    private static String path(String alertId) {
        return URLEncoder.encode(alertId, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    @Test
    void aFireWhoseContactsHaveNoUsableAddressReachesTheOnDutyOperatorOfItsCentreAgainUntilAcknowledged()
            throws Exception {
        start(true);
        Alert fire = fire();
        gateway.publish(alert(gw, 1, fire));

        await().atMost(WAIT).until(() -> inbox.accepted("/robot/duty-c1").size() == 1);
        String message = inbox.accepted("/robot/duty-c1").get(0).body();
        assertThat(message).contains("fire at Shuiguohu").contains("/ack/")
                .contains("You are told as the fallback: step 1 of the critical policy");
        // off duty, disabled, another centre's, and the administrators (the centre's roster answered)
        assertThat(inbox.accepted("/robot/off-c1")).isEmpty();
        assertThat(inbox.accepted("/robot/gone-c1")).isEmpty();
        assertThat(inbox.accepted("/robot/duty-c2")).isEmpty();
        assertThat(inbox.accepted("/robot/duty-admin")).isEmpty();
        assertThat(inbox.accepted("/robot/last-resort")).isEmpty();

        // the trail says who was reached and why; the console lists it unassigned
        String incident = "api/incidents/" + gw + "/" + path(fire.id());
        JsonNode record = admin.get(incident);
        assertThat(record.get("fallback").asText()).isEqualTo("centre_on_duty");
        assertThat(record.get("messages").get(0).get("recipient").asText()).isEqualTo("operator duty-c1");
        assertThat(record.get("messages").get(0).get("reason").asText()).contains("step 1 of the critical policy")
                .contains("reached nobody").contains("operators on duty at centre c1");
        assertThat(admin.get("api/alerts?unassigned=true").toString()).contains(gw);
        assertThat(bridge.counters().fallbackUsed()).isGreaterThanOrEqualTo(1);
        assertThat(admin.get("api/health").get("counters").get("fallbackUsed").asLong()).isGreaterThanOrEqualTo(1);

        // the policy has no second step and does not repeat, yet a fire is told again until someone answers
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/duty-c1").size() >= 2);
        Matcher m = ACK_LINK.matcher(inbox.accepted("/robot/duty-c1").get(1).body());
        assertThat(m.find()).isTrue();
        assertThat(new OperatorApi(bridge.httpUri()).ok("POST", "ack/" + m.group(1), null).get("by").asText())
                .isEqualTo("operator duty-c1 (link)");
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/duty-c1").stream()
                .anyMatch(r -> r.body().contains("Acknowledged by operator duty-c1")));
        int told = inbox.accepted("/robot/duty-c1").size();
        Thread.sleep(2500); // two more repeat intervals: nothing more is sent
        assertThat(inbox.accepted("/robot/duty-c1")).hasSize(told);
        assertThat(admin.get(incident).get("state").asText()).isEqualTo("acknowledged");
    }

    @Test
    void aFireWhoseOnlyDeliveredMessageIsRefusedForGoodReachesTheOnDutyOperatorOfItsCentre() throws Exception {
        start(true);
        try (HttpInbox gone = new HttpInbox().alwaysAnswer(404)) {
            admin.ok("POST", "api/homes/h1/people", json("{'role':'contact','name':'Zhao Gang','webhook':'"
                    + gone.url("/robot/deleted-group") + "'}"));
            Alert fire = fire();
            gateway.publish(alert(gw, 1, fire));

            await().atMost(WAIT).until(() -> gone.refused().size() == 1 && inbox.accepted("/robot/duty-c1").size() == 1);
            assertThat(inbox.accepted("/robot/duty-c1").get(0).body()).contains("fire at Shuiguohu")
                    .contains("every message of step 1 failed (HTTP 404)");
            assertThat(inbox.accepted("/robot/off-c1")).isEmpty();
            JsonNode record = admin.get("api/incidents/" + gw + "/" + path(fire.id()));
            assertThat(record.get("fallback").asText()).isEqualTo("centre_on_duty");
            assertThat(record.get("state").asText()).isEqualTo("open");
            // a step failed over again would go on down the chain past the operator who was reached
            Thread.sleep(1500);
            assertThat(inbox.accepted("/robot/duty-admin")).isEmpty();
            assertThat(inbox.accepted("/robot/last-resort")).isEmpty();
            // and the fire, unacknowledged, is told again in the next round, failed over again
            assertThat(inbox.accepted("/robot/duty-c1").size()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void anAlertFromAGatewayOfNoHomeReachesTheOnDutyAdministratorAndNoCentresOperator() throws Exception {
        start(true);
        String lone = uniqueGateway("lone");
        gateway.publish(alert(lone, 1, fire()));

        await().atMost(WAIT).until(() -> inbox.accepted("/robot/duty-admin").size() == 1);
        assertThat(inbox.accepted("/robot/duty-admin").get(0).body()).contains("fire").contains(lone)
                .contains("belongs to no home").contains("/ack/");
        assertThat(inbox.accepted("/robot/duty-c1")).isEmpty();
        assertThat(inbox.accepted("/robot/duty-c2")).isEmpty();
        assertThat(inbox.accepted("/robot/last-resort")).isEmpty();
        JsonNode record = admin.get("api/incidents/" + lone + "/" + path(fire().id()));
        assertThat(record.get("fallback").asText()).isEqualTo("administrators_on_duty");
        assertThat(record.get("messages").get(0).get("reason").asText()).contains("belongs to no home")
                .contains("administrators on duty");
    }

    @Test
    void withNobodyOnDutyTheFallbackRecipientIsTold() throws Exception {
        start(true);
        for (String name : new String[] {"duty-c1", "duty-admin"}) {
            as(name).ok("PATCH", "api/me", json("{'onDuty':false}"));
        }
        gateway.publish(alert(gw, 1, fire()));

        await().atMost(WAIT).until(() -> inbox.accepted("/robot/last-resort").size() == 1);
        assertThat(inbox.accepted("/robot/duty-c1")).isEmpty();
        assertThat(inbox.accepted("/robot/duty-admin")).isEmpty();
        assertThat(admin.get("api/incidents/" + gw + "/" + path(fire().id())).get("fallback").asText())
                .isEqualTo("fallback_recipients");
    }

    @Test
    void anAlertThatReachesNobodyAtAllIsCountedEachTimeAndStaysOpenUnassignedUntilSomeoneGoesOnDuty() throws Exception {
        start(false);
        for (String name : new String[] {"duty-c1", "duty-admin"}) {
            as(name).ok("PATCH", "api/me", json("{'onDuty':false}"));
        }
        gateway.publish(alert(gw, 1, fire()));

        await().atMost(WAIT).until(() -> bridge.counters().alertsReachingNobody() >= 2);
        String incident = "api/incidents/" + gw + "/" + path(fire().id());
        assertThat(admin.get(incident).get("fallback").asText()).isEqualTo("nobody");
        assertThat(admin.get(incident).get("state").asText()).isEqualTo("open");
        assertThat(admin.get("api/alerts?unassigned=true").toString()).contains(gw);
        assertThat(bridge.counters().fallbackUsed()).isZero();

        // the next round finds the operator who went on duty
        as("off-c1").ok("PATCH", "api/me", json("{'onDuty':true}"));
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/off-c1").size() == 1);
        assertThat(admin.get(incident).get("fallback").asText()).isEqualTo("centre_on_duty");
    }

    @Test
    void dutyAndAddressesAreValidatedAndAnOperatorChangesOnlyTheirOwn() throws Exception {
        start(true);
        OperatorApi op = as("off-c1");
        JsonNode me = op.get("api/me");
        assertThat(me.get("onDuty").asBoolean()).isFalse();
        assertThat(me.get("webhook").asText()).endsWith("/robot/off-c1");

        assertError(op.send("PATCH", "api/me", json("{'role':'administrator'}")), 400, "unknown field 'role'");
        assertError(op.send("PATCH", "api/me", json("{'webhook':'ftp://robot.example/x'}")), 400, "http:// or https://");
        assertError(op.send("PATCH", "api/me", json("{'phone':'call me'}")), 400, "phone must be digits");
        // an e-mail address alone reaches nobody on a bridge without SMTP; removing the last address too
        assertError(op.send("PATCH", "api/me", json("{'webhook':'','email':'off@anxin.example','onDuty':true}")), 400,
                "needs a phone, email or webhook on a channel this bridge has");
        assertError(as("duty-c1").send("PATCH", "api/me", json("{'webhook':''}")), 400, "nobody can reach them");
        assertThat(op.get("api/me").get("role").asText()).isEqualTo("centre_operator");
        assertThat(op.ok("PATCH", "api/me", json("{'phone':'+86 138-0000-1111','onDuty':true}")).get("phone").asText())
                .isEqualTo("+8613800001111");

        // another operator's duty is the administrator's to change
        assertThat(op.send("PATCH", "api/operators/duty-c1", json("{'onDuty':false}")).status()).isEqualTo(403);
        assertThat(admin.ok("PATCH", "api/operators/duty-c1", json("{'onDuty':false}")).get("onDuty").asBoolean())
                .isFalse();

        // visitors and installers are not on the roster
        admin.ok("POST", "api/operators", json("{'username':'chen','password':'" + PASSWORD + "','role':'visitor',"
                + "'person':'13900002222'}"));
        OperatorApi visitor = as("chen");
        assertThat(visitor.ok("PATCH", "api/me", json("{'webhook':'" + inbox.url("/robot/chen") + "'}"))
                .get("onDuty").asBoolean()).isFalse();
        assertError(visitor.send("PATCH", "api/me", json("{'onDuty':true}")), 400, "a visitor is not on duty");
        // a centre operator made a visitor leaves the roster
        assertThat(admin.ok("PATCH", "api/operators/off-c1", json("{'role':'visitor','person':'13900004444'}"))
                .get("onDuty").asBoolean()).isFalse();
    }

    private static void assertError(OperatorApi.Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }
}
