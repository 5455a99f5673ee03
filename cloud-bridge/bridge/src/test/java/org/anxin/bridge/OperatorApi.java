package org.anxin.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.anxin.protocol.MessageCodec;

/** A caller of the REST API with a login, sending and receiving JSON. */
final class OperatorApi {

    static final String USER = "admin";
    static final String PASSWORD = "correct horse battery";

    record Response(int status, String body) {

        JsonNode json() {
            try {
                return MessageCodec.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;
    private String token;

    OperatorApi(URI base) {
        this.base = base;
    }

    String token() {
        return token;
    }

    /** The same session, sent to another address (a restarted bridge's). */
    OperatorApi at(URI other) {
        OperatorApi copy = new OperatorApi(other);
        copy.token = token;
        return copy;
    }

    /** Logs in as the test operator, the administrator the bridge was started with. */
    OperatorApi login() {
        return login(USER, PASSWORD);
    }

    /** Logs in as this operator. */
    OperatorApi login(String user, String password) {
        Response r = send("POST", "api/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
        if (r.status() != 200) {
            throw new AssertionError("login answered " + r.status() + ": " + r.body());
        }
        token = r.json().get("token").asText();
        return this;
    }

    Response send(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends and expects a 2xx answer. */
    JsonNode ok(String method, String path, String json) {
        Response r = send(method, path, json);
        if (r.status() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    JsonNode get(String path) {
        return ok("GET", path, null);
    }

    static JsonNode parse(String json) {
        try {
            return MessageCodec.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON from single quotes, to keep test bodies readable. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }
}
