package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.store.TestMessages;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escalation end to end on real parts: Moquette, SQLite, GreenMail for e-mail, a local HTTP
 * receiver for the group robots and the SMS gateway. Policies are set through the API with waits
 * of a second, so a whole escalation runs in a few seconds through the same code as in production.
 */
class EscalationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern ACK_LINK = Pattern.compile("/ack/([A-Za-z0-9_-]+)");

    @TempDir
    static Path brokerDir;
    private static TestBroker broker;
    private static GreenMail mail;

    @TempDir
    Path dir;
    private HttpInbox inbox;
    private Bridge bridge;
    private OperatorApi api;
    private GatewayPublisher gateway;
    private String gw;

    @BeforeAll
    static void startBrokerAndMail() {
        broker = TestBroker.start(brokerDir);
        mail = new GreenMail(new ServerSetup(TestBroker.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
    }

    @AfterAll
    static void stop() {
        mail.stop();
        broker.close();
    }

    @BeforeEach
    void start() throws Exception {
        mail.purgeEmailFromAllMailboxes();
        inbox = new HttpInbox();
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .smtp(new BridgeOptions.Smtp("127.0.0.1", mail.getSmtp().getPort(), Optional.empty(), Optional.empty(),
                        "alerts@anxin.example", false))
                .sms(new BridgeOptions.SmsGateway(inbox.url("/sms?to={phone}&text={text}"), Optional.empty(), null,
                        Optional.of("Bearer sms-secret")))
                .deliveryAttempts(3)
                .deliveryRetryBase(Duration.ofMillis(100))
                .escalationPollInterval(Duration.ofMillis(100))
                .fallbackRecipient("webhook:" + inbox.url("/robot/duty"))
                .build());
        api = new OperatorApi(bridge.httpUri()).login();
        await().atMost(WAIT).until(bridge::mqttConnected);
        gw = uniqueGateway("esc");
        gateway = new GatewayPublisher(broker.url(), "test-" + gw);
        api.ok("PUT", "api/centres/c1", json("{'name':'Donghu community centre','email':'centre@anxin.example',"
                + "'webhook':'" + inbox.url("/robot/centre") + "'}"));
        api.ok("PUT", "api/homes/h1", json("{'elderName':'Wang Lan','district':'Wuchang','street':'Zhongnan',"
                + "'community':'Shuiguohu','address':'Building 3, 2-201','category':'living_alone','centreId':'c1',"
                + "'gateways':['" + gw + "']}"));
        api.ok("POST", "api/homes/h1/people", json("{'role':'contact','name':'Li Na','relation':'daughter',"
                + "'phone':'+8613800001111','email':'li.na@anxin.example'}"));
        api.ok("POST", "api/homes/h1/people", json("{'role':'contact','name':'Zhao Gang','relation':'neighbour',"
                + "'webhook':'" + inbox.url("/robot/family") + "'}"));
        api.ok("POST", "api/homes/h1/people", json("{'role':'visitor','name':'Chen Jing','phone':'13900002222'}"));
    }

    @AfterEach
    void stopBridge() throws Exception {
        gateway.close();
        bridge.close();
        inbox.close();
    }

    private void criticalPolicy(long waitSeconds, boolean repeat) {
        api.ok("PUT", "api/policies/critical", json("{'steps':["
                + "{'notify':['contacts','visitors'],'channels':['sms','email','webhook'],'waitSeconds':" + waitSeconds + "},"
                + "{'notify':['centre'],'channels':['email','webhook'],'waitSeconds':" + waitSeconds + "}],"
                + "'repeat':" + repeat + "}"));
    }

    private List<HttpInbox.Request> sms(String phone) {
        return inbox.accepted("/sms").stream().filter(r -> phone.equals(r.query().get("to"))).toList();
    }

    private static String path(String alertId) {
        return URLEncoder.encode(alertId, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    @Test
    void criticalAlertReachesContactsAndVisitorAtOnceThenTheCentreAndRepeatsUntilAcknowledged() throws Exception {
        criticalPolicy(1, true);
        Alert fire = fire();
        gateway.publish(alert(gw, 1, fire));

        // step 1 at once: both contacts and the visitor, each on every channel they have
        await().atMost(WAIT).until(() -> sms("+8613800001111").size() == 1 && sms("13900002222").size() == 1
                && inbox.accepted("/robot/family").size() == 1 && mail.getReceivedMessages().length == 1);
        HttpInbox.Request first = sms("+8613800001111").get(0);
        assertThat(first.query().get("text")).contains("Critical alert: fire at Shuiguohu, Zhongnan, Wuchang")
                .contains("2024-03-01 07:15 UTC").contains("/ack/");
        JsonNode robot = OperatorApi.parse(inbox.accepted("/robot/family").get(0).body());
        assertThat(robot.get("msgtype").asText()).isEqualTo("text");
        assertThat(robot.get("text").get("content").asText()).contains("fire");
        MimeMessage email = mail.getReceivedMessages()[0];
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("li.na@anxin.example");
        assertThat(email.getSubject()).isEqualTo("[Anxin] Critical: fire");
        assertThat(GreenMailUtil.getBody(email)).contains("Acknowledge:");
        assertThat(inbox.accepted("/robot/centre")).isEmpty();

        // step 2 after the wait: the centre; then the steps repeat
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/centre").size() == 1);
        await().atMost(WAIT).until(() -> sms("13900002222").size() == 2);

        // the visitor acknowledges with the link from their SMS
        Matcher m = ACK_LINK.matcher(sms("13900002222").get(1).query().get("text"));
        assertThat(m.find()).isTrue();
        OperatorApi anonymous = new OperatorApi(bridge.httpUri());
        assertThat(anonymous.send("GET", "ack/" + m.group(1), null).body()).contains("<form method=\"post\"");
        JsonNode ack = anonymous.ok("POST", "ack/" + m.group(1), null);
        assertThat(ack.get("acknowledged").asBoolean()).isTrue();
        assertThat(ack.get("by").asText()).isEqualTo("Chen Jing (link)");
        assertThat(anonymous.send("POST", "ack/" + m.group(1), null).status()).isEqualTo(410);
        // everyone reached is told who took it, once; after that nothing more is sent
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/centre").stream()
                .anyMatch(r -> r.body().contains("Acknowledged by Chen Jing (link)")));

        int centreMessages = inbox.accepted("/robot/centre").size();
        int visitorMessages = sms("13900002222").size();
        Thread.sleep(2500); // two more step intervals: nothing more is sent
        assertThat(inbox.accepted("/robot/centre")).hasSize(centreMessages);
        assertThat(sms("13900002222")).hasSize(visitorMessages);

        JsonNode incident = api.get("api/incidents/" + gw + "/" + path(fire.id()));
        assertThat(incident.get("state").asText()).isEqualTo("acknowledged");
        assertThat(incident.get("acknowledgedBy").asText()).isEqualTo("Chen Jing (link)");
        assertThat(incident.get("round").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(incident.get("messages").toString()).doesNotContain("13900002222").contains("*******2222");
    }

    @Test
    void anAcknowledgementIsToldToEveryoneAlreadyReachedNamingWhoAndTheAckPageNamesTheAlarmAndHome()
            throws Exception {
        criticalPolicy(60, false);
        Alert fire = fire();
        gateway.publish(alert(gw, 1, fire));
        await().atMost(WAIT).until(() -> sms("+8613800001111").size() == 1 && sms("13900002222").size() == 1
                && inbox.accepted("/robot/family").size() == 1 && mail.getReceivedMessages().length == 1);

        // the page behind the link says which alarm and which home before anyone presses the button
        Matcher m = ACK_LINK.matcher(sms("13900002222").get(0).query().get("text"));
        assertThat(m.find()).isTrue();
        String page = new OperatorApi(bridge.httpUri()).send("GET", "ack/" + m.group(1), null).body();
        assertThat(page).contains("Fire at Shuiguohu, Zhongnan, Wuchang").contains("2024-03-01 07:15 UTC")
                .contains("<form method=\"post\"");

        api.ok("POST", "api/incidents/" + gw + "/" + path(fire.id()) + "/ack", null);

        String told = "Acknowledged by operator admin";
        await().atMost(WAIT).until(() -> sms("+8613800001111").size() == 2 && sms("13900002222").size() == 2
                && inbox.accepted("/robot/family").size() == 2 && mail.getReceivedMessages().length == 2);
        assertThat(sms("+8613800001111").get(1).query().get("text")).contains(told).contains("fire at Shuiguohu");
        assertThat(sms("13900002222").get(1).query().get("text")).contains(told);
        assertThat(inbox.accepted("/robot/family").get(1).body()).contains(told);
        assertThat(mail.getReceivedMessages()[1].getSubject()).isEqualTo("[Anxin] Acknowledged: fire");
        assertThat(GreenMailUtil.getBody(mail.getReceivedMessages()[1])).contains(told);
        // the centre was never reached (its step was still to come): it is not told either
        Thread.sleep(500);
        assertThat(inbox.accepted("/robot/centre")).isEmpty();
    }

    @Test
    void anAlertFromAGatewayOfNoHomeIsListedUnassignedAndFollowsTheHomesPolicyOnceTheGatewayIsAdded()
            throws Exception {
        criticalPolicy(60, false);
        String lone = uniqueGateway("lone");
        Alert fire = fire();
        gateway.publish(alert(lone, 1, fire));

        await().atMost(WAIT).until(() -> api.get("api/alerts?unassigned=true").toString().contains(lone));
        JsonNode listed = api.get("api/alerts?gateway=" + lone);
        assertThat(listed.get(0).get("unassigned").asBoolean()).isTrue();
        assertThat(api.get("api/alerts?unassigned=false").toString()).doesNotContain(lone);
        assertThat(sms("+8613800001111")).isEmpty();
        // the bridge-wide fallback is told at once, with a link to acknowledge
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/duty").size() == 1);
        assertThat(inbox.accepted("/robot/duty").get(0).body()).contains("fire").contains(lone)
                .contains("/ack/").contains("belongs to no home");

        // the installer adds the gateway to the home: the open fire now follows the home's policy
        api.ok("PUT", "api/homes/h1", json("{'gateways':['" + gw + "','" + lone + "']}"));
        await().atMost(WAIT).until(() -> sms("+8613800001111").size() == 1 && sms("13900002222").size() == 1);
        assertThat(sms("+8613800001111").get(0).query().get("text")).contains("fire at Shuiguohu");
        assertThat(api.get("api/alerts?gateway=" + lone).get(0).get("unassigned").asBoolean()).isFalse();
        assertThat(api.get("api/alerts?unassigned=true").toString()).doesNotContain(lone);
    }

    @Test
    void aClearedWarningEndsItsEscalationAndTellsThePeopleAlreadyNotified() throws Exception {
        api.ok("PUT", "api/policies/warning", json("{'steps':[{'notify':['visitors'],'channels':['sms'],'waitSeconds':2},"
                + "{'notify':['centre'],'channels':['webhook'],'waitSeconds':2}]}"));
        Alert quiet = Alert.raise(AlertType.NO_ACTIVITY, null, Instant.parse("2024-03-01T10:00:00Z"), "no activity");
        gateway.publish(alert(gw, 1, quiet));
        await().atMost(WAIT).until(() -> sms("13900002222").size() == 1);

        gateway.publish(alert(gw, 2, quiet.clear(quiet.time().plusSeconds(60), "motion in the kitchen")));

        await().atMost(WAIT).until(() -> sms("13900002222").size() == 2);
        assertThat(sms("13900002222").get(1).query().get("text")).startsWith("Cleared: no activity at Shuiguohu")
                .contains("Motion in the kitchen");
        Thread.sleep(2500); // past the centre's step: it never comes
        assertThat(inbox.accepted("/robot/centre")).isEmpty();
        JsonNode incident = api.get("api/incidents/" + gw + "/" + path(quiet.id()));
        assertThat(incident.get("state").asText()).isEqualTo("cleared");
        assertThat(incident.get("clearedAt").isNull()).isFalse();
    }

    @Test
    void aClearedFireTellsEveryoneReachedAndTheEscalationGoesOnUntilSomeoneAcknowledges() throws Exception {
        criticalPolicy(2, false);
        Alert fire = fire();
        gateway.publish(alert(gw, 1, fire));
        await().atMost(WAIT).until(() -> sms("13900002222").size() == 1 && inbox.accepted("/robot/family").size() == 1
                && mail.getReceivedMessages().length == 1);

        gateway.publish(alert(gw, 2, fire.clear(fire.time().plusSeconds(60), "False alarm, no need to visit")));

        await().atMost(WAIT).until(() -> sms("13900002222").size() == 2 && sms("+8613800001111").size() == 2
                && inbox.accepted("/robot/family").size() == 2 && mail.getReceivedMessages().length == 2);
        String notice = sms("13900002222").get(1).query().get("text");
        assertThat(notice).startsWith("The detector reports clear: fire at Shuiguohu")
                .contains("not over until someone has checked on the resident").contains("/ack/")
                .doesNotContain("no need to visit");
        assertThat(mail.getReceivedMessages()[1].getSubject())
                .isEqualTo("[Anxin] Detector reports clear, still to be acknowledged: fire");
        // the next step still comes: the centre is told
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/centre").size() == 1);
        String incident = "api/incidents/" + gw + "/" + path(fire.id());
        assertThat(api.get(incident).get("state").asText()).isEqualTo("open");
        assertThat(api.get(incident).get("clearedAt").isNull()).isFalse();

        // the link in the notice acknowledges it
        Matcher m = ACK_LINK.matcher(notice);
        assertThat(m.find()).isTrue();
        assertThat(new OperatorApi(bridge.httpUri()).ok("POST", "ack/" + m.group(1), null).get("acknowledged")
                .asBoolean()).isTrue();
        assertThat(api.get(incident).get("state").asText()).isEqualTo("acknowledged");
    }

    @Test
    void aForgedClearOfAnEmergencyCallIsRefusedAndTheCallIsStillEscalated() throws Exception {
        criticalPolicy(1, false);
        Alert call = Alert.raise(AlertType.EMERGENCY_CALL, "pendant", TestMessages.T, "call button pressed");
        gateway.publish(alert(gw, 1, call));
        await().atMost(WAIT).until(() -> sms("13900002222").size() == 1);

        // anyone on the broker: one clear with a later seq, one reusing the raise's own seq
        gateway.publish(alert(gw, 2, call.clear(call.time().plusSeconds(30), "False alarm, resident is fine")));
        gateway.publish(alert(gw, 1, call.clear(call.time().plusSeconds(31), "False alarm, resident is fine")));

        await().atMost(WAIT).until(() -> bridge.counters().clearsRefused() == 1 && bridge.counters().duplicates() == 1);
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/centre").size() == 1);
        assertThat(sms("13900002222")).hasSize(1);
        assertThat(inbox.accepted("/robot/family")).extracting(HttpInbox.Request::body)
                .noneMatch(b -> b.contains("False alarm") || b.contains("Cleared"));
        JsonNode incident = api.get("api/incidents/" + gw + "/" + path(call.id()));
        assertThat(incident.get("state").asText()).isEqualTo("open");
        assertThat(incident.get("clearedAt").isNull()).isTrue();
        assertThat(new Api(bridge.httpUri()).get("api/alerts?gateway=" + gw).get(0).get("state").asText())
                .isEqualTo("raised");
    }

    @Test
    void aGasLeakWhoseClearCameFirstIsStoredAsRaisedAndNotified() throws Exception {
        criticalPolicy(60, false);
        Alert gas = Alert.raise(AlertType.GAS_LEAK, "kitchen-gas", TestMessages.T, "gas in the kitchen");
        gateway.publish(alert(gw, 2, gas.clear(gas.time().plusSeconds(60), "gas gone")));
        await().atMost(WAIT).until(() -> bridge.counters().clearsRefused() == 1);
        gateway.publish(alert(gw, 1, gas));

        await().atMost(WAIT).until(() -> sms("13900002222").size() == 1);
        assertThat(sms("13900002222").get(0).query().get("text")).contains("Critical alert: gas leak");
        assertThat(new Api(bridge.httpUri()).get("api/alerts?gateway=" + gw).get(0).get("state").asText())
                .isEqualTo("raised");
        assertThat(api.get("api/incidents/" + gw + "/" + path(gas.id())).get("state").asText()).isEqualTo("open");
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoffAndAFinalFailureIsVisible() throws Exception {
        api.ok("PUT", "api/policies/warning", json("{'steps':[{'notify':['visitors'],'channels':['sms'],'waitSeconds':60}]}"));
        inbox.alwaysAnswer(503);
        Alert noActivity = Alert.raise(AlertType.NO_ACTIVITY, null, Instant.parse("2024-03-01T10:00:00Z"),
                "no activity since 06:00");
        gateway.publish(alert(gw, 1, noActivity));

        await().atMost(WAIT).until(() -> bridge.counters().notificationsFailed() >= 1);
        assertThat(inbox.refused()).filteredOn(r -> r.path().equals("/sms")).hasSize(3); // deliveryAttempts
        JsonNode failed = api.get("api/deliveries?state=failed");
        assertThat(failed.get(0).get("channel").asText()).isEqualTo("sms");
        assertThat(failed.get(0).get("lastError").asText()).isEqualTo("HTTP 503");
        assertThat(failed.get(0).get("attempts").asInt()).isEqualTo(3);
        assertThat(failed.get(0).get("address").asText()).isEqualTo("*******2222");
        assertThat(api.get("api/health").get("counters").get("notificationsFailed").asLong()).isGreaterThanOrEqualTo(1);
        // the step reached nobody: it goes to the fallback (the bridge-wide list here, refusing too)
        await().atMost(WAIT).until(() -> inbox.refused().stream().filter(r -> r.path().equals("/robot/duty")).count() == 3);
        assertThat(bridge.counters().deliveryRetries()).isEqualTo(4);
    }

    @Test
    void aDeliveryRefusedOnceIsDeliveredOnRetry() throws Exception {
        api.ok("PUT", "api/policies/warning", json("{'steps':[{'notify':['visitors'],'channels':['sms'],'waitSeconds':60}]}"));
        inbox.thenAnswer(500);
        Alert noActivity = Alert.raise(AlertType.NO_ACTIVITY, null, Instant.parse("2024-03-01T10:00:00Z"), "quiet");
        gateway.publish(alert(gw, 1, noActivity));
        await().atMost(WAIT).until(() -> sms("13900002222").size() == 1);
        JsonNode messages = api.get("api/incidents/" + gw + "/" + path(noActivity.id())).get("messages");
        await().atMost(WAIT).until(() -> api.get("api/incidents/" + gw + "/" + path(noActivity.id()))
                .get("messages").get(0).get("state").asText().equals("delivered"));
        assertThat(api.get("api/incidents/" + gw + "/" + path(noActivity.id())).get("messages").get(0)
                .get("attempts").asInt()).isEqualTo(2);
        assertThat(messages).hasSize(1);
    }

    @Test
    void anOperatorAcknowledgesAndResolvesAndTheHandlingRecordIsExported() throws Exception {
        criticalPolicy(60, false);
        Alert fire = fire();
        gateway.publish(alert(gw, 1, fire));
        await().atMost(WAIT).until(() -> sms("13900002222").size() == 1);
        String incident = "api/incidents/" + gw + "/" + path(fire.id());

        JsonNode ack = api.ok("POST", incident + "/ack", null);
        assertThat(ack.get("acknowledged").asBoolean()).isTrue();
        assertThat(ack.get("by").asText()).isEqualTo("operator admin");
        assertThat(api.ok("POST", incident + "/ack", null).get("acknowledged").asBoolean()).isFalse();

        assertThat(api.send("POST", incident + "/resolve", json("{'action':'visited'}")).status()).isEqualTo(400);
        JsonNode resolved = api.ok("POST", incident + "/resolve", json("{'action':'Visitor went to the home,"
                + " turned off the stove, opened the windows','outcome':'no injury; pot discarded'}"));
        assertThat(resolved.get("resolvedBy").asText()).isEqualTo("operator admin");
        assertThat(api.send("POST", incident + "/resolve", json("{'action':'again','outcome':'again'}")).status())
                .isEqualTo(409);

        OperatorApi.Response csv = api.send("GET", "api/incidents/export?format=csv", null);
        assertThat(csv.status()).isEqualTo(200);
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("gateway,alert_id,type,severity,home_id,district,street,community,state,");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).contains(gw, "FIRE", "h1", "Wuchang", "acknowledged", "operator admin",
                "\"Visitor went to the home, turned off the stove, opened the windows\"", "no injury; pot discarded");
        assertThat(api.send("GET", "api/incidents/export?format=pdf", null).status()).isEqualTo(400);
    }
}
