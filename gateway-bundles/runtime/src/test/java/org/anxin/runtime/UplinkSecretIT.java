package org.anxin.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported gateway jar with its MQTT password in a file others may read: the uplink refuses to
 * start and status.json says why and how to fix it, while the call button is still stored for when
 * it does. After {@code chmod 600} and a restart the uplink runs.
 */
class UplinkSecretIT {

    private static final String UPLINK = "org.anxin.uplink.UplinkComponent";

    @TempDir
    Path dir;
    private Process gateway;

    @AfterEach
    void stop() throws InterruptedException {
        stopGateway();
    }

    @Test
    void aPasswordOthersCanReadKeepsTheUplinkDownWithTheFixInStatusJsonAndAlarmsAreStillStored() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path uplink = Files.writeString(conf.resolve("org.anxin.uplink.cfg"), "gatewayId=gw-secret\nbrokerUrl=tcp://127.0.0.1:"
                + closedPort() + "\nusername=gw-secret\npassword=do-not-show-me\n");
        Files.setPosixFilePermissions(uplink, PosixFilePermissions.fromString("rw-r--r--"));
        Path scenario = Files.writeString(dir.resolve("scenario.csv"), "time,device,kind,value\n2024-03-01T07:17:00,call-1,call,pressed\n");
        Files.writeString(conf.resolve("org.anxin.driver.replay-it.cfg"), "scenario=" + scenario + "\nspeed=0\n");
        start(conf);

        JsonNode refused = await().atMost(Duration.ofSeconds(60)).until(() -> component(UPLINK),
                c -> c != null && "failed-activation".equals(c.path("state").asText()));
        assertThat(refused.path("failure").asText()).contains(uplink.toString(), "MQTT password", "rw-r--r--", "chmod 600")
                .doesNotContain("do-not-show-me");
        // the rest of the alarm path runs: the call press and its alert wait in the outbox
        await().atMost(Duration.ofSeconds(30)).until(this::outboxRows, rows -> rows == 2);
        assertThat(Files.readString(dir.resolve("gateway.log"))).contains("chmod 600").doesNotContain("do-not-show-me");

        stopGateway();
        Files.setPosixFilePermissions(uplink, PosixFilePermissions.fromString("rw-------"));
        start(conf);
        await().atMost(Duration.ofSeconds(60)).until(() -> component(UPLINK), c -> c != null && "active".equals(c.path("state").asText()));
    }

    private void start(Path conf) throws IOException {
        String jar = System.getProperty("anxin.gateway.jar", "target/gateway.jar");
        Files.deleteIfExists(dir.resolve("data/status.json"));
        gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Dfelix.fileinstall.dir=" + conf, "-Danxin.data=" + dir.resolve("data"), "-jar", jar)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()))
                .start();
    }

    private void stopGateway() throws InterruptedException {
        if (gateway != null) {
            gateway.destroy();
            if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
            gateway = null;
        }
    }

    private JsonNode component(String name) throws IOException {
        Path file = dir.resolve("data/status.json");
        if (!Files.exists(file)) {
            return null;
        }
        for (JsonNode c : MessageCodec.mapper().readTree(file.toFile()).path("components")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    private int outboxRows() throws Exception {
        Path db = dir.resolve("data/outbox.db");
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM outbox")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (java.sql.SQLException e) {
            if (String.valueOf(e.getMessage()).contains("no such table")) {
                return 0; // the gateway has made the file but not yet its table
            }
            throw e;
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
