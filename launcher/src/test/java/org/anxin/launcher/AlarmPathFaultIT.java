package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.MessageCodec;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alarm path under faults (docs/faults.md): a real gateway process whose siren is on Pi4J's
 * mock board, a real broker and bridge, a fault injected, then a call press. Each case asserts that
 * the press sounds the siren (the mock pin, read back into status.json), reaches the bridge and the
 * webhook, and, once the health branch is in, that the bridge shows the gateway degraded.
 */
class AlarmPathFaultIT {

    private static final String OPERATOR = "operator";
    private static final String PASSWORD = "fault injection secret";
    private static final Duration ALARM = Duration.ofSeconds(40);

    @TempDir
    static Path shared;
    private static EmbeddedBroker broker;
    private static WebhookReceiver webhook;
    private static Bridge bridge;
    private static final List<JsonNode> hooks = new CopyOnWriteArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static String token;

    @TempDir
    Path dir;
    private String gatewayId;
    private Path conf;
    private Path data;
    private Path log;
    private GatewayProcess gateway;
    private Path mounted;

    @BeforeAll
    static void startBrokerAndBridge() throws Exception {
        broker = EmbeddedBroker.start(shared.resolve("broker"), 0);
        webhook = WebhookReceiver.start(hooks::add);
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).brokerUrl(broker.url()).jdbcUrl("jdbc:sqlite:" + shared.resolve("bridge.db"))
                .webhookUrl(webhook.url()).httpPort(0).signingKeyFile(shared.resolve("signing.key"))
                .admin(OPERATOR, PASSWORD).build());
        await().atMost(Duration.ofSeconds(15)).until(bridge::mqttConnected);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(bridge.httpUri().resolve("api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + OPERATOR + "\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        token = MessageCodec.mapper().readTree(login.body()).path("token").asText();
    }

    @AfterAll
    static void stopBrokerAndBridge() {
        if (bridge != null) {
            bridge.close();
        }
        if (webhook != null) {
            webhook.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void aGatewayWithAMockSiren() throws IOException {
        gatewayId = "fault-" + UUID.randomUUID().toString().substring(0, 8);
        conf = Files.createDirectories(dir.resolve("conf"));
        data = Files.createDirectories(dir.resolve("data"));
        log = dir.resolve("gateway.log");
        Files.writeString(conf.resolve("org.anxin.uplink.cfg"), "gatewayId=" + gatewayId + "\nbrokerUrl=" + broker.url()
                + "\nheartbeatSeconds=5\n");
        Files.writeString(conf.resolve("org.anxin.driver.gpio.alarm.cfg"), "sirenPin=18\n");
    }

    @AfterEach
    void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (mounted != null) {
            run("umount", mounted.toString());
        }
    }

    // --- the cases --------------------------------------------------------------------------

    @Test
    void withNoFaultACallPressSoundsTheSirenAndReachesTheBridgeAndTheWebhook() throws Exception {
        startGateway();
        awaitSiren("silent");
        pressCall();
        assertTheAlarmPathWorks();
    }

    @Test
    void aHealthyGatewaysHeartbeatsSayItsAlarmPathIsWholeAndTheBridgeRaisesNothing() throws Exception {
        startGateway();
        awaitSiren("silent");
        await().atMost(ALARM).until(this::bridgeKnowsTheGateway);
        // the first heartbeat may come while components are still starting; the bridge raises
        // GATEWAY_DEGRADED only on the second impaired heartbeat in a row, so a boot must not raise it
        java.util.Set<String> heartbeats = new java.util.HashSet<>();
        await().atMost(ALARM).until(() -> {
            JsonNode gateway = get("api/gateways/" + gatewayId);
            if (gateway.path("health").isObject()) {
                heartbeats.add(gateway.path("healthAt").asText());
            }
            return heartbeats.size() >= 4;
        });
        JsonNode health = get("api/gateways/" + gatewayId).path("health");
        assertThat(health.path("alarmPathImpaired").asBoolean()).as(health.toString()).isFalse();
        assertThat(alerts("raised")).noneMatch(a -> a.path("type").asText().equals("GATEWAY_DEGRADED"));
    }

    @Test
    void aCallPressSoundsTheSirenAndReachesTheBridgeWhenTheDetectionConfigHasATypo() throws Exception {
        Files.writeString(conf.resolve("org.anxin.detection.cfg"), "noWaterHours=twelve\n");
        startGateway();
        pressCall();
        assertTheAlarmPathWorks();
    }

    @Test
    void theBridgeShowsTheGatewayDegradedWhenTheDetectionConfigHasATypo() throws Exception {
        Files.writeString(conf.resolve("org.anxin.detection.cfg"), "noWaterHours=twelve\n");
        startGateway();
        assertBridgeShowsDegraded();
    }

    @Test
    void aCallPressSoundsTheSirenAndReachesTheBridgeWhenAnotherDriversConfigHasATypo() throws Exception {
        Path door = Files.writeString(conf.resolve("org.anxin.driver.gpio.input-door.cfg"),
                "device=entry-door\nkind=entry_door\npin=17\ndebounceMillis=fast\n");
        startGateway();
        // the typo costs the debounce setting, not the door: the driver runs on the default, logged with the file
        await().atMost(ALARM).untilAsserted(() -> assertThat(componentStates()).containsEntry("org.anxin.driver.gpio.GpioInputDriver", "active"));
        assertThat(Files.readString(log)).contains("configuration " + door + ": 'debounceMillis': 'fast' is not a whole number; fell back to default 50");
        assertThat(status().path("configProblems").toString()).contains(door.toString(), "debounceMillis");
        pressCall();
        assertTheAlarmPathWorks();
    }

    @Test
    void theBridgeShowsTheGatewayDegradedWhenADriversConfigHasATypo() throws Exception {
        Files.writeString(conf.resolve("org.anxin.driver.gpio.input-door.cfg"),
                "device=entry-door\nkind=contact\npin=17\ndebounceMillis=fast\n");
        startGateway();
        assertBridgeShowsDegraded();
    }

    @Test
    void aCallPressSoundsTheSirenAndReachesTheBridgeWhenAComponentThrowsOnStart() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            coapOn(taken.getLocalPort());
            startGateway();
            pressCall();
            assertTheAlarmPathWorks();
        }
    }

    @Test
    void theBridgeShowsTheGatewayDegradedWhenAComponentThrowsOnStart() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            coapOn(taken.getLocalPort());
            startGateway();
            assertBridgeShowsDegraded();
        }
    }

    @Test
    void aCallPressStillSoundsTheSirenAndReachesTheBridgeWhenTheDiskIsFull() throws Exception {
        mountSmallDataDisk();
        startGateway();
        awaitSiren("silent");
        fillDisk();
        pressCall();
        assertTheAlarmPathWorks();
        assertBridgeShowsDegraded();
    }

    @Test
    void aCallPendantsPressSoundsTheSirenAndReachesTheBridgeAfterAHundredDtlsSessionsOnAMetersKey() throws Exception {
        byte[] meterKey = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        byte[] pendantKey = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");
        int port;
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path keys = Files.writeString(dir.resolve("coap-keys.txt"),
                "kitchen-meter=" + HexFormat.of().formatHex(meterKey) + "\npendant-1=" + HexFormat.of().formatHex(pendantKey) + "\n");
        Files.writeString(conf.resolve("org.anxin.driver.coap-home.cfg"), "bindAddress=127.0.0.1\nport=" + port + "\npskFile=" + keys + "\n");
        startGateway();
        awaitSiren("silent");

        ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
        List<DtlsDevice> devices = new ArrayList<>();
        try {
            // each session from a port of its own and kept open: a cloned meter, or its key in other hands
            await().atMost(ALARM).until(() -> meterSession(port, meterKey, threads, devices) == ResponseCode.CHANGED);
            while (devices.size() < 100) {
                assertThat(meterSession(port, meterKey, threads, devices)).as("meter session %d", devices.size()).isEqualTo(ResponseCode.CHANGED);
            }
            DtlsDevice pendant = new DtlsDevice(port, "pendant-1", pendantKey, threads);
            devices.add(pendant);
            assertThat(pendant.post("pendant-1", "call", "pressed")).as("the pendant's call after 100 meter sessions").isEqualTo(ResponseCode.CHANGED);
            assertTheAlarmPathWorks();
            // the meter's sessions met the per-device limit on the way
            assertThat(Files.readString(log)).contains("device kitchen-meter opened more than 2 DTLS sessions: its oldest is closed");
            // and the bridge sees the cloned key at work, without calling the gateway degraded: the defence held
            assertBridgeListsInHealth("DEVICE_SESSIONS_LIMITED", "kitchen-meter");
            assertThat(alerts("raised")).noneMatch(a -> a.path("type").asText().equals("GATEWAY_DEGRADED"));
        } finally {
            devices.forEach(DtlsDevice::close);
            threads.shutdownNow();
        }
    }

    private static ResponseCode meterSession(int port, byte[] key, ScheduledExecutorService threads, List<DtlsDevice> devices) throws Exception {
        DtlsDevice meter = new DtlsDevice(port, "kitchen-meter", key, threads);
        devices.add(meter);
        return meter.post("kitchen-meter", "water", "0.1");
    }

    @Test
    void aCallPressSoundsTheSirenAndReachesTheBridgeAfterReadingsFromTheFarFuture() throws Exception {
        byte[] meterKey = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        int port;
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path keys = Files.writeString(dir.resolve("coap-keys.txt"), "kitchen-meter=" + HexFormat.of().formatHex(meterKey) + "\n");
        Files.writeString(conf.resolve("org.anxin.driver.coap-home.cfg"), "bindAddress=127.0.0.1\nport=" + port + "\npskFile=" + keys + "\n");
        startGateway();
        awaitSiren("silent");
        // a live meter with a valid key and its clock in the year 9999: the gateway's time is taken instead
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);
        try (DtlsDevice meter = new DtlsDevice(port, "kitchen-meter", meterKey, threads)) {
            await().atMost(ALARM).until(() -> meter.postJson("{\"device\":\"kitchen-meter\",\"kind\":\"water\",\"value\":\"1\","
                    + "\"time\":\"9999-12-31T23:59:59Z\"}") == ResponseCode.CHANGED);
        } finally {
            threads.shutdownNow();
        }
        // a recorded history is judged in its own time: the engine advances to 9999 by bounded work, on another driver's thread
        Path future = Files.writeString(dir.resolve("future.csv"),
                "time,device,kind,value\n9999-12-31T23:59:59,water-meter,water,1\n");
        Files.writeString(conf.resolve("org.anxin.driver.replay-future.cfg"), "scenario=" + future + "\nspeed=0\nzone=UTC\n");
        await().atMost(ALARM).until(() -> Files.readString(log).contains("replay of " + future + " finished"));
        pressCall();
        assertTheAlarmPathWorks();
        // the bridge sees the refused device clock, and does not call the gateway degraded for it
        assertBridgeListsInHealth("DEVICE_CLOCK_REFUSED", "kitchen-meter");
        assertThat(alerts("raised")).noneMatch(a -> a.path("type").asText().equals("GATEWAY_DEGRADED"));
    }

    // --- the harness ------------------------------------------------------------------------

    private void startGateway() throws IOException {
        gateway = GatewayProcess.start(AnxinHome.gatewayJar(), conf, data, GatewayProcess.DEFAULT_HEAP, Redirect.to(log.toFile()),
                Map.of("anxin.gpio.board", "mock"));
        await().atMost(ALARM).until(() -> bridgeKnowsTheGateway());
    }

    /** Drops a replay driver whose one line is a call press at this moment, played at once. */
    private void pressCall() throws IOException {
        LocalDateTime now = LocalDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
        Path scenario = Files.writeString(dir.resolve("press.csv"), "time,device,kind,value\n" + now + ",call-button,call,pressed\n");
        Files.writeString(conf.resolve("org.anxin.driver.replay-press.cfg"), "scenario=" + scenario + "\nspeed=0\nzone=UTC\n");
    }

    private void assertTheAlarmPathWorks() throws Exception {
        awaitSiren("sounding");
        bridgeHasAlert("EMERGENCY_CALL");
        webhookNotified("EMERGENCY_CALL");
    }

    /** The siren as status.json shows it: the mock pin's own state, read back by the gpio driver. */
    private void awaitSiren(String state) {
        await().atMost(ALARM).untilAsserted(() -> assertThat(status().path("siren").asText())
                .as("siren in status.json; gateway log %s", log).isEqualTo(state));
    }

    private Map<String, String> componentStates() throws IOException {
        Map<String, String> states = new java.util.TreeMap<>();
        status().path("components").forEach(c -> states.put(c.path("name").asText(), c.path("state").asText()));
        return states;
    }

    private JsonNode status() throws IOException {
        Path file = data.resolve("status.json");
        return Files.exists(file) ? MessageCodec.mapper().readTree(file.toFile()) : MessageCodec.mapper().createObjectNode();
    }

    private void bridgeHasAlert(String type) {
        await().atMost(ALARM).until(() -> alerts("raised").stream().anyMatch(a -> a.path("type").asText().equals(type)));
    }

    private void webhookNotified(String type) {
        await().atMost(ALARM).until(() -> hooks.stream().anyMatch(h -> h.path("gateway").asText().equals(gatewayId)
                && h.path("alert").path("type").asText().equals(type)));
    }

    /** The bridge lists a raised GATEWAY_DEGRADED alert for this gateway, raised from its heartbeats' health. */
    private void assertBridgeShowsDegraded() {
        await().atMost(ALARM).until(() -> alerts("raised").stream().anyMatch(a -> a.path("type").asText().equals("GATEWAY_DEGRADED")));
    }

    /** The gateway's health at the bridge ({@code GET /api/gateways/{id}}) lists a problem of this code about this subject (its start). */
    private void assertBridgeListsInHealth(String code, String subject) {
        await().atMost(ALARM).untilAsserted(() -> {
            JsonNode problems = get("api/gateways/" + gatewayId).path("health").path("problems");
            assertThat(problems.findValuesAsText("code")).as("health at the bridge: %s", problems).contains(code);
            List<String> subjects = new ArrayList<>();
            problems.forEach(p -> {
                if (p.path("code").asText().equals(code)) {
                    subjects.add(p.path("subject").asText());
                }
            });
            assertThat(subjects).anyMatch(s -> s.startsWith(subject));
        });
    }

    private List<JsonNode> alerts(String state) throws Exception {
        JsonNode json = get("api/alerts?gateway=" + gatewayId + "&state=" + state);
        JsonNode list = json.isArray() ? json : json.path("alerts");
        List<JsonNode> out = new java.util.ArrayList<>();
        list.forEach(out::add);
        return out;
    }

    private boolean bridgeKnowsTheGateway() throws Exception {
        return get("api/gateways").toString().contains(gatewayId);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(bridge.httpUri().resolve(path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return MessageCodec.mapper().readTree(response.body());
    }

    private void coapOn(int takenPort) throws IOException {
        Files.writeString(conf.resolve("org.anxin.driver.coap-meters.cfg"), "security=none\nbindAddress=127.0.0.1\nport=" + takenPort + "\n");
    }

    /** A 4 MB tmpfs as the data directory; skipped where this machine refuses to mount. */
    private void mountSmallDataDisk() throws Exception {
        int rc = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", data.toString());
        Assumptions.assumeTrue(rc == 0, "cannot mount a 4 MB tmpfs on " + data + " (needs root and CAP_SYS_ADMIN); the full-disk case is skipped");
        mounted = data;
    }

    /** Fills the data disk until the kernel says no more. */
    private void fillDisk() throws IOException {
        byte[] block = new byte[64 * 1024];
        try (var out = Files.newOutputStream(data.resolve("filler"))) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(data.toFile().getUsableSpace()).as("disk full").isLessThan(block.length);
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
