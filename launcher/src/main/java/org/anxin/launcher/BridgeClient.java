package org.anxin.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.anxin.protocol.MessageCodec;

/** The bridge's REST API as a logged-in operator, for the commands an installer runs at a shell. */
final class BridgeClient {

    /** An answer: its HTTP status and JSON body (an {@code error} field when refused). */
    record Answer(int status, JsonNode json) {
        boolean ok() {
            return status / 100 == 2;
        }

        String error() {
            return json.path("error").asText(json.toString());
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final Duration timeout;
    private String token;

    private BridgeClient(URI bridge, Duration timeout) {
        this.base = bridge.toString().endsWith("/") ? bridge : URI.create(bridge + "/");
        this.timeout = timeout;
    }

    /** @throws IOException when the bridge cannot be reached or refuses the login, with its reason */
    static BridgeClient login(URI bridge, String user, String password, Duration timeout) throws IOException, InterruptedException {
        BridgeClient client = new BridgeClient(bridge, timeout);
        Answer login = client.post("api/login", java.util.Map.of("username", user, "password", password));
        if (!login.ok()) {
            throw new IOException("cannot log in to " + client.base + " as " + user + ": " + login.error());
        }
        client.token = login.json().path("token").asText();
        return client;
    }

    URI base() {
        return base;
    }

    Answer post(String path, Object body) throws IOException, InterruptedException {
        URI uri = base.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(MessageCodec.mapper().writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach the bridge at " + uri + ": " + e.getMessage(), e);
        }
        JsonNode json;
        try {
            json = MessageCodec.mapper().readTree(response.body());
        } catch (IOException e) {
            json = MessageCodec.mapper().createObjectNode().put("error", "an answer that is not JSON: " + response.body());
        }
        return new Answer(response.statusCode(), json);
    }
}
