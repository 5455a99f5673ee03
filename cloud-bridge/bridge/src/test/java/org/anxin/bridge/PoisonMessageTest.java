package org.anxin.bridge;

import static org.anxin.bridge.store.TestMessages.T;
import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.heartbeat;
import static org.anxin.bridge.store.TestMessages.reading;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages that fail for their content, on a real bridge with Moquette and PostgreSQL (the
 * database that refuses what SQLite takes): each is quarantined and acknowledged, and ingest goes
 * straight on. They used to make ingest fail, reconnect and meet them again, for ever.
 */
class PoisonMessageTest {

    private static final String SERVER =
            System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private String schema;
    private TestBroker broker;
    private WebhookReceiver feed;
    private Bridge bridge;
    private GatewayPublisher publisher;

    @BeforeEach
    void start() throws Exception {
        assumeFalse(SERVER.equals("none"), "PostgreSQL tests switched off");
        schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        broker = TestBroker.start(dir.resolve("broker"));
        feed = WebhookReceiver.start();
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url()).jdbcUrl(url()).httpPort(0).webhookUrl(feed.url())
                .admin(OperatorApi.USER, OperatorApi.PASSWORD).build());
        await().atMost(WAIT).until(bridge::mqttConnected);
        publisher = new GatewayPublisher(broker.url(), "test-" + UUID.randomUUID());
    }

    private String url() {
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (feed != null) {
            feed.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private List<String> quarantineReasons() throws Exception {
        List<String> reasons = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT reason, payload, size, topic FROM quarantine ORDER BY received_at")) {
            while (rs.next()) {
                reasons.add(rs.getString(1));
                assertThat(rs.getString(2)).doesNotContain("\u0000").hasSizeLessThanOrEqualTo(4096);
                assertThat(rs.getInt(3)).isPositive();
                assertThat(rs.getString(4)).hasSizeLessThanOrEqualTo(255);
            }
        }
        return reasons;
    }

    private boolean fireNotified(String gateway, Alert fire) {
        return feed.accepted().stream().anyMatch(n -> n.get("event").asText().equals("alert.raised")
                && n.get("gateway").asText().equals(gateway) && n.get("alert").get("id").asText().equals(fire.id()));
    }

    @Test
    void aTooLongGatewayIdAndANulInAReasonAreQuarantinedAndAFireRightAfterIsStoredAndNotified() throws Exception {
        String gw = uniqueGateway("poison");
        String longId = "gw-" + "x".repeat(197);
        publisher.publish(reading(longId, 1));
        Alert quiet = Alert.raise(AlertType.NO_ACTIVITY, null, T, "no activity\u0000since 06:00");
        publisher.publish(alert(gw, 1, quiet));
        Alert fire = fire();
        publisher.publish(alert(gw, 2, fire));

        await().atMost(WAIT).until(() -> fireNotified(gw, fire));
        assertThat(new Api(bridge.httpUri()).get("api/alerts?gateway=" + gw)).singleElement()
                .satisfies(a -> assertThat(a.get("type").asText()).isEqualTo("FIRE"));
        assertThat(bridge.counters().quarantined()).isEqualTo(2);
        assertThat(bridge.counters().storeFailures()).isZero();
        assertThat(quarantineReasons()).containsExactly("gateway id of 200 characters, at most 128",
                "message.body.reason holds control character U+0000");
        assertThat(new Api(bridge.httpUri()).get("api/health").get("counters").get("quarantined").asLong())
                .isEqualTo(2);
    }

    @Test
    void aFireWithANulInItsReasonAndAWrongSeverityIsStoredMendedNotLost() throws Exception {
        String gw = uniqueGateway("mend");
        Alert forged = new Alert("FIRE/kitchen-smoke/1", AlertType.FIRE, org.anxin.protocol.AlertState.RAISED,
                org.anxin.protocol.Severity.MAINTENANCE, "kitchen-smoke", T, "smoke\u0000in the kitchen");
        publisher.publish(alert(gw, 1, forged));

        await().atMost(WAIT).until(() -> fireNotified(gw, forged));
        var stored = new Api(bridge.httpUri()).get("api/alerts?gateway=" + gw).get(0);
        assertThat(stored.get("severity").asText()).isEqualTo("critical");
        assertThat(stored.get("reason").asText()).isEqualTo("smoke\uFFFDin the kitchen");
        assertThat(bridge.counters().mendedAlarms()).isEqualTo(1);
        assertThat(bridge.counters().quarantined()).isZero();
    }

    @Test
    void aWrongSeverityAnAbsurdSeqAndAFarFutureTimeAreQuarantined() throws Exception {
        String gw = uniqueGateway("bounds");
        publisher.publish(reading(gw, 1));
        await().atMost(WAIT).until(() -> bridge.counters().stored() == 1);

        Alert quiet = Alert.raise(AlertType.NO_ACTIVITY, null, T, "quiet");
        publisher.publish(alert(gw, 2, new Alert(quiet.id(), quiet.type(), quiet.state(),
                org.anxin.protocol.Severity.MAINTENANCE, null, T, "quiet")));
        // a heartbeat a billion ahead with an empty outbox: it would report a billion missing
        publisher.publish(heartbeat(gw, 1_000_000_000L));
        publisher.publish(Envelope.of(gw, 3, T.plus(Duration.ofDays(4000)),
                new org.anxin.protocol.Reading("kitchen-water", org.anxin.protocol.ReadingKind.WATER, "1.5", T)));
        String raw = new String(MessageCodec.encode(reading(gw, 4)), StandardCharsets.UTF_8)
                .replace("\"seq\":4", "\"seq\":-4");
        publisher.publishRaw("anxin/v1/gw/" + gw + "/reading", raw);

        await().atMost(WAIT).until(() -> bridge.counters().quarantined() == 4);
        assertThat(quarantineReasons()).anyMatch(r -> r.startsWith("a NO_ACTIVITY alert is warning, not maintenance"))
                .anyMatch(r -> r.startsWith("seq 1000000000 is more than"))
                .anyMatch(r -> r.startsWith("ts ") && r.contains("a day after the bridge's clock"))
                .anyMatch(r -> r.startsWith("seq -4 is below 1"));
        // the gap checks still work below it
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT horizon_seq, checked_seq FROM gateways WHERE id = '" + gw + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject(1)).isNull();
            assertThat(rs.getObject(2)).isNull();
        }
        assertThat(new Api(bridge.httpUri()).get("api/alerts?gateway=" + gw)).isEmpty();
    }
}
