package org.anxin.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.anxin.protocol.MessageCodec;

/** A caller of the bridge's REST API, logged in as the test operator ({@link OperatorApi}). */
final class Api {

    record Response(int status, JsonNode json) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;
    private final String token;

    Api(URI base) {
        this.base = base;
        this.token = new OperatorApi(base).login().token();
    }

    JsonNode get(String path) {
        Response r = call("GET", path);
        if (r.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.status() + ": " + r.json());
        }
        return r.json();
    }

    Response call(String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token)
                .build();
        try {
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), MessageCodec.mapper().readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
