package org.anxin.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.anxin.bridge.Bridge;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.MessageCodec;
import picocli.CommandLine;

/**
 * Remote configuration figures (a benchmark, not a test): for real gateway processes provisioned
 * against a bridge and an embedded broker, the time from a push to the gateway's "applied" as the
 * bridge sees it, and a bulk push to every gateway until the last has applied. Run with
 * {@code bash benchmarks/remote-config.sh [gateways] [pushes]}.
 */
public final class RemoteConfigBenchmark {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int gatewayCount = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("anxin-remote-bench");
        List<GatewayProcess> processes = new ArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"), 0);
             Bridge bridge = Bridge.start(BridgeOptions.builder().brokerUrl(broker.url())
                     .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0).admin("bench", "bench-password")
                     .signingKeyFile(dir.resolve("signing.key")).build())) {
            URI base = bridge.httpUri();
            String token = call(base, null, "POST", "api/login", Map.of("username", "bench", "password", "bench-password")).path("token").asText();
            call(base, token, "PUT", "api/homes/bench-home", Map.of("district", "d", "street", "s", "community", "Bench", "category", "living_alone"));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < gatewayCount; i++) {
                String gw = "bench-gw-" + i;
                Path conf = dir.resolve(gw);
                int exit = new CommandLine(new Anxin()).execute("provision", "--bridge", base.toString(), "--user", "bench",
                        "--password", "bench-password", "--home", "bench-home", "--gateway", gw, "--config", conf.toString());
                if (exit != 0) {
                    throw new IllegalStateException("provisioning failed");
                }
                processes.add(GatewayProcess.start(AnxinHome.gatewayJar(), conf, dir.resolve(gw + "-data"), "64m",
                        Redirect.appendTo(dir.resolve(gw + ".log").toFile())));
                ids.add(gw);
            }
            String first = ids.get(0);
            // the first push also waits for the gateway to have started
            push(base, token, first, 8);
            awaitApplied(base, token, first, 1, Duration.ofSeconds(120));

            long[] millis = new long[pushes];
            for (int i = 0; i < pushes; i++) {
                long start = System.nanoTime();
                long version = push(base, token, first, 9 + i % 5).path("version").asLong();
                awaitApplied(base, token, first, version, Duration.ofSeconds(60));
                millis[i] = (System.nanoTime() - start) / 1_000_000;
            }
            Arrays.sort(millis);
            System.out.printf("push to applied (one gateway, %d pushes, polled every 10 ms): median %d ms, p90 %d ms, max %d ms%n",
                    pushes, millis[pushes / 2], millis[(int) (pushes * 0.9)], millis[pushes - 1]);

            for (String gw : ids.subList(1, ids.size())) {
                push(base, token, gw, 8);
                awaitApplied(base, token, gw, 1, Duration.ofSeconds(120));
            }
            long start = System.nanoTime();
            JsonNode bulk = call(base, token, "POST", "api/config/bulk",
                    Map.of("community", "Bench", "components", Map.of("org.anxin.detection", Map.of("nightStart", "21:00"))));
            String id = bulk.path("bulk").asText();
            while (call(base, token, "GET", "api/config/bulk/" + id, null).path("counts").path("applied").asInt() < gatewayCount) {
                Thread.sleep(10);
            }
            System.out.printf("bulk push to %d gateways until all applied: %d ms%n", gatewayCount, (System.nanoTime() - start) / 1_000_000);

            start = System.nanoTime();
            JsonNode diagnostics = call(base, token, "POST", "api/gateways/" + first + "/commands", Map.of("name", "diagnostics"));
            System.out.printf("diagnostics command round trip: %d ms (%d bytes of report)%n", (System.nanoTime() - start) / 1_000_000,
                    diagnostics.toString().length());
        } finally {
            processes.forEach(GatewayProcess::close);
        }
    }

    private static JsonNode push(URI base, String token, String gw, int hours) throws Exception {
        return call(base, token, "PUT", "api/gateways/" + gw + "/config",
                Map.of("components", Map.of("org.anxin.detection", Map.of("noWaterHours", hours))));
    }

    private static void awaitApplied(URI base, String token, String gw, long version, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode row : call(base, token, "GET", "api/gateways/" + gw + "/config", null).path("history")) {
                if (row.path("version").asLong() == version && !row.path("status").asText().equals("pending")) {
                    if (!row.path("status").asText().equals("applied")) {
                        throw new IllegalStateException(gw + " version " + version + ": " + row);
                    }
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException(gw + " did not apply version " + version + " within " + max);
    }

    private static JsonNode call(URI base, String token, String method, String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return MessageCodec.mapper().readTree(response.body());
    }
}
