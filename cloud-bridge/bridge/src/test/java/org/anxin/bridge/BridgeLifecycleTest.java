package org.anxin.bridge;

import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.reading;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NamedThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting before the broker, coming back after an absence, and stopping cleanly. */
class BridgeLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private BridgeOptions.Builder options(String brokerUrl) {
        return BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl(brokerUrl)
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD);
    }

    @Test
    void startsWithoutBrokerAndConnectsWhenItComesUp() throws Exception {
        int port = TestBroker.freePort();
        try (Bridge bridge = Bridge.start(options("tcp://127.0.0.1:" + port).build())) {
            assertThat(new Api(bridge.httpUri()).get("api/health").get("status").asText()).isEqualTo("degraded");
            Thread.sleep(700); // let it fail at least once
            assertThat(bridge.mqttConnected()).isFalse();

            try (TestBroker broker = TestBroker.startOn(port, dir.resolve("broker"));
                 GatewayPublisher gateway = new GatewayPublisher(broker.url(), "test-gw-late")) {
                await().atMost(WAIT).until(bridge::mqttConnected);
                gateway.publish(reading(uniqueGateway("late"), 1));
                await().atMost(WAIT).until(() -> bridge.counters().stored() == 1);
            }
        }
    }

    @Test
    void messagesPublishedWhileTheBridgeWasAwayArriveWhenItReturnsWithTheSameClientId() throws Exception {
        String gw = uniqueGateway("away");
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             WebhookReceiver webhook = WebhookReceiver.start()) {
            BridgeOptions options = options(broker.url()).mqttClientId("anxin-bridge-away").webhookUrl(webhook.url())
                    .build();
            try (Bridge first = Bridge.start(options)) {
                await().atMost(WAIT).until(first::mqttConnected);
            }
            try (GatewayPublisher gateway = new GatewayPublisher(broker.url(), "test-gw-away")) {
                gateway.publish(reading(gw, 1));
                gateway.publish(alert(gw, 2, fire()));
            }
            try (Bridge second = Bridge.start(options)) {
                await().atMost(WAIT).until(() -> second.counters().stored() == 2);
                await().atMost(WAIT).until(() -> webhook.accepted().size() == 1);
            }
        }
    }

    @Test
    void notificationUnfinishedWhenTheBridgeStopsIsSentByTheNextRun() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             WebhookReceiver webhook = WebhookReceiver.start().thenAnswer(503)) {
            BridgeOptions options = options(broker.url()).webhookUrl(webhook.url())
                    .webhookRetryBase(Duration.ofSeconds(2)).build();
            try (Bridge first = Bridge.start(options)) {
                await().atMost(WAIT).until(first::mqttConnected);
                try (GatewayPublisher gateway = new GatewayPublisher(broker.url(), "test-gw-resume")) {
                    gateway.publish(alert(uniqueGateway("resume"), 1, fire()));
                }
                await().atMost(WAIT).until(() -> webhook.requests() == 1); // refused; the retry is 2 s off
            }
            try (Bridge second = Bridge.start(options)) {
                await().atMost(WAIT).until(() -> webhook.accepted().size() == 1);
                await().atMost(WAIT).until(() -> second.counters().notificationsDelivered() == 1);
            }
            // what was delivered stays delivered: a restart does not send it again
            try (Bridge third = Bridge.start(options)) {
                await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> webhook.requests() == 2);
                assertThat(third.counters().notificationsDelivered()).isZero();
            }
        }
    }

    @Test
    void closeStopsEveryThreadItStarted() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             WebhookReceiver webhook = WebhookReceiver.start()) {
            long dispatchersBefore = httpDispatchers();
            Bridge bridge = Bridge.start(options(broker.url()).mqttClientId("anxin-bridge-threads")
                    .webhookUrl(webhook.url()).build());
            await().atMost(WAIT).until(bridge::mqttConnected);
            try (GatewayPublisher gateway = new GatewayPublisher(broker.url(), "test-gw-threads")) {
                gateway.publish(alert(uniqueGateway("threads"), 1, fire()));
            }
            await().atMost(WAIT).until(() -> bridge.counters().notificationsDelivered() == 1);
            assertThat(bridgeThreads()).isNotEmpty();

            bridge.close();

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(bridgeThreads()).isEmpty();
                assertThat(httpDispatchers()).isEqualTo(dispatchersBefore);
            });
        }
    }

    /** Threads of ours (pools, Hikari) and of Paho's for our client. */
    private static List<String> bridgeThreads() {
        return liveThreadNames().stream()
                .filter(n -> n.startsWith(NamedThreads.PREFIX) || n.contains("anxin-bridge-threads"))
                .toList();
    }

    /** The JDK's HTTP servers' threads: the bridge's API and the test's webhook receiver. */
    private static long httpDispatchers() {
        return liveThreadNames().stream().filter(n -> n.startsWith("HTTP-Dispatcher")).count();
    }

    private static List<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .toList();
    }
}
