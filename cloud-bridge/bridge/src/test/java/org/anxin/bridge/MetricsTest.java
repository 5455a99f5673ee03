package org.anxin.bridge;

import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.reading;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.anxin.bridge.core.BridgeMetrics;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real bridge fed through a real (in-process) broker. */
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "scrape-me-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path brokerDir;
    private static TestBroker broker;

    @TempDir
    Path dir;
    private Bridge bridge;
    private GatewayPublisher gateway;
    private HttpInbox inbox;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private void start(String metricsToken) throws Exception {
        inbox = new HttpInbox();
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true)
                .signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(broker.url())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0)
                .fallbackRecipient("webhook:" + inbox.url("/robot/duty"))
                .metricsToken(metricsToken)
                .build());
        await().atMost(WAIT).until(bridge::mqttConnected);
        gateway = new GatewayPublisher(broker.url(), "test-metrics-" + System.nanoTime());
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

    private HttpResponse<String> scrape(Optional<String> authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(bridge.httpUri().resolve("metrics")).GET();
        authorization.ifPresent(a -> request.header("Authorization", a));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String metrics() throws Exception {
        HttpResponse<String> response = scrape(Optional.of("Bearer " + TOKEN));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    /** The value of one sample line, {@code name{labels} value}; empty when the scrape has no such line. */
    private static Optional<Double> sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    }

    @Test
    void aReadingIngestedThroughTheBrokerIsCountedAndTimedAtMetrics() throws Exception {
        start(TOKEN);
        String gw = uniqueGateway("metrics");
        gateway.publish(reading(gw, 1));
        await().atMost(WAIT).until(() -> bridge.counters().stored() == 1);

        String scrape = metrics();
        assertThat(sample(scrape, "anxin_bridge_messages_received_total")).hasValueSatisfying(
                v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(sample(scrape, "anxin_bridge_messages_stored_total")).contains(1.0);
        assertThat(sample(scrape, "anxin_bridge_ingest_seconds_count")).contains(1.0);
        assertThat(sample(scrape, "anxin_bridge_messages_dropped_total{reason=\"duplicate\"}")).contains(0.0);
        assertThat(sample(scrape, "anxin_bridge_mqtt_connected")).contains(1.0);
        assertThat(sample(scrape, "anxin_bridge_gateways_online")).isPresent();

        // the JSON of /api/health reads the same counters as before
        gateway.publish(reading(gw, 1));
        await().atMost(WAIT).until(() -> bridge.counters().duplicates() == 1);
        assertThat(bridge.counters().asMap()).containsEntry("duplicates", 1L).containsEntry("stored", 1L);
        assertThat(sample(metrics(), "anxin_bridge_messages_dropped_total{reason=\"duplicate\"}")).contains(1.0);
    }

    @Test
    void anAlertsFirstNotificationIsTimedAndItsDeliveryCountedByChannel() throws Exception {
        start(TOKEN);
        String gw = uniqueGateway("metrics-alert"); // in no home: the fallback recipient is told at once
        gateway.publish(alert(gw, 1, fire()));
        await().atMost(WAIT).until(() -> inbox.accepted("/robot/duty").size() == 1);

        await().atMost(WAIT).untilAsserted(() -> {
            String scrape = metrics();
            assertThat(sample(scrape, "anxin_bridge_deliveries_total{channel=\"webhook\",outcome=\"delivered\"}"))
                    .contains(1.0);
            assertThat(sample(scrape, "anxin_bridge_alert_first_notification_seconds_count")).contains(1.0);
            assertThat(sample(scrape, "anxin_bridge_escalations_open")).contains(1.0);
            assertThat(sample(scrape, "anxin_bridge_deliveries_pending")).contains(0.0);
        });
    }

    @Test
    void metricsAreRefusedWithoutTheTokenAndTheRefusalIsCounted() throws Exception {
        start(TOKEN);
        HttpResponse<String> none = scrape(Optional.empty());
        HttpResponse<String> wrong = scrape(Optional.of("Bearer " + TOKEN + "x"));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("metrics token").doesNotContain(TOKEN);
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(bridge.counters().rejectedRequests()).isEqualTo(2);
    }

    @Test
    void aBridgeWithoutAMetricsTokenServesNoMetrics() throws Exception {
        start(null);
        assertThat(scrape(Optional.of("Bearer " + TOKEN)).statusCode()).isEqualTo(404);
    }

    @Test
    void everyMetricTheBridgeServesIsDocumented() throws Exception {
        start(TOKEN);
        String doc = Files.readString(Path.of("../../docs/metrics.md"));
        List<String> names = Arrays.stream(metrics().split("\n"))
                .filter(line -> line.startsWith("# TYPE "))
                .map(line -> line.split(" ")[2])
                .filter(name -> name.startsWith("anxin_"))
                .toList();
        assertThat(names).hasSizeGreaterThan(20);
        assertThat(names).allSatisfy(name -> assertThat(doc).as("docs/metrics.md names " + name).contains(name));
    }

    @Test
    void aCounterWithNoNameInTheTableIsStillScrapedUnderOneMadeFromItsKey() {
        assertThat(BridgeMetrics.nameOf("unknownCommandResults").name()).isEqualTo("anxin.bridge.command.results.unknown");
        assertThat(BridgeMetrics.nameOf("alarmsReopened").name()).isEqualTo("anxin.bridge.alarms.reopened");
        assertThat(BridgeMetrics.nameOf("alarmsReopened").tags()).isEmpty();
    }

    @Test
    void theMetricsTokenIsNeverShownWhenTheOptionsAreLogged() {
        BridgeOptions options = BridgeOptions.builder().brokerUrl("tcp://x:1883").jdbcUrl("jdbc:sqlite:x.db")
                .metricsToken(TOKEN).build();
        assertThat(options.toString()).contains("metricsToken=***").doesNotContain(TOKEN);
        assertThat(options.toBuilder().build().metricsToken()).contains(TOKEN);
    }

    @Test
    void aMetricsTokenShorterThanTheMinimumIsRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BridgeOptions.builder().brokerUrl("tcp://x:1883")
                        .jdbcUrl("jdbc:sqlite:x.db").metricsToken("short").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metricsToken must be at least " + BridgeOptions.MIN_METRICS_TOKEN_LENGTH);
    }
}
