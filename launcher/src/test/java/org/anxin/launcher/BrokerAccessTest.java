package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.broker.BrokerAccounts;
import org.anxin.broker.MosquittoPasswords;
import org.anxin.protocol.MessageCodec;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The broker enforces who speaks for a gateway: a real bridge, two gateways provisioned with
 * {@code ./anxin provision --mqtt-passwords --mqtt-acl}, and a broker run on exactly the files it
 * wrote. Each subclass is one broker: Mosquitto, and the embedded Moquette.
 */
abstract class BrokerAccessTest {

    private static final String OPERATOR = "installer";
    private static final String OPERATOR_PASSWORD = "broker access test: a long passphrase";
    private static final String BRIDGE_USER = BrokerAccounts.DEFAULT_BRIDGE_USER;

    @TempDir
    Path dir;
    private final String bridgePassword = MosquittoPasswords.newPassword();
    private final String gwA = "gw-a" + suffix();
    private final String gwB = "gw-b" + suffix();
    private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
    private final List<String> bridgeSaw = new CopyOnWriteArrayList<>();
    private Path passwords;
    private Path acl;
    private String brokerUrl;
    private String bridgeBrokerUrl;
    private static final String BRIDGE_CLIENT = "anxin-bridge" + suffix();
    private Bridge bridge;
    private MqttClient bridgeAccount;

    /**
     * Starts the broker on this port with these files, and the bridge's listener on
     * {@code bridgePort} when {@link #bridgeListensApart}; closed after the test.
     */
    abstract AutoCloseable startBroker(int port, int bridgePort, Path passwordFile, Path aclFile) throws Exception;

    /** Whether the bridge connects on a listener of its own (Mosquitto's gateways' listener renames client ids). */
    abstract boolean bridgeListensApart();

    /**
     * Whether the broker refuses a subscription the ACL does not cover (SUBACK 0x80). Mosquitto 2.0
     * grants it and then delivers nothing the ACL does not let the client read; either way nothing
     * reaches the client, which is what the test asserts for both.
     */
    abstract boolean refusesSubscriptionsOutsideTheAcl();

    @BeforeEach
    void provisionTwoGatewaysAndStartTheBroker() throws Exception {
        passwords = dir.resolve("anxin.passwd");
        acl = dir.resolve("anxin.acl");
        // the operator's one step: the bridge's own account, as mosquitto_passwd -c would make it
        BrokerAccounts.putUser(passwords, BRIDGE_USER, bridgePassword, false);
        int port = EmbeddedBroker.freePort();
        int bridgePort = bridgeListensApart() ? EmbeddedBroker.freePort() : port;
        brokerUrl = "tcp://127.0.0.1:" + port;
        bridgeBrokerUrl = "tcp://127.0.0.1:" + bridgePort;
        bridge = Bridge.start(BridgeOptions.builder().brokerUrl(bridgeBrokerUrl).mqttClientId(BRIDGE_CLIENT)
                .mqttUsername(BRIDGE_USER).mqttPassword(bridgePassword)
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0).admin(OPERATOR, OPERATOR_PASSWORD)
                .signingKeyFile(dir.resolve("signing.key")).build());
        closing.add(bridge);
        String token = call("POST", "api/login", null, Map.of("username", OPERATOR, "password", OPERATOR_PASSWORD))
                .path("token").asText();
        for (String home : List.of("home-a", "home-b")) {
            call("PUT", "api/homes/" + home, token, Map.of("district", "Xuhui", "street", "Tianping", "community", "Riverside",
                    "category", "living_alone"));
        }
        assertThat(provision(gwA, "home-a")).isZero();
        assertThat(provision(gwB, "home-b")).isZero();

