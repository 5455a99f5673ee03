package org.anxin.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Signatures;

/**
 * Registers the simulated gateways with the bridge as {@code ./anxin provision} does: each
 * gateway's home ({@code PUT /api/homes/{id}}) and its public key
 * ({@code POST /api/gateways/{id}/provision}), so that the bridge verifies their signatures.
 */
final class Provisioner {

    private static final int PARALLEL = 8;
    private final URI bridge;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    Provisioner(URI bridge, String user, String password) throws IOException, InterruptedException {
        this.bridge = bridge;
        ObjectNode login = MessageCodec.mapper().createObjectNode().put("username", user).put("password", password);
        HttpResponse<String> r = send("POST", "/api/login", login.toString(), null);
        if (r.statusCode() != 200) {
            throw new IOException("login to " + bridge + " as " + user + " answered " + r.statusCode() + ": " + r.body());
        }
        token = MessageCodec.mapper().readTree(r.body()).path("token").asText();
    }

    /** One home per gateway, {@code home-<gateway>}, with the gateway's key registered. */
    void provision(List<String> gateways, List<PublicKey> keys) throws IOException, InterruptedException {
        Semaphore room = new Semaphore(PARALLEL);
        CompletableFuture<?>[] all = new CompletableFuture<?>[gateways.size()];
        for (int i = 0; i < gateways.size(); i++) {
            String gateway = gateways.get(i);
            String home = "home-" + gateway;
            ObjectNode homeBody = MessageCodec.mapper().createObjectNode().put("district", "Load").put("street", "Test")
                    .put("community", "loadgen").put("category", "living_alone");
            ObjectNode key = MessageCodec.mapper().createObjectNode().put("home", home)
                    .put("gatewayKey", Signatures.encode(keys.get(i)));
            room.acquire();
            all[i] = sendAsync("PUT", "/api/homes/" + home, homeBody.toString())
                    .thenCompose(r -> expect(r, "home " + home))
                    .thenCompose(v -> sendAsync("POST", "/api/gateways/" + gateway + "/provision", key.toString()))
                    .thenCompose(r -> expect(r, "gateway " + gateway))
                    .whenComplete((v, e) -> room.release());
        }
        try {
            CompletableFuture.allOf(all).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException("provisioning failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static CompletableFuture<Void> expect(HttpResponse<String> r, String what) {
        if (r.statusCode() / 100 != 2) {
            return CompletableFuture.failedFuture(new IOException(what + ": " + r.statusCode() + " " + r.body()));
        }
        return CompletableFuture.completedFuture(null);
    }

    private HttpRequest request(String method, String path, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(bridge.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer)
            throws IOException, InterruptedException {
        return http.send(request(method, path, body, bearer), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String body) {
        return http.sendAsync(request(method, path, body, token), HttpResponse.BodyHandlers.ofString());
    }
}
