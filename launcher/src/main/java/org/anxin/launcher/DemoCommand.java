package org.anxin.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NotificationOutcome;
import org.anxin.broker.BrokerAccounts;
import org.anxin.broker.MosquittoPasswords;
import org.anxin.detection.DetectionEngine;
import org.anxin.detection.DetectionOptions;
import org.anxin.driver.replay.ScenarioLine;
import org.anxin.driver.replay.ScenarioReader;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.ProtocolException;
import org.anxin.protocol.Reading;
import org.anxin.protocol.Topics;
import org.anxin.secrets.SecretFiles;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code anxin demo}: the whole system on one machine. An embedded broker, the bridge on SQLite, a
 * local webhook receiver, and a real gateway process replaying a day in one home in accelerated
 * time. It prints readings, alerts and notifications as they happen, then a summary.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"Runs the whole system on this machine: an embedded MQTT broker (Moquette), the bridge"
                + " on SQLite, a local webhook receiver, and one gateway (the real OSGi runtime) replaying a"
                + " day in an elder's home in accelerated time, in which a pot left on the stove sets off the"
                + " smoke alarm and the elder later presses the emergency call button. Shows readings, alerts"
                + " and notifications as they happen, then a summary. Needs nothing installed but Java 17."})
final class DemoCommand implements Callable<Integer> {

