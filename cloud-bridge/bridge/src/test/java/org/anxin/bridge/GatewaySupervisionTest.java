package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.heartbeat;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GATEWAY_OFFLINE from silence, over a real broker, with a supervision interval of one second. */
class GatewaySupervisionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path dir;

    @Test
    void aSilentGatewayRaisesGatewayOfflineForItsHomeAndHearingItAgainClearsIt() throws Exception {
        String silent = uniqueGateway("silent");
        String alive = uniqueGateway("alive");
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             WebhookReceiver feed = WebhookReceiver.start();
             HttpInbox inbox = new HttpInbox();
             Bridge bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key")).brokerUrl(broker.url())
                     .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0)
                     .webhookUrl(feed.url()).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                     .supervisionInterval(Duration.ofSeconds(1)).escalationPollInterval(Duration.ofMillis(100))
                     .zone(SHANGHAI).build());
             GatewayPublisher gateways = new GatewayPublisher(broker.url(), "test-" + silent)) {
            OperatorApi api = new OperatorApi(bridge.httpUri()).login();
            api.ok("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C','category':'living_alone',"
                    + "'gateways':['" + silent + "']}"));
            api.ok("POST", "api/homes/h1/people", json("{'role':'visitor','name':'Chen','webhook':'"
                    + inbox.url("/visitor") + "'}"));
            await().atMost(WAIT).until(bridge::mqttConnected);

            // one gateway keeps its heartbeats coming, the other falls silent after one
            AtomicLong seq = new AtomicLong();
            ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor();
            try {
                beat.scheduleAtFixedRate(() -> {
                    try {
                        gateways.publish(heartbeat(alive, seq.incrementAndGet()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, 0, 200, TimeUnit.MILLISECONDS);
                gateways.publish(heartbeat(silent, 1));

                await().atMost(WAIT).until(() -> feed.accepted().stream().anyMatch(n ->
                        n.get("event").asText().equals("alert.raised") && n.get("gateway").asText().equals(silent)));
                JsonNode raised = new Api(bridge.httpUri()).get("api/alerts?gateway=" + silent).get(0);
                assertThat(raised.get("type").asText()).isEqualTo("GATEWAY_OFFLINE");
                assertThat(raised.get("severity").asText()).isEqualTo("warning");
                assertThat(raised.get("state").asText()).isEqualTo("raised");
                assertThat(raised.get("reason").asText()).contains("silent since");
                // the home's warning policy: its visitor is told
                await().atMost(WAIT).until(() -> inbox.accepted("/visitor").size() == 1);
                String message = inbox.accepted("/visitor").get(0).body();
                assertThat(message).contains("gateway offline");
                // the real time, in the bridge's zone (a null device once made it 1970-01-01 08:00)
                String today = DateTimeFormatter.ofPattern("yyyy-MM-dd").format(ZonedDateTime.now(SHANGHAI));
                String yesterday = DateTimeFormatter.ofPattern("yyyy-MM-dd").format(ZonedDateTime.now(SHANGHAI).minusDays(1));
                assertThat(message).doesNotContain("1970").contains("Asia/Shanghai").containsAnyOf(today, yesterday);
                assertThat(raised.get("reason").asText()).contains("Asia/Shanghai").doesNotContain("UTC");
                assertThat(bridge.counters().gatewaysOffline()).isEqualTo(1);

                gateways.publish(heartbeat(silent, 2));
                await().atMost(WAIT).until(() -> new Api(bridge.httpUri()).get("api/alerts?gateway=" + silent)
                        .get(0).get("state").asText().equals("cleared"));
                await().atMost(WAIT).until(() -> feed.accepted().stream().anyMatch(n ->
                        n.get("event").asText().equals("alert.cleared") && n.get("gateway").asText().equals(silent)));
                await().atMost(WAIT).until(() -> inbox.accepted("/visitor").size() == 2);
                assertThat(inbox.accepted("/visitor").get(1).body()).contains("Cleared: gateway offline");
                assertThat(new Api(bridge.httpUri()).get("api/alerts?gateway=" + alive)).isEmpty();
            } finally {
                beat.shutdownNow();
            }
        }
    }
}
