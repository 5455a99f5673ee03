package org.anxin.uplink;

import static org.anxin.uplink.UplinkOptions.Confirming.BY_BROKER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.StoreException;
import org.anxin.store.sqlite.SqliteOutbox;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uplink over an outbox on a real 3 MB file system that fills up. */
class UplinkDiskFullTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    @TempDir
    Path tmp;
    private SmallVolume volume;
    private Server broker;
    private MqttClient subscriber;
    private int port;
    private final List<Envelope> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        volume = SmallVolume.mount(tmp.resolve("vol"), 3);
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", Files.createDirectories(tmp.resolve("broker")).toString());
        p.setProperty("telemetry_enabled", "false"); // Moquette reports usage to its authors unless told not to
        broker = new Server();
        broker.startServer(new MemoryConfig(p));
        subscriber = new MqttClient("tcp://127.0.0.1:" + port, "test-sub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        subscriber.connect(options);
        subscriber.subscribe("anxin/v1/gw/+/#", 1, (topic, message) -> received.add(MessageCodec.decode(message.getPayload())));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (subscriber != null) {
                if (subscriber.isConnected()) {
                    subscriber.disconnect();
                }
                subscriber.close();
            }
            if (broker != null) {
                broker.stopServer();
            }
        } finally {
            if (volume != null) {
                volume.close();
            }
        }
    }

    /** Every stored message received, copies included. */
    private List<Envelope> stored() {
        return received.stream().filter(e -> !(e.body() instanceof GatewayState) && e.body().channel().qos() > 0).toList();
    }

    private List<Alert> alertsOf(AlertType type) {
        return stored().stream().map(Envelope::body)
                .filter(b -> b instanceof Alert a && a.type() == type).map(b -> (Alert) b).toList();
    }

    @Test
    void aRowThatCannotBeDeletedAfterItsPubackIsNotSentAgainAndCostsNoReconnect() throws Exception {
        // no reserve: the store as it was, so that the deletes really fail on the full disk
        try (SqliteOutbox outbox = SqliteOutbox.open(volume.dir().resolve("outbox.db"), Clock.systemUTC(), 0, 0)) {
            for (int i = 0; i < 50; i++) {
                outbox.append(new Reading("meter", ReadingKind.WATER, Integer.toString(i), T.plusSeconds(i)));
            }
            outbox.append(Alert.raise(AlertType.EMERGENCY_CALL, "pendant", T, "pressed"));
            Path filler = volume.fill("filler");
            try (Uplink uplink = new Uplink(UplinkOptions.of("gw-full-a", "tcp://127.0.0.1:" + port).withConfirming(BY_BROKER), outbox,
                    Clock.systemUTC(), "test")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> uplink.unremoved() == 51);
                // the deletes are retried; three refusals are three chances to reconnect and resend
                await().atMost(Duration.ofSeconds(20)).until(() -> uplink.deleteFailures() >= 3);
                assertThat(outbox.size()).as("the deletes did fail").isEqualTo(51);
                assertThat(uplink.connections()).as("a refused delete costs no reconnect").isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> stored().size() >= 51);
                assertThat(stored()).as("each message sent once").hasSize(51);

                Files.delete(filler);
                await().atMost(Duration.ofSeconds(20)).until(() -> outbox.size() == 0 && uplink.unremoved() == 0);
                assertThat(uplink.connections()).isEqualTo(1);
                assertThat(stored()).hasSize(51);
            }
        }
    }

    @Test
    void onAFullDiskTheCallAndDiskFullReachTheBrokerAndTheClearFollowsWhenSpaceReturns() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(volume.dir().resolve("outbox.db"), Clock.systemUTC(), 0, 512 * 1024);
             Uplink uplink = new Uplink(UplinkOptions.of("gw-full-b", "tcp://127.0.0.1:" + port).withConfirming(BY_BROKER), outbox,
                     Clock.systemUTC(), "test")) {
            await().atMost(Duration.ofSeconds(10)).until(uplink::isConnected);
            outbox.append(new Reading("meter", ReadingKind.WATER, "1", T));
            Path filler = volume.fill("filler");
            boolean refused = false;
            try {
                outbox.append(new Reading("meter", ReadingKind.WATER, "2", T));
            } catch (StoreException e) {
                refused = true;
            }
            Alert call = Alert.raise(AlertType.EMERGENCY_CALL, "pendant", T, "pressed");
            outbox.append(call);
            assertThat(refused || outbox.status().diskFull()).as("the disk is full").isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> alertsOf(AlertType.EMERGENCY_CALL).contains(call)
                    && alertsOf(AlertType.DISK_FULL).stream().anyMatch(a -> a.state() == AlertState.RAISED));
            assertThat(outbox.status().refusedTelemetry()).isPositive();

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(20)).until(() -> alertsOf(AlertType.DISK_FULL).stream()
                    .anyMatch(a -> a.state() == AlertState.CLEARED));
            await().atMost(Duration.ofSeconds(20)).until(() -> outbox.size() == 0);
            assertThat(outbox.status().diskFull()).isFalse();
            assertThat(outbox.status().reserveHeld()).isTrue();
            assertThat(uplink.connections()).isEqualTo(1);
        }
    }
}
