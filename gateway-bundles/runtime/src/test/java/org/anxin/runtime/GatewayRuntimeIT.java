package org.anxin.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the exported gateway jar, the same one installers run, in its own JVM with the heap the
 * Raspberry Pi gets, and watches it through its status file and its outbox.
 */
class GatewayRuntimeIT {

    private static final List<String> COMPONENTS = List.of(
            "org.anxin.detection.component.DetectionComponent",
            "org.anxin.diagnostics.ConfigFileValidator",
            "org.anxin.diagnostics.StatusReporter",
            "org.anxin.driver.replay.ReplayDriver",
            "org.anxin.store.sqlite.OutboxComponent",
            "org.anxin.uplink.UplinkComponent");

    private static final String SCENARIO = """
            time,device,kind,value
            2024-03-01T07:15:00,kitchen-water,water,3.5
            2024-03-01T07:16:00,front,entry_door,open
            2024-03-01T07:16:30,front,entry_door,closed
            2024-03-01T07:17:00,call-1,call,pressed
            2024-03-01T07:18:00,hall-motion,motion,on
            """;

    @TempDir
    Path dir;
    private Process gateway;

    @AfterEach
    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void everyComponentActivatesAndReadingsGoFromTheDriverToTheOutbox() throws Exception {
        Path conf = configure(Map.of());
        start(conf);

        // the configured components are active; drivers without a configuration file wait for one
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<String, String> states = states();
            return COMPONENTS.stream().allMatch(c -> "active".equals(states.get(c)));
        });
        assertThat(states()).allSatisfy((name, state) -> assertThat(state).as(name).isIn("active", "unconfigured"));
        assertThat(status().get("configProblems")).isEmpty();

        List<Body> stored = await().atMost(Duration.ofSeconds(30)).until(this::outbox, rows -> rows.size() == 6);
        assertThat(stored).filteredOn(Reading.class::isInstance).extracting(b -> ((Reading) b).device())
                .containsExactly("kitchen-water", "front", "front", "call-1", "hall-motion");
        assertThat(stored).filteredOn(Alert.class::isInstance).extracting(b -> ((Alert) b).type())
                .containsExactly(AlertType.EMERGENCY_CALL);
    }

    @Test
    void aConfiguredMetricsFileAppearsWithTheOutboxDepthAndTheReadingsByKind() throws Exception {
        Path conf = configure(Map.of("org.anxin.metrics.cfg", "path=metrics/anxin_gateway.prom\nintervalSeconds=1\n"));
        start(conf);
        Path file = dir.resolve("data/metrics/anxin_gateway.prom");

        // the uplink's broker is closed: all six messages stay queued
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file)
                && Files.readString(file).contains("\nanxin_gateway_outbox_depth 6\n"));
        String metrics = Files.readString(file);
        assertThat(metrics).contains("# TYPE anxin_gateway_outbox_depth gauge\n",
                "\nanxin_gateway_outbox_alerts_depth 1\n",
                "\nanxin_gateway_readings_total{kind=\"entry_door\"} 2\n",
                "\nanxin_gateway_alerts_raised_total{type=\"EMERGENCY_CALL\"} 1\n",
                "\nanxin_gateway_uplink_connected 0\n",
                "\nanxin_gateway_store_write_failures_total 0\n",
                "\nanxin_gateway_readings_restamped_total ",
                "\nanxin_gateway_metrics_sources 3\n");
        assertThat(dir.resolve("data/metrics")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void withoutItsConfigurationTheGatewayWritesNoMetricsFile() throws Exception {
        start(configure(Map.of()));
        await().atMost(Duration.ofSeconds(30)).until(this::outbox, rows -> rows.size() == 6);
        assertThat(states()).containsEntry("org.anxin.diagnostics.metrics.MetricsFileWriter", "unconfigured");
        assertThat(dir.resolve("data/metrics")).doesNotExist();
    }

    @Test
    void aBadConfigFileIsReportedByNameAndTheRestOfTheGatewayRuns() throws Exception {
        Path conf = configure(Map.of("org.anxin.uplink.cfg", "gatewayId=gw-it\nbrokerUrl=tcp://127.0.0.1:1\nheartbeatSeconds=often\nheartbeatSecs=60\n"));
        start(conf);

        await().atMost(Duration.ofSeconds(60)).until(() -> "failed-activation".equals(states().get("org.anxin.uplink.UplinkComponent")));
        List<String> problems = new ArrayList<>();
        status().get("configProblems").forEach(p -> problems.add(p.get("file").asText() + ": " + p.get("problem").asText()));
        String file = conf.resolve("org.anxin.uplink.cfg").toString();
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(file).contains("'heartbeatSeconds': 'often'", "expected a whole number"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(file).contains("unknown property 'heartbeatSecs'"));

        await().atMost(Duration.ofSeconds(30)).until(this::outbox, rows -> rows.size() == 6);
        assertThat(states()).containsEntry("org.anxin.detection.component.DetectionComponent", "active")
                .containsEntry("org.anxin.store.sqlite.OutboxComponent", "active");

        // the installer mends the file while the gateway runs: it is applied without a restart
        Files.writeString(conf.resolve("org.anxin.uplink.cfg"), "gatewayId=gw-it\nbrokerUrl=tcp://127.0.0.1:1\nheartbeatSeconds=60\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> "active".equals(states().get("org.anxin.uplink.UplinkComponent")));
        await().atMost(Duration.ofSeconds(10)).until(() -> status().get("configProblems").isEmpty());
    }

    @Test
    void aTypoInTheDetectionFileCostsThatSettingNotTheCallButton() throws Exception {
        Path conf = configure(Map.of("org.anxin.detection.cfg", "noWaterHours=twelve\nnoActivityHours=6\n"));
        start(conf);

        // the setting falls back to its default: detection runs, so the replay driver can deliver the call press
        List<Body> stored = await().atMost(Duration.ofSeconds(60)).until(this::outbox, rows -> rows.size() == 6);
        assertThat(stored).filteredOn(Alert.class::isInstance).extracting(b -> ((Alert) b).type())
                .containsExactly(AlertType.EMERGENCY_CALL);
        // status.json is rewritten within a second of a change
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(states())
                .containsEntry("org.anxin.detection.component.DetectionComponent", "active")
                .containsEntry("org.anxin.driver.replay.ReplayDriver", "active"));
        String file = conf.resolve("org.anxin.detection.cfg").toString();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> problems = new ArrayList<>();
            status().get("configProblems").forEach(p -> problems.add(p.get("file").asText() + ": " + p.get("problem").asText()));
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(file).contains("noWaterHours"));
        });
        assertThat(Files.readString(dir.resolve("gateway.log"))).contains("'noWaterHours'", "fell back to default 12");
    }

    @Test
    void configFilesThatCannotBeParsedAreListedInStatusByNameWithWhy() throws Exception {
        Path conf = configure(Map.of());
        Files.write(conf.resolve("org.anxin.driver.gpio.input-kitchen.cfg"),
                new byte[] {'d', 'e', 'v', 'i', 'c', 'e', '=', 0x00, (byte) 0xff, '\\', 'u', 0x13, 0x02, 'z', 'q', '\n'});
        Files.writeString(conf.resolve("org.anxin.driver.gpio.input-hall.cfg"), "device=hall\nkind=door\\u00zz\npin=27\n",
                StandardCharsets.ISO_8859_1);
        start(conf);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> problems = new ArrayList<>();
            status().path("configProblems").forEach(p -> problems.add(p.get("file").asText() + ": " + p.get("problem").asText()));
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(conf.resolve("org.anxin.driver.gpio.input-kitchen.cfg").toString())
                    .contains("binary data, not text (byte 0x00 at offset 7)"));
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(conf.resolve("org.anxin.driver.gpio.input-kitchen.cfg").toString())
                    .contains("cannot be parsed, so nothing in it is in force"));
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(conf.resolve("org.anxin.driver.gpio.input-hall.cfg").toString())
                    .contains("cannot be parsed, so nothing in it is in force", "Malformed \\uxxxx encoding"));
        });
        // the rest of the gateway runs: the replay's call press is stored
        await().atMost(Duration.ofSeconds(30)).until(this::outbox, rows -> rows.size() == 6);
        // FileInstall skipped both: neither configures the gpio input
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(states())
                .containsEntry("org.anxin.driver.replay.ReplayDriver", "active")
                .containsEntry("org.anxin.driver.gpio.GpioInputDriver", "unconfigured"));
        List<String> problems = new ArrayList<>();
        status().path("configProblems").forEach(p -> problems.add(p.get("file").asText() + ": " + p.get("problem").asText()));
        assertThat(problems).hasSize(3);

        // mended, the file leaves the list
        Files.writeString(conf.resolve("org.anxin.driver.gpio.input-kitchen.cfg"), "device=kitchen\nkind=smoke\npin=22\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> files = new ArrayList<>();
            status().path("configProblems").forEach(p -> files.add(p.get("file").asText()));
            assertThat(files).doesNotContain(conf.resolve("org.anxin.driver.gpio.input-kitchen.cfg").toString());
            assertThat(states()).containsEntry("org.anxin.driver.gpio.GpioInputDriver", "active");
        });
    }

    private Path configure(Map<String, String> override) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path scenario = Files.writeString(dir.resolve("scenario.csv"), SCENARIO);
        Map<String, String> files = new TreeMap<>();
        // a port nobody listens on: messages stay in the outbox for the test to see
        files.put("org.anxin.uplink.cfg", "gatewayId=gw-it\nbrokerUrl=tcp://127.0.0.1:" + closedPort() + "\n");
        files.put("org.anxin.driver.replay-it.cfg", "scenario=" + scenario + "\nspeed=0\n");
        files.putAll(override);
        for (var file : files.entrySet()) {
            Files.writeString(conf.resolve(file.getKey()), file.getValue());
        }
        return conf;
    }

    private void start(Path conf) throws IOException {
        String jar = System.getProperty("anxin.gateway.jar", "target/gateway.jar");
        gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Dfelix.fileinstall.dir=" + conf, "-Danxin.data=" + dir.resolve("data"), "-jar", jar)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile())
                .start();
    }

    private JsonNode status() throws IOException {
        Path file = dir.resolve("data/status.json");
        return Files.exists(file) ? MessageCodec.mapper().readTree(file.toFile()) : MessageCodec.mapper().createObjectNode();
    }

    private Map<String, String> states() throws IOException {
        Map<String, String> states = new TreeMap<>();
        status().path("components").forEach(c -> states.put(c.get("name").asText(), c.get("state").asText()));
        return states;
    }

    private List<Body> outbox() throws Exception {
        Path db = dir.resolve("data/outbox.db");
        List<Body> bodies = new ArrayList<>();
        if (!Files.exists(db)) {
            return bodies;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT body FROM outbox ORDER BY seq")) {
            while (rs.next()) {
                bodies.add(MessageCodec.decodeBody(rs.getString(1).getBytes(StandardCharsets.UTF_8)));
            }
        } catch (java.sql.SQLException e) {
            // the gateway has made the file but not yet its table: nothing stored yet
            if (!String.valueOf(e.getMessage()).contains("no such table")) {
                throw e;
            }
        }
        return bodies;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
