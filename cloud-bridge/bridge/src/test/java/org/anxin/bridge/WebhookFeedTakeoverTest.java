package org.anxin.bridge;

import org.anxin.bridge.core.BridgeOptions;

import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.anxin.protocol.Alert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook feed is one of the leased deliveries: two bridge instances on one PostgreSQL
 * database; the other leaves the feed notification the first holds, the first is killed (SIGKILL)
 * in the middle of its retry, and the other, once the lease has run out, delivers it, once; a
 * restart sends nothing again.
 */
class WebhookFeedTakeoverTest {

    private static final String POSTGRES =
            System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private TestBroker broker;

    private String jdbcUrl() {
        return POSTGRES + (POSTGRES.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @BeforeEach
    void createSchema() throws Exception {
        assumeThat(POSTGRES).isNotEqualTo("none");
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        broker = TestBroker.start(dir.resolve("broker"));
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (broker != null) {
            broker.close();
        }
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private BridgeOptions options(WebhookReceiver webhook) {
        return BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url()).mqttClientId("anxin-bridge-b-" + UUID.randomUUID().toString().substring(0, 8))
                .jdbcUrl(jdbcUrl()).httpPort(0).webhookUrl(webhook.url())
                .escalationPollInterval(Duration.ofMillis(200)).build();
    }

    @Test
    void aFeedNotificationWhoseInstanceDiesMidRetryIsDeliveredOnceByTheOtherAndNotResentOnRestart() throws Exception {
        String gw = uniqueGateway("takeover");
        Alert fire = fire();
        // the first attempt is refused; the retry hangs, and its instance dies holding it
        try (WebhookReceiver webhook = WebhookReceiver.start().thenAnswer(500).thenHold()) {
            BridgeProcess a = BridgeProcess.start("--broker", broker.url(), "--mqtt-client-id",
                    "anxin-bridge-a-" + UUID.randomUUID().toString().substring(0, 8), "--db", jdbcUrl(),
                    "--http-port", "0", "--signing-key", dir.resolve("signing.key").toString(),
                    "--allow-unsigned-gateways", "--webhook", webhook.url());
            // "running" is said before the broker is reached; a message published earlier would reach nobody
            await().atMost(WAIT).until(() -> a.output().stream().anyMatch(l -> l.contains("subscribed to")));
            try (a; GatewayPublisher gateway = new GatewayPublisher(broker.url(), "test-" + gw)) {
                gateway.publish(alert(gw, 1, fire));
                await().atMost(WAIT).until(() -> webhook.requests() == 2);
                assertThat(feedRow(gw)).as("A holds the retry's lease").isEqualTo("sending 2");

                // B, the test's clock standing still until the test moves it past A's lease
                LoginThrottleTest.TestClock clock = new LoginThrottleTest.TestClock();
                try (Bridge b = Bridge.start(options(webhook), clock)) {
                    await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> webhook.requests() == 2);
                    assertThat(feedRow(gw)).as("B leaves what A holds").isEqualTo("sending 2");

                    a.close(); // SIGKILL, mid-retry
                    clock.advance(Deliveries.LEASE.plusSeconds(1));

                    await().atMost(WAIT).until(() -> webhook.accepted().size() == 1);
                    assertThat(webhook.accepted().get(0).get("event").asText()).isEqualTo("alert.raised");
                    assertThat(webhook.accepted().get(0).get("gateway").asText()).isEqualTo(gw);
                    assertThat(webhook.accepted().get(0).get("alert").get("id").asText()).isEqualTo(fire.id());
                    await().atMost(WAIT).until(() -> feedRow(gw).equals("delivered 3"));
                    assertThat(b.counters().notificationsDelivered()).isEqualTo(1);
                }
            }

            try (Bridge restarted = Bridge.start(options(webhook))) {
                await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> webhook.requests() == 3);
                assertThat(restarted.counters().notificationsDelivered()).isZero();
            }
            assertThat(webhook.accepted()).hasSize(1);
        }
    }

    /** The feed delivery's state and attempts. */
    private String feedRow(String gw) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl());
             PreparedStatement ps = c.prepareStatement("SELECT state, attempts FROM deliveries WHERE gateway = ?"
                     + " AND recipient_key = 'feed'")) {
            ps.setString(1, gw);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) + " " + rs.getInt(2) : "none";
            }
        }
    }
}