    static final String GATEWAY_ID = "demo-home-01";
    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "scenario to replay (default: scenarios/sample-home.csv)")
    Path scenario;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "3600",
            description = "scenario seconds per real second (default: ${DEFAULT-VALUE}, an hour a second)")
    double speed;

    @Option(names = "--keep-running", description = "leave the broker and the bridge running after the scenario, until Ctrl-C")
    boolean keepRunning;

    @Option(names = "--broker", paramLabel = "URL",
            description = "use this MQTT broker (e.g. tcp://127.0.0.1:1883 for Mosquitto) instead of the embedded one")
    String externalBroker;

    @Option(names = "--allow-anonymous",
            description = "run the embedded broker without accounts and ACL: anyone on this machine may then publish as"
                    + " the gateway. By default the demo makes an account for the bridge and one for the gateway, and the"
                    + " broker enforces the ACL ./anxin provision writes")
    boolean allowAnonymous;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "0",
            description = "bridge REST API port (default: any free port)")
    int httpPort;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "where the demo keeps its files (default: a new temporary directory)")
    Path workDir;

    private final PrintStream out = System.out;
    private final long startNanos = System.nanoTime();
    private final Set<Long> seqSeen = ConcurrentHashMap.newKeySet();
    private final List<Reading> readings = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Alert> alerts = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<NotificationOutcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile long firstAlertNanos;
    private volatile long firstNotificationNanos;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("anxin-demo-");
        Path scenarioFile = scenario != null ? scenario : copySample(dir);
        List<ScenarioLine> lines = ScenarioReader.readAll(scenarioFile);
        List<Alert> expected = expectedAlerts(lines);
        Duration scenarioSpan = lines.isEmpty() ? Duration.ZERO : Duration.between(lines.get(0).time(), lines.get(lines.size() - 1).time());

        // the embedded broker as a real install runs it: an account each for the bridge and the gateway, and the ACL
        Credentials credentials = externalBroker == null && !allowAnonymous ? Credentials.make(dir.resolve("broker-access")) : null;
        EmbeddedBroker embedded = externalBroker == null
                ? EmbeddedBroker.start(dir.resolve("broker"), 0, credentials != null ? credentials.access() : EmbeddedBroker.Access.ANONYMOUS)
                : null;
        String brokerUrl = embedded != null ? embedded.url() : externalBroker;
        WebhookReceiver webhook = WebhookReceiver.start(this::printNotification);
        Bridge bridge = Bridge.start(BridgeOptions.builder()
                .brokerUrl(brokerUrl)
                .mqttUsername(credentials != null ? BrokerAccounts.DEFAULT_BRIDGE_USER : null)
                .mqttPassword(credentials != null ? credentials.bridgePassword() : null)
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .signingKeyFile(dir.resolve("bridge-signing.key"))
                .webhookUrl(webhook.url())
                .httpPort(httpPort)
                .notificationListener(outcomes::add)
                .build());
        MqttClient monitor = monitor(brokerUrl, credentials);
        GatewayProcess gateway = null;
        try {
            out.printf("Anxin demo: one home, one day, replayed at %.0fx%n", speed);
            out.printf("  broker   %s%s%n", brokerUrl, embedded == null ? ""
                    : credentials != null ? " (embedded Moquette; accounts and ACL in " + credentials.dir() + ")"
                    : " (embedded Moquette, anonymous)");
            out.printf("  bridge   %s (SQLite %s)%n", bridge.httpUri(), dir.resolve("bridge.db"));
            out.printf("  webhook  %s%n", webhook.url());
            Path gatewayLog = dir.resolve("gateway.log");
            out.printf("  gateway  %s: OSGi runtime, -Xmx%s, log %s%n%n", GATEWAY_ID, GatewayProcess.DEFAULT_HEAP, gatewayLog);
            gateway = GatewayProcess.start(AnxinHome.gatewayJar(), configure(dir, scenarioFile, brokerUrl, credentials, bridge),
                    dir.resolve("gateway-data"), GatewayProcess.DEFAULT_HEAP, Redirect.to(gatewayLog.toFile()));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
                    + (speed == 0 ? 0 : (long) (scenarioSpan.toNanos() / speed));
            while (!(readings.size() >= lines.size() && alerts.size() >= expected.size() && outcomes.size() >= expected.size())) {
                if (System.nanoTime() > deadline || !gateway.isAlive()) {
                    out.printf("%nThe demo did not finish: %d of %d readings, %d of %d alerts, %d notifications.%n"
                                    + "Gateway log: %s%n", readings.size(), lines.size(), alerts.size(), expected.size(),
                            outcomes.size(), gatewayLog);
                    return 1;
                }
                Thread.sleep(50);
            }
            gateway.close();
            gateway = null;
            printSummary(lines.size(), expected.size(), bridge);
            if (keepRunning) {
                out.printf("%nStill running. Bridge: %s  Broker: %s  (Ctrl-C to stop)%n", bridge.httpUri().resolve("api/alerts"), brokerUrl);
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
            return 0;
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            closeQuietly(monitor);
            bridge.close();
            webhook.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static List<Alert> expectedAlerts(List<ScenarioLine> lines) {
        DetectionEngine engine = DetectionEngine.create(DetectionOptions.DEFAULTS);
        List<Alert> expected = new ArrayList<>();
        for (ScenarioLine line : lines) {
            expected.addAll(engine.onReading(line.toReading(ZoneOffset.UTC)));
        }
        return expected;
    }

    private static Path copySample(Path dir) throws IOException {
        Path target = dir.resolve("sample-home.csv");
        try (InputStream in = DemoCommand.class.getResourceAsStream("/scenarios/sample-home.csv")) {
            if (in == null) {
                throw new IOException("the sample scenario is missing from the launcher jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The demo's broker accounts: files as ./anxin provision writes them, passwords made for this run. */
    private record Credentials(Path dir, String bridgePassword, String gatewayPassword) {

        static Credentials make(Path dir) throws IOException {
            Credentials c = new Credentials(dir, MosquittoPasswords.newPassword(), MosquittoPasswords.newPassword());
            // a work directory used again gets new passwords, so replacing the accounts is right here
            BrokerAccounts.putUser(c.passwordFile(), BrokerAccounts.DEFAULT_BRIDGE_USER, c.bridgePassword(), true);
            BrokerAccounts.putUser(c.passwordFile(), GATEWAY_ID, c.gatewayPassword(), true);
            BrokerAccounts.writeAcl(c.aclFile(), BrokerAccounts.DEFAULT_BRIDGE_USER);
            return c;
        }

        Path passwordFile() {
            return dir.resolve("anxin.passwd");
        }

        Path aclFile() {
            return dir.resolve("anxin.acl");
        }

        EmbeddedBroker.Access access() {
            return EmbeddedBroker.Access.files(passwordFile(), aclFile());
        }
    }

    private Path configure(Path dir, Path scenarioFile, String brokerUrl, Credentials credentials, Bridge bridge) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("gateway-conf"));
        // as ./anxin provision does: the gateway's own key, its public half registered with the bridge,
        // so the demo's gateway is heard the way a real one is, through its signature
        java.security.KeyPair key = org.anxin.protocol.Signatures.generate();
        Path keyFile = conf.resolve(ProvisionCommand.KEY_FILE);
        Files.deleteIfExists(keyFile);
        org.anxin.protocol.GatewayKeyFile.create(keyFile, key);
        bridge.registerGatewayKey(GATEWAY_ID, org.anxin.protocol.Signatures.encode(key.getPublic()));
        SecretFiles.write(conf.resolve("org.anxin.uplink.cfg"), "gatewayId=" + GATEWAY_ID + "\nbrokerUrl=" + brokerUrl
                + "\nheartbeatSeconds=5\nsigningKey=" + ProvisionCommand.KEY_FILE + "\n"
                + (credentials != null ? "username=" + GATEWAY_ID + "\npassword=" + credentials.gatewayPassword() + "\n" : ""),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        // the demo prints the scenario's times as they are written: placed in UTC, and its hours read in UTC
        Files.writeString(conf.resolve("org.anxin.detection.cfg"), "zone=UTC\n");
        Files.writeString(conf.resolve("org.anxin.driver.replay-demo.cfg"),
                "scenario=" + scenarioFile.toAbsolutePath() + "\nspeed=" + speed + "\nzone=UTC\n");
        return conf;
    }

    /** Watches the gateway's topics with the bridge's account, which may read them. */
    private MqttClient monitor(String brokerUrl, Credentials credentials) throws MqttException {
        MqttClient client = new MqttClient(brokerUrl, "anxin-demo-monitor-" + ProcessHandle.current().pid(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        if (credentials != null) {
            options.setUserName(BrokerAccounts.DEFAULT_BRIDGE_USER);
            options.setPassword(credentials.bridgePassword().toCharArray());
        }
        client.connect(options);
        client.subscribe(Topics.of(GATEWAY_ID, org.anxin.protocol.Channel.READING), 1, (t, m) -> show(m.getPayload()));
        client.subscribe(Topics.of(GATEWAY_ID, org.anxin.protocol.Channel.ALERT), 1, (t, m) -> show(m.getPayload()));
        client.subscribe(Topics.of(GATEWAY_ID, org.anxin.protocol.Channel.STATE), 1, (t, m) -> show(m.getPayload()));
        return client;
    }

    private void show(byte[] payload) {
        Envelope envelope;
        try {
            envelope = MessageCodec.decode(payload);
        } catch (ProtocolException e) {
            printLine("  (undecodable message: " + e.getMessage() + ")");
            return;
        }
        if (envelope.body() instanceof GatewayState state) {
            printLine("  gateway " + envelope.gateway() + " is " + state.status().wireName());
            return;
        }
        if (!seqSeen.add(envelope.seq())) {
            return; // QoS 1 may deliver twice; the bridge drops the copy as well
        }
        if (envelope.body() instanceof Reading r) {
            readings.add(r);
            printLine(String.format("  %s  %-15s %-10s %s", clock(r.time()), r.device(), r.kind().wireName(), r.value()));
        } else if (envelope.body() instanceof Alert a) {
            if (firstAlertNanos == 0) {
                firstAlertNanos = System.nanoTime();
            }
            alerts.add(a);
            printLine(String.format("  %s  ALERT %s %s (%s): %s", clock(a.time()), a.type(), a.state().wireName(),
                    a.severity().wireName(), a.reason()));
        }
    }

    private void printNotification(JsonNode notification) {
        if (firstNotificationNanos == 0) {
            firstNotificationNanos = System.nanoTime();
        }
        printLine("         -> webhook notified: " + notification.path("text").asText(notification.toString()));
    }

    private synchronized void printLine(String line) {
        out.println(line);
    }

    private void printSummary(int expectedReadings, int expectedAlerts, Bridge bridge) {
        long delivered = outcomes.stream().filter(NotificationOutcome::delivered).count();
        out.printf("%nSummary%n");
        out.printf("  readings       %d replayed, %d received through the broker%n", expectedReadings, readings.size());
        out.printf("  alerts         %d: %s%n", alerts.size(), alerts.stream().map(a -> a.type() + " " + a.state().wireName()).toList());
        out.printf("  notifications  %d delivered, %d failed (expected %d)%n", delivered, outcomes.size() - delivered, expectedAlerts);
        out.printf("  first alert    %.1f s after start; its notification %.1f s%n", seconds(firstAlertNanos), seconds(firstNotificationNanos));
        out.printf("  bridge         %s%n", bridge.counters());
    }

    private double seconds(long nanos) {
        return nanos == 0 ? Double.NaN : (nanos - startNanos) / 1e9;
    }

    private static String clock(java.time.Instant time) {
        return CLOCK.format(LocalDateTime.ofInstant(time, ZoneOffset.UTC));
    }

    private static void closeQuietly(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        } catch (MqttException e) {
            // the broker is going away too
        }
    }
}
