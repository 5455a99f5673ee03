package org.anxin.uplink;

import static org.anxin.uplink.UplinkOptions.Confirming.BY_BROKER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.sqlite.SqliteOutbox;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UplinkTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    @TempDir
    Path dir;
    private int port;
    private Server broker;
    private MqttClient subscriber;
    private final List<Envelope> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startBroker() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        startBrokerOnPort();
        subscribe();
    }

    private void startBrokerOnPort() throws Exception {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        // a persistent broker keeps the subscriber's session across a restart, as the bridge's is kept
        p.setProperty("persistence_enabled", "true");
        p.setProperty("data_path", java.nio.file.Files.createDirectories(dir.resolve("broker")).toString());
        p.setProperty("telemetry_enabled", "false"); // Moquette reports usage to its authors unless told not to
        broker = new Server();
        broker.startServer(new MemoryConfig(p));
    }

    private final String subscriberId = "test-sub-" + System.nanoTime();

    private void subscribe() throws Exception {
        subscriber = new MqttClient("tcp://127.0.0.1:" + port, subscriberId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false); // what the uplink sends while we reconnect waits for us
        subscriber.connect(options);
        subscriber.subscribe("anxin/v1/gw/+/#", 1, (topic, message) -> {
            try {
                received.add(MessageCodec.decode(message.getPayload()));
            } catch (org.anxin.protocol.ProtocolException e) {
                // the hostile messages a test sends the gateway come back to this subscriber too
            }
        });
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (subscriber.isConnected()) {
            subscriber.disconnect();
        }
        subscriber.close();
        broker.stopServer();
    }

    /** The stored messages' sequence numbers, each once: a redelivery after a dropped connection is the same message. */
    private List<Long> storedSeqs() {
        return received.stream().filter(e -> !(e.body() instanceof GatewayState) && e.body().channel().qos() > 0)
                .map(Envelope::seq).distinct().toList();
    }

    /**
     * The last state announced before the first stored message. Not simply the first message:
     * Moquette now and then closes a connection it has just accepted ("SUBSCRIBE received on
     * already closed connection" in its log), and then that connection's will, OFFLINE, rightly
     * comes before the birth of the next.
     */
    private GatewayState.Status stateBeforeTheFirstStoredMessage() {
        GatewayState.Status last = null;
        for (Envelope e : received) {
            if (e.body() instanceof GatewayState s) {
                last = s.status();
            } else if (e.body().channel().qos() > 0) {
                return last;
            }
        }
        return last;
    }

    @Test
    void announcesItselfThenSendsAlertsBeforeEarlierTelemetryAndEmptiesTheOutbox() {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC())) {
            for (int i = 0; i < 50; i++) {
                outbox.append(new Reading("meter", ReadingKind.WATER, "1", T.plusSeconds(i)));
            }
            outbox.append(Alert.raise(AlertType.EMERGENCY_CALL, "call-1", T, "pressed"));
            try (Uplink uplink = new Uplink(UplinkOptions.of("gw-a", "tcp://127.0.0.1:" + port).withConfirming(BY_BROKER), outbox, Clock.systemUTC(), "test")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> storedSeqs().size() == 51 && outbox.size() == 0);
                assertThat(stateBeforeTheFirstStoredMessage()).as("announced online before anything else")
                        .isEqualTo(GatewayState.Status.ONLINE);
                assertThat(storedSeqs().get(0)).as("the alert goes first").isEqualTo(51L);
                assertThat(storedSeqs().subList(1, 51)).as("telemetry in order").isSorted();
                assertThat(received).allSatisfy(e -> assertThat(e.gateway()).isEqualTo("gw-a"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> received.stream()
                    .anyMatch(e -> e.body() instanceof GatewayState s && s.status() == GatewayState.Status.OFFLINE));
        }
    }

    @Test
    void everyHeartbeatCarriesTheHealthOfEverySourceJudgedByTheOneRule() throws Exception {
        java.util.concurrent.atomic.AtomicReference<List<org.anxin.protocol.GatewayHealth.Problem>> problems =
                new java.util.concurrent.atomic.AtomicReference<>(List.of());
        org.anxin.protocol.HealthSource diagnostics = problems::get;
        org.anxin.protocol.HealthSource broken = () -> {
            throw new IllegalStateException("closed");
        };
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC());
             Uplink uplink = new Uplink(UplinkOptions.of("gw-h", "tcp://127.0.0.1:" + port).withConfirming(BY_BROKER).withHeartbeat(Duration.ofMillis(200)),
                     outbox, Clock.systemUTC(), "test", e -> { }, () -> UplinkComponent.health(List.of(diagnostics)))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> lastHealth("gw-h") != null);
            assertThat(lastHealth("gw-h").alarmPathImpaired()).isFalse();
            assertThat(lastHealth("gw-h").problems()).isEmpty();
            problems.set(List.of(new org.anxin.protocol.GatewayHealth.Problem(org.anxin.protocol.GatewayHealth.Code.COMPONENT_DOWN,
                    "org.anxin.driver.coap", "failed-activation: java.net.BindException: Address already in use")));
            await().atMost(Duration.ofSeconds(20)).until(() -> lastHealth("gw-h").alarmPathImpaired());
            assertThat(lastHealth("gw-h").impairments()).containsExactly(
                    "org.anxin.driver.coap: failed-activation: java.net.BindException: Address already in use");
        }
        assertThat(UplinkComponent.health(List.of(broken)).problems()).singleElement()
                .satisfies(p -> assertThat(p.cause()).contains("could not be read", "closed"));
    }

    private org.anxin.protocol.GatewayHealth lastHealth(String gateway) {
        org.anxin.protocol.GatewayHealth last = null;
        for (Envelope e : received) {
            if (e.gateway().equals(gateway) && e.body() instanceof org.anxin.protocol.Heartbeat h && h.health() != null) {
                last = h.health();
            }
        }
        return last;
    }

    @Test
    void messagesStoredWhileTheBrokerIsDownAreDeliveredWhenItReturns() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC());
             Uplink uplink = new Uplink(UplinkOptions.of("gw-b", "tcp://127.0.0.1:" + port).withConfirming(BY_BROKER), outbox, Clock.systemUTC(), "test")) {
            await().atMost(Duration.ofSeconds(10)).until(uplink::isConnected);
            outbox.append(new Reading("door", ReadingKind.ENTRY_DOOR, "open", T));
            await().atMost(Duration.ofSeconds(10)).until(() -> storedSeqs().size() == 1);

            subscriber.disconnectForcibly(100, 100);
            subscriber.close(true);
            broker.stopServer();
            await().atMost(Duration.ofSeconds(10)).until(() -> !uplink.isConnected());
            for (int i = 0; i < 20; i++) {
                outbox.append(new Reading("meter", ReadingKind.WATER, "2", T.plusSeconds(i)));
            }
            outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "smoke"));
            assertThat(outbox.size()).isEqualTo(21);

            startBrokerOnPort();
            subscribe();
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.size() == 0 && storedSeqs().size() == 22);
            assertThat(storedSeqs().subList(1, 22)).as("the fire alarm first, then telemetry in order")
                    .startsWith(22L).containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(2, 22).boxed().toList());
            assertThat(uplink.connections()).isGreaterThanOrEqualTo(2);
            // and so the metrics file says: connected again, after a reconnect
            java.util.Map<String, Double> metrics = UplinkComponent.metricsOf(uplink).stream()
                    .filter(m -> m.labels().isEmpty())
                    .collect(java.util.stream.Collectors.toMap(m -> m.name(), m -> m.value()));
            assertThat(metrics.get("anxin_gateway_uplink_connections_total")).isGreaterThanOrEqualTo(2);
            assertThat(metrics).containsEntry("anxin_gateway_uplink_connected", 1.0);
        }
    }

    @Test
    void handsTheBridgesRetainedConfigAndCommandsToTheDownlinkAndRefusesOthersMessages() throws Exception {
        List<Envelope> downlink = new CopyOnWriteArrayList<>();
        Envelope config = Envelope.of("gw-d", 3, T, new org.anxin.protocol.ConfigDocument("{}", "c2ln"));
        // published before the gateway connects, retained: an offline gateway gets it when it comes back
        subscriber.publish(config.topic(), MessageCodec.encode(config), 1, true);
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC());
             Uplink uplink = new Uplink(UplinkOptions.of("gw-d", "tcp://127.0.0.1:" + port).withConfirming(BY_BROKER), outbox,
                     Clock.systemUTC(), "test", downlink::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> downlink.size() == 1);
            assertThat(downlink.get(0)).isEqualTo(config);

            Envelope command = Envelope.of("gw-d", 0, T, new org.anxin.protocol.CommandRequest("{}", "c2ln"));
            subscriber.publish(command.topic(), MessageCodec.encode(command), 1, false);
            Envelope misaddressed = Envelope.of("gw-other", 0, T, new org.anxin.protocol.CommandRequest("{}", "c2ln"));
            subscriber.publish("anxin/v1/gw/gw-d/command", MessageCodec.encode(misaddressed), 1, false);
            subscriber.publish("anxin/v1/gw/gw-d/command", "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> uplink.downlinkRejected() == 2);
            assertThat(downlink).containsExactly(config, command);
            assertThat(uplink.isConnected()).as("bad messages from the broker do not cost the connection").isTrue();
        }
        subscriber.publish(config.topic(), new byte[0], 1, true);
    }

    @Test
    void aWallClockSteppedBackFiveHoursNeitherStopsTheHeartbeatsNorSendsOneNoLaterThanTheLast() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Duration> offset = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
        Clock stepped = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(offset.get());
            }
        };
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC());
             Uplink uplink = new Uplink(UplinkOptions.of("gw-j", "tcp://127.0.0.1:" + port).withHeartbeat(Duration.ofMillis(200)),
                     outbox, stepped, "test")) {
            await().atMost(Duration.ofSeconds(20)).until(() -> heartbeats("gw-j").size() >= 3);
            offset.set(Duration.ofHours(-5));
            int before = heartbeats("gw-j").size();
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats("gw-j").size() >= before + 5);
        }
        List<Envelope> beats = heartbeats("gw-j");
        for (int i = 1; i < beats.size(); i++) {
            assertThat(beats.get(i).ts()).as("heartbeat %d", i).isAfter(beats.get(i - 1).ts());
        }
        assertThat(beats).allSatisfy(e -> assertThat(((org.anxin.protocol.Heartbeat) e.body()).uptimeSeconds()).isNotNegative());
    }

    private List<Envelope> heartbeats(String gateway) {
        return received.stream().filter(e -> e.gateway().equals(gateway) && e.body() instanceof org.anxin.protocol.Heartbeat).toList();
    }

    @Test
    void theOutboxEmptiesOnlyOnTheBridgesSignedReceiptAndWhatStaysUnconfirmedIsSentAgain() throws Exception {
        java.security.KeyPair bridge = org.anxin.protocol.Signatures.generate();
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), Clock.systemUTC())) {
            for (int i = 0; i < 10; i++) {
                outbox.append(new Reading("meter", ReadingKind.WATER, "1", T.plusSeconds(i)));
            }
            UplinkOptions options = UplinkOptions.of("gw-r", "tcp://127.0.0.1:" + port).withConfirming(
                    UplinkOptions.Confirming.DEFAULT.withConfirmWait(Duration.ofSeconds(1)).withBridgeKey(bridge.getPublic()));
            try (Uplink uplink = new Uplink(options, outbox, Clock.systemUTC(), "test")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> storedSeqs().size() == 10 && uplink.published() >= 10);
                assertThat(outbox.size()).as("the broker's acknowledgement deletes nothing").isEqualTo(10);
                await().atMost(Duration.ofSeconds(20)).until(() -> uplink.resent() >= 10);
                assertThat(received.stream().filter(e -> e.seq() == 1 && e.body() instanceof Reading).count())
                        .as("unconfirmed after the wait: sent again").isGreaterThanOrEqualTo(2);

                receipt(bridge.getPrivate(), "gw-r", 1, 5);
                await().atMost(Duration.ofSeconds(10)).until(() -> outbox.size() == 5);
                receipt(org.anxin.protocol.Signatures.generate().getPrivate(), "gw-r", 6, 10);
                await().atMost(Duration.ofSeconds(10)).until(() -> uplink.receiptsRefused() == 1);
                assertThat(outbox.size()).as("a receipt the bridge did not sign deletes nothing").isEqualTo(5);
                receipt(bridge.getPrivate(), "gw-r", 6, 10);
                await().atMost(Duration.ofSeconds(10)).until(() -> outbox.size() == 0);
                assertThat(uplink.confirmed()).isEqualTo(10);
                await().atMost(Duration.ofSeconds(10)).until(() -> uplink.unconfirmed() == 0);
            }
        }
    }

    private void receipt(java.security.PrivateKey key, String gateway, long first, long last) throws Exception {
        String text = new org.anxin.protocol.Receipt(gateway, List.of(new org.anxin.protocol.Receipt.Run(first, last)),
                Instant.now()).json();
        Envelope envelope = Envelope.of(gateway, 0, Instant.now(),
                new org.anxin.protocol.StoredReceipt(text, org.anxin.protocol.Signatures.sign(key, text)));
        subscriber.publish(envelope.topic(), MessageCodec.encode(envelope), 1, false);
    }
}
