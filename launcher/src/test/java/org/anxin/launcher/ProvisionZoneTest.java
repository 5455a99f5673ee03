package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Reader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.detection.DetectionOptions;
import org.anxin.launcher.Cli.Result;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./anxin provision --zone}: the home's time zone, written as the detection setting, against a real bridge. */
class ProvisionZoneTest {

    private static final String OPERATOR = "installer";
    private static final String OPERATOR_PASSWORD = "provision zone test: a long passphrase";
    private static final String HOME = "home-z";

    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    private static Bridge bridge;

    @BeforeAll
    static void startTheBridgeWithAHome() throws Exception {
        // the machine's Mosquitto; provisioning itself needs only the REST API
        bridge = Bridge.start(BridgeOptions.builder().brokerUrl("tcp://127.0.0.1:1883").mqttClientId("anxin-bridge-zone-" + suffix())
                .jdbcUrl("jdbc:sqlite:" + shared.resolve("bridge.db")).httpPort(0).admin(OPERATOR, OPERATOR_PASSWORD)
                .signingKeyFile(shared.resolve("signing.key")).build());
        String token = call("POST", "api/login", null, Map.of("username", OPERATOR, "password", OPERATOR_PASSWORD))
                .path("token").asText();
        call("PUT", "api/homes/" + HOME, token, Map.of("district", "Tianshan", "street", "Xinhua", "community", "Hongshan",
                "category", "living_alone"));
    }

    @AfterAll
    static void stopTheBridge() {
        bridge.close();
    }

    private Result provision(Path conf, String... more) {
        List<String> args = new ArrayList<>(List.of("provision", "--bridge", bridge.httpUri().toString(), "--user", OPERATOR,
                "--password", OPERATOR_PASSWORD, "--home", HOME, "--gateway", "gw-z" + suffix(), "--config", conf.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static DetectionOptions detection(Path conf) throws Exception {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(conf.resolve("org.anxin.detection.cfg"), StandardCharsets.ISO_8859_1)) {
            p.load(in);
        }
        return DetectionOptions.fromProperties(p);
    }

    @Test
    void theZoneGivenIsWrittenAsTheDetectionSettingAndSaid() throws Exception {
        Path conf = dir.resolve("conf");
        Result result = provision(conf, "--zone", "Asia/Urumqi");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(detection(conf).zone()).isEqualTo(ZoneId.of("Asia/Urumqi"));
        assertThat(result.out()).contains("time zone Asia/Urumqi");
    }

    @Test
    void withoutAZoneTheGatewayIsWrittenAsiaShanghai() throws Exception {
        Path conf = dir.resolve("conf");
        assertThat(provision(conf).exit()).isZero();
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("zone=Asia/Shanghai");
        assertThat(detection(conf).zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @Test
    void aZoneThatIsNoZoneIsRefusedBeforeAnythingIsWrittenOrRegistered() {
        Path conf = dir.resolve("conf");
        Result result = provision(conf, "--zone", "Asia/Beijing");
        assertThat(result.exit()).isNotZero();
        assertThat(result.err()).contains("--zone", "'Asia/Beijing' is not a time zone id");
        assertThat(conf).doesNotExist();
    }

    @Test
    void provisioningAgainWithAZoneReplacesOnlyTheZoneAndWithoutOneKeepsTheHomesOwn() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("org.anxin.detection.cfg"), "# pushed by the bridge\nnoWaterHours=10\nzone = Asia/Shanghai\n");
        assertThat(provision(conf, "--zone", "Asia/Urumqi").exit()).isZero();
        assertThat(detection(conf).zone()).isEqualTo(ZoneId.of("Asia/Urumqi"));
        assertThat(detection(conf).noWaterPeriod()).hasHours(10);
        assertThat(Files.readString(conf.resolve("org.anxin.detection.cfg"))).contains("# pushed by the bridge");

        Result again = provision(conf, "--force");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(detection(conf).zone()).isEqualTo(ZoneId.of("Asia/Urumqi"));
        assertThat(again.out()).contains("time zone Asia/Urumqi");
    }

    private static JsonNode call(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(bridge.httpUri().resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        return MessageCodec.mapper().readTree(response.body().isEmpty() ? "{}" : response.body());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
