package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.testing.mosquitto.MosquittoBroker;
import org.anxin.testing.mosquitto.MosquittoPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bridge instances on one PostgreSQL database and Mosquitto (authentication on: both on the
 * bridge's account and listener, the gateway on its own), sharing the gateways' messages
 * through an MQTT 5 shared subscription. One runs as a process of its own and is killed
 * (SIGKILL) in the middle of escalations; the other carries every escalation on, and every step
 * happens exactly once. Alerts the broker queued for the dead instance are taken over too.
 */
class ScaleOutTest {

    private static final String POSTGRES =
            System.getProperty("anxin.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String GW = uniqueGateway("scale");

    @RegisterExtension
    static final MosquittoPerClass MOSQUITTO = new MosquittoPerClass(GW);

    @TempDir
    Path dir;
    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String group = "anxin-test-" + UUID.randomUUID().toString().substring(0, 8);
    private BridgeProcess processA;

    private static MosquittoBroker broker() {
        return MOSQUITTO.broker();
    }

    private String jdbcUrl() {
        return POSTGRES + (POSTGRES.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (processA != null) {
            processA.close();
        }
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** Starts instance A as a process of its own, with the bridge's own broker account, and waits until it runs. */
    private BridgeProcess startA(String clientId) throws Exception {
        processA = BridgeProcess.start(Map.of("ANXIN_MQTT_PASSWORD", broker().bridge().password()),
                "--broker", broker().bridgeUrl(), "--mqtt-user", broker().bridge().user(),
                "--mqtt-client-id", clientId, "--mqtt-share-group", group,
                "--db", jdbcUrl(), "--http-port", "0", "--instance-timeout-seconds", "3",
                "--signing-key", dir.resolve("signing.key").toString(), "--allow-unsigned-gateways");
        return processA;
    }

    @Test
    void killingOneOfTwoInstancesMidEscalationLeavesEveryStepDoneExactlyOnce() throws Exception {
        assumeThat(POSTGRES).isNotEqualTo("none");
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try (HttpInbox inbox = new HttpInbox()) {
            // instance A: its own JVM, as in production
            String idA = "anxin-bridge-a-" + UUID.randomUUID().toString().substring(0, 8);
            BridgeProcess a = startA(idA);

            // instance B: in this JVM; the operator sets up the home through it
            String idB = "anxin-bridge-b-" + UUID.randomUUID().toString().substring(0, 8);
            try (Bridge b = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key")).brokerUrl(broker().bridgeUrl()).mqttClientId(idB)
                    .mqttUsername(broker().bridge().user()).mqttPassword(broker().bridge().password())
                    .mqttShareGroup(group).jdbcUrl(jdbcUrl()).httpPort(0)
                    .admin(OperatorApi.USER, OperatorApi.PASSWORD)
                    .escalationPollInterval(Duration.ofMillis(200)).instanceTimeout(Duration.ofSeconds(3)).build())) {
                OperatorApi api = new OperatorApi(b.httpUri()).login();
                String gw = GW;
                api.ok("PUT", "api/centres/c1", json("{'name':'Centre','webhook':'" + inbox.url("/centre") + "'}"));
                api.ok("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C','category':'empty_nest',"
                        + "'centreId':'c1','gateways':['" + gw + "']}"));
                api.ok("POST", "api/homes/h1/people", json("{'role':'contact','name':'Li','webhook':'"
                        + inbox.url("/contact") + "'}"));
                api.ok("POST", "api/homes/h1/people", json("{'role':'visitor','name':'Chen','webhook':'"
                        + inbox.url("/visitor") + "'}"));
                api.ok("PUT", "api/policies/critical", json("{'steps':["
                        + "{'notify':['contacts'],'channels':['webhook'],'waitSeconds':3},"
                        + "{'notify':['visitors'],'channels':['webhook'],'waitSeconds':3},"
                        + "{'notify':['centre'],'channels':['webhook'],'waitSeconds':0}]}"));
                await().atMost(WAIT).until(b::mqttConnected);

                int alerts = 8;
                try (GatewayPublisher gateway = new GatewayPublisher(broker().url(), "test-" + gw, broker().gateway(gw))) {
                    for (int i = 1; i <= alerts; i++) {
                        gateway.publish(alert(gw, i, Alert.raise(AlertType.EMERGENCY_CALL, "button-" + i,
                                Instant.parse("2024-03-01T19:46:00Z").plusSeconds(i), "button pressed")));
                    }
                }
                // step 1 of every escalation, by whichever instance received the alert
                await().atMost(WAIT).until(() -> inbox.accepted("/contact").size() >= alerts);
                assertThat(b.counters().stored()).as("B took part of the load").isBetween(1L, (long) alerts - 1);
                assertThat(a.output()).as("A ran escalation steps").anyMatch(l -> l.contains("step 1 (round 1)"));

                a.close(); // SIGKILL, mid-escalation
                // alerts raised while A is dead: B's share at once; A's share waits at the broker in A's
                // session (Mosquitto queues for a disconnected member of the group) until B, finding A
                // silent past the instance timeout, takes that session over and stores what waits there
                try (GatewayPublisher gateway = new GatewayPublisher(broker().url(), "test2-" + gw, broker().gateway(gw))) {
                    for (int i = alerts + 1; i <= alerts + 4; i++) {
                        gateway.publish(alert(gw, i, Alert.raise(AlertType.EMERGENCY_CALL, "button-" + i,
                                Instant.parse("2024-03-01T19:46:00Z").plusSeconds(i), "button pressed")));
                    }
                }

                await().atMost(WAIT).until(() -> inbox.accepted("/centre").size() >= alerts + 4);
                Thread.sleep(1500); // anything duplicated would have arrived by now
                for (String path : List.of("/contact", "/visitor", "/centre")) {
                    Map<String, Long> perAlert = inbox.accepted(path).stream().collect(Collectors.groupingBy(
                            r -> r.body().replaceAll(".*device (button-[0-9]+).*", "$1"), Collectors.counting()));
                    assertThat(perAlert).as("messages to %s per alert", path).hasSize(alerts + 4)
                            .allSatisfy((device, count) -> assertThat(count).isEqualTo(1));
                }
                assertThat(b.counters().sessionsTakenOver()).isEqualTo(1);
                assertThat(b.counters().messagesTakenOver()).as("alerts drained from A's session").isPositive();
                try (Connection c = DriverManager.getConnection(jdbcUrl()); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM escalations WHERE next_step_at IS NULL"
                             + " AND next_step = 3")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("escalations that ran all three steps").isEqualTo(alerts + 4);
                }
            }
        }
    }
}