        closing.add(startBroker(port, bridgePort, passwords, acl));
        await().atMost(Duration.ofSeconds(30)).until(bridge::mqttConnected);
        bridgeAccount = connect(bridgeBrokerUrl, "it-" + BRIDGE_USER + suffix(), BRIDGE_USER, bridgePassword);
        bridgeAccount.subscribe("anxin/v1/gw/+/#", 1, (topic, message) -> bridgeSaw.add(topic + " " + text(message)));
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            try {
                closing.get(i).close();
            } catch (Exception e) {
                // the next one still closes
            }
        }
    }

    @Test
    void aGatewayPublishesItsOwnAlertAndTheBridgeAccountReadsIt() throws Exception {
        MqttClient a = connect(gwA, password(gwA));
        a.publish(topic(gwA, "alert"), "FIRE from A".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> bridgeSaw.contains(topic(gwA, "alert") + " FIRE from A"));
    }

    @Test
    void aGatewayPublishingOnAnotherGatewaysTopicsIsNeverSeenByTheBridge() throws Exception {
        MqttClient a = connect(gwA, password(gwA));
        a.setTimeToWait(500); // Moquette never acknowledges a refused publish
        for (String channel : List.of("alert", "heartbeat", "state", "command/result")) {
            try {
                a.publish(topic(gwB, channel), ("forged " + channel + " of B").getBytes(StandardCharsets.UTF_8), 1, false);
            } catch (MqttException e) {
                // a broker may refuse without an acknowledgement; what matters is that no one receives it
            }
        }
        // nor may a gateway speak for the bridge, to itself or to another
        publishQuietly(a, topic(gwB, "command"), "forged command to B");
        publishQuietly(a, topic(gwA, "config/desired"), "forged config to A");
        if (!a.isConnected()) {
            a = connect(gwA, password(gwA));
        }
        a.setTimeToWait(10_000);
        // A's own alert, sent after the forgeries on the same connection, arrives: so would they have
        a.publish(topic(gwA, "alert"), "FIRE from A".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> bridgeSaw.contains(topic(gwA, "alert") + " FIRE from A"));
        Thread.sleep(500);
        assertThat(bridgeSaw).noneMatch(seen -> seen.contains("forged"));
    }

    @Test
    void aGatewayCannotReadAnotherGatewaysCommandsOrAnyoneElsesAlerts() throws Exception {
        List<String> aSaw = new CopyOnWriteArrayList<>();
        MqttClient a = connect(gwA, password(gwA));
        for (String filter : List.of(topic(gwB, "command"), topic(gwB, "config/desired"), "anxin/v1/gw/+/alert", "#")) {
            int granted = granted(a, filter, aSaw);
            if (refusesSubscriptionsOutsideTheAcl()) {
                assertThat(granted).as("subscription of " + gwA + " to " + filter).isEqualTo(0x80);
            }
        }
        assertThat(granted(a, topic(gwA, "command"), aSaw)).isEqualTo(1);

        // the bridge sends B a command and A one: A gets only its own
        bridgeAccount.publish(topic(gwB, "command"), "for B only".getBytes(StandardCharsets.UTF_8), 1, false);
        MqttClient b = connect(gwB, password(gwB));
        b.publish(topic(gwB, "alert"), "GAS_LEAK from B".getBytes(StandardCharsets.UTF_8), 1, false);
        bridgeAccount.publish(topic(gwA, "command"), "for A".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> aSaw.contains(topic(gwA, "command") + " for A"));
        await().atMost(Duration.ofSeconds(10)).until(() -> bridgeSaw.contains(topic(gwB, "alert") + " GAS_LEAK from B"));
        Thread.sleep(500);
        assertThat(aSaw).contains(topic(gwA, "command") + " for A").allMatch(seen -> seen.equals(topic(gwA, "command") + " for A"));
    }

    @Test
    void aGatewayConnectingWithAnotherGatewaysClientIdDoesNotDisconnectIt() throws Exception {
        // B as its uplink connects; A, with its own account, takes B's client id (refused, or renamed to A's own)
        MqttClient b = connect(brokerUrl, PasswordFileAuthenticator.GATEWAY_CLIENT_PREFIX + gwB, gwB, password(gwB));
        AtomicBoolean bLost = new AtomicBoolean();
        b.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                bLost.set(true);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
            }
        });
        try {
            connect(brokerUrl, PasswordFileAuthenticator.GATEWAY_CLIENT_PREFIX + gwB, gwA, password(gwA));
        } catch (MqttException refused) {
            // the embedded broker refuses the login: what matters is that B stays connected
        }
        // nor does A, taking the bridge's client id, disconnect the bridge
        try {
            connect(brokerUrl, BRIDGE_CLIENT, gwA, password(gwA));
        } catch (MqttException refused) {
            // refused by the embedded broker
        }
        for (long end = System.nanoTime() + 1_000_000_000L; System.nanoTime() < end; Thread.sleep(10)) {
            assertThat(bridge.mqttConnected()).as("the bridge is still connected").isTrue();
        }
        assertThat(bLost).as("B was disconnected").isFalse();
        assertThat(b.isConnected()).isTrue();
        b.publish(topic(gwB, "alert"), "FIRE from B".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> bridgeSaw.contains(topic(gwB, "alert") + " FIRE from B"));
    }

    @Test
    void aWrongPasswordAnotherGatewaysPasswordAndNoPasswordAreRefused() throws Exception {
        assertThatThrownBy(() -> connect(gwA, password(gwA) + "x")).isInstanceOf(MqttSecurityException.class);
        assertThatThrownBy(() -> connect(gwA, password(gwB))).isInstanceOf(MqttSecurityException.class);
        assertThatThrownBy(() -> connect("gw-nobody", password(gwA))).isInstanceOf(MqttSecurityException.class);
        MqttClient anonymous = new MqttClient(brokerUrl, "anonymous-" + UUID.randomUUID(), new MemoryPersistence());
        closing.add(anonymous);
        assertThatThrownBy(() -> anonymous.connect(options(null, null))).isInstanceOf(MqttException.class);
        assertThat(connect(gwA, password(gwA)).isConnected()).isTrue();
    }

    @Test
    void provisionWritesTheSecretsOwnerOnlyAndWillNotTakeOverAnExistingAccount() throws Exception {
        Path conf = dir.resolve(gwA + "-conf");
        for (Path secret : List.of(conf.resolve("org.anxin.uplink.cfg"), conf.resolve("org.anxin.remote.cfg"), passwords)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).as(secret.toString()).isEqualTo("rw-------");
        }
        assertThat(BrokerAccounts.readPasswords(passwords)).containsOnlyKeys(BRIDGE_USER, gwA, gwB);

        // provisioning A's id again, elsewhere, would lock A out: refused, A's account unchanged
        String hashOfA = BrokerAccounts.readPasswords(passwords).get(gwA);
        assertThat(provision(gwA, "home-a", "again")).isNotZero();
        assertThat(BrokerAccounts.readPasswords(passwords).get(gwA)).isEqualTo(hashOfA);
        assertThat(connect(gwA, password(gwA)).isConnected()).isTrue();
        // and no gateway may take the bridge's name
        assertThat(provision(BRIDGE_USER, "home-a", "bridge")).isNotZero();
        assertThat(MosquittoPasswords.matches(bridgePassword, BrokerAccounts.readPasswords(passwords).get(BRIDGE_USER))).isTrue();
    }

    private int provision(String gateway, String home) {
        return provision(gateway, home, "conf");
    }

    private int provision(String gateway, String home, String confName) {
        Path conf = dir.resolve(gateway + "-" + confName);
        return new CommandLine(new Anxin()).execute("provision", "--bridge", bridge.httpUri().toString(), "--user", OPERATOR,
                "--password", OPERATOR_PASSWORD, "--home", home, "--gateway", gateway, "--config", conf.toString(),
                "--mqtt-passwords", passwords.toString(), "--mqtt-acl", acl.toString());
    }

    /** The gateway's MQTT password, from the uplink file provision wrote for it. */
    private String password(String gateway) throws Exception {
        Properties uplink = new Properties();
        try (Reader reader = Files.newBufferedReader(dir.resolve(gateway + "-conf").resolve("org.anxin.uplink.cfg"),
                StandardCharsets.ISO_8859_1)) {
            uplink.load(reader);
        }
        assertThat(uplink.getProperty("username")).isEqualTo(gateway);
        return uplink.getProperty("password");
    }

    private MqttClient connect(String user, String password) throws MqttException {
        // a gateway's account connects as its uplink does; the bridge's with an id of its own
        String clientId = user != null && user.startsWith("gw-") ? PasswordFileAuthenticator.GATEWAY_CLIENT_PREFIX + user
                : "it-" + user + suffix();
        return connect(brokerUrl, clientId, user, password);
    }

    private MqttClient connect(String url, String clientId, String user, String password) throws MqttException {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        closing.add(client::close);
        closing.add(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000);
            }
        });
        client.connect(options(user, password));
        return client;
    }

    private static MqttConnectOptions options(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        return options;
    }

    /** The QoS the broker granted, or 0x80 when it refused the subscription. */
    private static int granted(MqttClient client, String filter, List<String> sink) throws MqttException {
        try {
            return client.subscribeWithResponse(filter, 1, (topic, message) -> sink.add(topic + " " + text(message)))
                    .getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_SUBSCRIBE_FAILED) {
                return 0x80;
            }
            throw e;
        }
    }

    private static void publishQuietly(MqttClient client, String topic, String text) {
        try {
            client.publish(topic, text.getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (MqttException e) {
            // refused: as it should be
        }
    }

    private static String topic(String gateway, String channel) {
        return "anxin/v1/gw/" + gateway + "/" + channel;
    }

    private static String text(MqttMessage message) {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    private static String suffix() {
        return "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private JsonNode call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(bridge.httpUri().resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(300);
        return MessageCodec.mapper().readTree(response.body());
    }
}
