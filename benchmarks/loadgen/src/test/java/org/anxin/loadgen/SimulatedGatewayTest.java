package org.anxin.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.SignedEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated gateway speaks the documented protocol, through a Mosquitto of the test's own. */
class SimulatedGatewayTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    @TempDir
    Path dir;
    private Process broker;
    private int port;
    private Mqtt3AsyncClient monitor;
    private final BlockingQueue<Mqtt3Publish> heard = new LinkedBlockingQueue<>();

    @BeforeEach
    void startBroker() throws Exception {
        assumeTrue(Files.isExecutable(MOSQUITTO), "needs Mosquitto installed");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "persistence false\nuser " + System.getProperty("user.name") + "\n");
        broker = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                break;
            } catch (java.io.IOException notYet) {
                assertThat(System.nanoTime()).as("Mosquitto listening").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        monitor = Mqtt3Client.builder().identifier("monitor").serverHost("127.0.0.1").serverPort(port).buildAsync();
        monitor.connect().get(10, TimeUnit.SECONDS);
        monitor.subscribeWith().topicFilter("anxin/v1/gw/+/#").qos(MqttQos.AT_LEAST_ONCE).callback(heard::add).send()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (monitor != null) {
            monitor.disconnect().get(10, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.destroy();
            broker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Envelope next(KeyPair key) throws Exception {
        Mqtt3Publish p = heard.poll(10, TimeUnit.SECONDS);
        assertThat(p).as("a message from the gateway").isNotNull();
        byte[] payload = p.getPayloadAsBytes();
        SignedEnvelope signed = SignedEnvelope.open(payload);
        assertThat(signed).as("schema 2").isNotNull();
        assertThat(signed.verifies(key.getPublic(), p.getTopic().toString())).as("signed for its topic").isTrue();
        Envelope e = MessageCodec.decode(payload);
        assertThat(p.getTopic().toString()).isEqualTo(e.topic());
        return e;
    }

    @Test
    void aGatewaySendsItsBirthThenItsAlertBeforeItsBacklogEverySignedWithItsOwnKey() throws Exception {
        KeyPair key = Signatures.generate();
        LoadStats stats = new LoadStats();
        SimulatedGateway g = new SimulatedGateway("lg-00001", key.getPrivate(), "127.0.0.1", port, 2, Clock.systemUTC(), stats);
        for (int r = 0; r < 3; r++) {
            g.reading(r);
        }
        g.alert(0);
        g.connect().get(10, TimeUnit.SECONDS);

        Envelope birth = next(key);
        assertThat(birth.body()).isInstanceOfSatisfying(GatewayState.class,
                s -> assertThat(s.status()).isEqualTo(GatewayState.Status.ONLINE));
        assertThat(birth.seq()).as("the birth carries the last number assigned").isEqualTo(4);
        Envelope alert = next(key);
        assertThat(alert.body()).isInstanceOf(Alert.class);
        assertThat(alert.seq()).isEqualTo(4);
        List<Long> readings = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            Envelope e = next(key);
            assertThat(e.body()).isInstanceOf(Reading.class);
            readings.add(e.seq());
        }
        assertThat(readings).containsExactly(1L, 2L, 3L);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (g.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(stats.readingsAcked.sum()).isEqualTo(3);
        assertThat(stats.alertsAcked.sum()).isEqualTo(1);

        g.heartbeat();
        Envelope heartbeat = next(key);
        assertThat(heartbeat.body()).isInstanceOfSatisfying(Heartbeat.class, h -> assertThat(h.queued()).isZero());
        assertThat(heartbeat.seq()).isEqualTo(4);
        assertThat(heartbeat.ts()).as("the gateway's clock only grows").isAfter(birth.ts());

        g.fallSilent().get(10, TimeUnit.SECONDS);
        Envelope will = next(key);
        assertThat(will.body()).isInstanceOfSatisfying(GatewayState.class,
                s -> assertThat(s.status()).isEqualTo(GatewayState.Status.OFFLINE));
        g.heartbeat();
        g.reading(9);
        assertThat(heard.poll(500, TimeUnit.MILLISECONDS)).as("nothing after falling silent").isNull();

        // what the broker keeps for the next subscriber, as it would keep the last will: retained offline
        BlockingQueue<Mqtt3Publish> retained = new LinkedBlockingQueue<>();
        Mqtt3AsyncClient late = Mqtt3Client.builder().identifier("late").serverHost("127.0.0.1").serverPort(port).buildAsync();
        late.connect().get(10, TimeUnit.SECONDS);
        late.subscribeWith().topicFilter(will.topic()).qos(MqttQos.AT_LEAST_ONCE).callback(retained::add).send()
                .get(10, TimeUnit.SECONDS);
        Mqtt3Publish kept = retained.poll(10, TimeUnit.SECONDS);
        assertThat(kept).isNotNull();
        assertThat(kept.isRetain()).isTrue();
        assertThat(MessageCodec.decode(kept.getPayloadAsBytes()).body()).isEqualTo(will.body());
        late.disconnect().get(10, TimeUnit.SECONDS);
    }
}
