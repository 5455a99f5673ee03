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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NotificationOutcome;
import org.anxin.protocol.Alert;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Topics;
import org.anxin.protocol.Channel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole path, gateway to webhook, through a real (in-process) broker, SQLite and HTTP. */
class BridgeIngestTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path brokerDir;
    private static TestBroker broker;

    @TempDir
    Path dir;
    private WebhookReceiver webhook;
    private Bridge bridge;
    private GatewayPublisher gateway;
    private Api api;
    private final List<NotificationOutcome> outcomes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private void startBridge(BridgeOptions.Builder options) throws Exception {
        bridge = Bridge.start(options.build());
        bridge.addNotificationListener(outcomes::add);
        api = new Api(bridge.httpUri());
        await().atMost(WAIT).until(bridge::mqttConnected);
        gateway = new GatewayPublisher(broker.url(), "test-gateway-" + System.nanoTime());
    }

    private BridgeOptions.Builder options() {
        webhook = WebhookReceiver.start();
        return BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0)
                .webhookUrl(webhook.url())
                .webhookRetryBase(Duration.ofMillis(100))
                .admin(OperatorApi.USER, OperatorApi.PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    @Test
    void raisedAlertReachesAlertsTableRestApiAndWebhook() throws Exception {
        startBridge(options());
        String gw = uniqueGateway("alert");
        Alert fire = fire();

        gateway.publish(alert(gw, 1, fire));

        await().atMost(WAIT).until(() -> alertRowState(gw, fire.id()), "raised"::equals);

        JsonNode listed = api.get("api/alerts?gateway=" + gw);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(fire.id());
        assertThat(listed.get(0).get("type").asText()).isEqualTo("FIRE");
        assertThat(listed.get(0).get("severity").asText()).isEqualTo("critical");
        assertThat(listed.get(0).get("state").asText()).isEqualTo("raised");
        assertThat(listed.get(0).get("raisedAt").asText()).isEqualTo("2024-03-01T07:15:00Z");

        await().atMost(WAIT).until(() -> webhook.accepted().size() == 1);
        JsonNode notice = webhook.accepted().get(0);
        assertThat(notice.get("event").asText()).isEqualTo("alert.raised");
        assertThat(notice.get("gateway").asText()).isEqualTo(gw);
        assertThat(notice.get("alert").get("id").asText()).isEqualTo(fire.id());
        assertThat(notice.get("alert").get("device").asText()).isEqualTo("kitchen-smoke");
        assertThat(notice.get("alert").get("time").asText()).isEqualTo("2024-03-01T07:15:00Z");
        assertThat(notice.get("text").asText())
                .contains("fire", gw, "kitchen-smoke", "2024-03-01 07:15:00 UTC", "smoke detected");

        await().atMost(WAIT).until(() -> outcomes.size() == 1);
        assertThat(outcomes.get(0).delivered()).isTrue();
        assertThat(outcomes.get(0).target()).doesNotContain("s3cret");

        gateway.publish(alert(gw, 2, fire.clear(fire.time().plusSeconds(90), "smoke gone")));

        await().atMost(WAIT).until(() -> webhook.accepted().size() == 2);
        assertThat(webhook.accepted().get(1).get("event").asText()).isEqualTo("alert.cleared");
        JsonNode one = api.get("api/alerts/" + gw + "/" + path(fire.id()));
        assertThat(one.get("state").asText()).isEqualTo("cleared");
        assertThat(one.get("clearReason").asText()).isEqualTo("smoke gone");
        assertThat(one.get("notifications")).extracting(n -> n.get("state").asText())
                .containsExactly("delivered", "delivered");
    }

    @Test
    void duplicateSeqIsStoredOnceAndNotifiedOnce() throws Exception {
        startBridge(options());
        String gw = uniqueGateway("dup");

        gateway.publish(alert(gw, 7, fire()));
        gateway.publish(alert(gw, 7, fire()));

        await().atMost(WAIT).until(() -> bridge.counters().duplicates() == 1);
        await().atMost(WAIT).until(() -> webhook.accepted().size() == 1);
        await().during(Duration.ofMillis(700)).atMost(WAIT).until(() -> webhook.requests() == 1);
        assertThat(bridge.counters().stored()).isEqualTo(1);
        assertThat(countRows("SELECT COUNT(*) FROM events WHERE gateway = ?", gw)).isEqualTo(1);
        assertThat(bridge.counters().notificationsDelivered()).isEqualTo(1);
    }

    @Test
    void malformedPayloadAndGatewayTopicMismatchAreCountedAndIngestGoesOn() throws Exception {
        startBridge(options());
        String gw = uniqueGateway("bad");
        String other = uniqueGateway("other");

        gateway.publishRaw(Topics.of(gw, Channel.READING), "{not json");
        gateway.publishRaw(Topics.of(gw, Channel.READING),
                new String(org.anxin.protocol.MessageCodec.encode(reading(other, 1)), StandardCharsets.UTF_8));
        gateway.publishRaw(Topics.ROOT + "/" + gw + "/no-such-channel", "{}");
        gateway.publish(reading(gw, 1));

        await().atMost(WAIT).until(() -> bridge.counters().stored() == 1);
        assertThat(bridge.counters().malformed()).isEqualTo(1);
        assertThat(bridge.counters().mismatched()).isEqualTo(1);
        assertThat(bridge.counters().foreignTopics()).isEqualTo(1);
        assertThat(countRows("SELECT COUNT(*) FROM events WHERE gateway = ?", other)).isZero();
        JsonNode health = api.get("api/health");
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("counters").get("malformed").asLong()).isEqualTo(1);
        assertThat(health.get("counters").get("received").asLong()).isEqualTo(4);
    }

    @Test
    void failingWebhookIsRetriedUntilItAcceptsAndTheOutcomeIsRecorded() throws Exception {
        BridgeOptions.Builder options = options();
        webhook.thenAnswer(500, 500);
        startBridge(options);
        String gw = uniqueGateway("retry");
        Alert fire = fire();

        gateway.publish(alert(gw, 1, fire));

        await().atMost(WAIT).until(() -> outcomes.size() == 1);
        assertThat(outcomes.get(0).delivered()).isTrue();
        assertThat(outcomes.get(0).attempts()).isEqualTo(3);
        assertThat(webhook.requests()).isEqualTo(3);
        JsonNode recorded = api.get("api/alerts/" + gw + "/" + path(fire.id())).get("notifications").get(0);
        assertThat(recorded.get("state").asText()).isEqualTo("delivered");
        assertThat(recorded.get("attempts").asInt()).isEqualTo(3);
        assertThat(recorded.get("deliveredAt").isNull()).isFalse();
    }

    @Test
    void webhookThatNeverAcceptsIsRecordedAsFailedAfterTheLastAttempt() throws Exception {
        BridgeOptions.Builder options = options().webhookAttempts(2);
        webhook.alwaysAnswer(503);
        startBridge(options);
        String gw = uniqueGateway("fail");
        Alert fire = fire();

        gateway.publish(alert(gw, 1, fire));

        await().atMost(WAIT).until(() -> bridge.counters().notificationsFailed() == 1);
        JsonNode recorded = api.get("api/alerts/" + gw + "/" + path(fire.id())).get("notifications").get(0);
        assertThat(recorded.get("state").asText()).isEqualTo("failed");
        assertThat(recorded.get("attempts").asInt()).isEqualTo(2);
        assertThat(recorded.get("lastError").asText()).isEqualTo("HTTP 503");
        assertThat(recorded.get("target").asText()).doesNotContain("s3cret");
        assertThat(alertRowState(gw, fire.id())).isEqualTo("raised"); // stored whatever the webhook says
    }

    @Test
    void alertIsStoredWithoutWebhook() throws Exception {
        startBridge(options().webhookUrl(null));
        String gw = uniqueGateway("nohook");

        gateway.publish(alert(gw, 1, fire()));

        await().atMost(WAIT).until(() -> alertRowState(gw, fire().id()), "raised"::equals);
        assertThat(countRows("SELECT COUNT(*) FROM deliveries WHERE gateway = ? AND recipient_key = 'feed'", gw)).isZero();
        assertThat(webhook.requests()).isZero();
    }

    @Test
    void stateAndHeartbeatUpdateTheGatewaysView() throws Exception {
        startBridge(options());
        String gw = uniqueGateway("state");
        Instant started = Instant.parse("2024-03-01T06:00:00Z");

        gateway.publish(state(gw, 0, GatewayState.Status.ONLINE, started));
        await().atMost(WAIT).until(() -> gatewayView(gw) != null);
        JsonNode online = gatewayView(gw);
        assertThat(online.get("status").asText()).isEqualTo("online");
        assertThat(online.get("version").asText()).isEqualTo("0.1.0");
        assertThat(online.get("lastSeq").isNull()).isTrue();
        Instant firstSeen = Instant.parse(online.get("lastSeen").asText());

        Thread.sleep(20); // so the heartbeat's time is visibly later
        gateway.publish(heartbeat(gw, 0));
        await().atMost(WAIT).until(() -> Instant.parse(gatewayView(gw).get("lastSeen").asText()).isAfter(firstSeen));

        gateway.publish(reading(gw, 1));
        gateway.publish(state(gw, 1, GatewayState.Status.OFFLINE, started));
        await().atMost(WAIT).until(() -> gatewayView(gw).get("status").asText(), "offline"::equals);
        assertThat(gatewayView(gw).get("lastSeq").asLong()).isEqualTo(1);
        gateway.clearRetained(Topics.of(gw, Channel.STATE));
    }

    @Test
    void seqsOutOfOrderAreNotCountedAsGapsAndALateMessageIsStillStored() throws Exception {
        startBridge(options());
        String gw = uniqueGateway("gap");

        gateway.publish(reading(gw, 1));
        gateway.publish(reading(gw, 2));
        gateway.publish(reading(gw, 5));
        gateway.publish(reading(gw, 3));

        await().atMost(WAIT).until(() -> bridge.counters().stored() == 4);
        // 4 may still be on its way (an alert overtaking telemetry does this): a gap is judged only after
        // the gateway's heartbeat says it was sent and a grace period passed (StorageContract)
        assertThat(bridge.counters().gaps()).isZero();
        assertThat(gatewayView(gw).get("lastSeq").asLong()).isEqualTo(5);
        assertThat(api.get("api/health").get("counters").get("gaps").asLong()).isZero();
    }

    @Test
    void messageTheDatabaseRefusedIsRedeliveredAndStoredOnceTheDatabaseRecovers() throws Exception {
        startBridge(options());
        String gw = uniqueGateway("dbdown");
        execute("ALTER TABLE events RENAME TO events_away");

        gateway.publish(reading(gw, 1));
        await().atMost(WAIT).until(() -> bridge.counters().storeFailures() >= 1);
        execute("ALTER TABLE events_away RENAME TO events");

        await().atMost(WAIT).until(() -> bridge.counters().stored() == 1);
        assertThat(countRows("SELECT COUNT(*) FROM events WHERE gateway = ?", gw)).isEqualTo(1);
        await().atMost(WAIT).until(bridge::mqttConnected);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             var statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private JsonNode gatewayView(String gw) {
        for (JsonNode g : api.get("api/gateways")) {
            if (g.get("id").asText().equals(gw)) {
                return g;
            }
        }
        return null;
    }

    private String alertRowState(String gw, String alertId) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             PreparedStatement ps = c.prepareStatement("SELECT state FROM alerts WHERE gateway = ? AND alert_id = ?")) {
            ps.setString(1, gw);
            ps.setString(2, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long countRows(String sql, String gw) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("bridge.db"));
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, gw);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String path(String alertId) {
        return URLEncoder.encode(alertId, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}
