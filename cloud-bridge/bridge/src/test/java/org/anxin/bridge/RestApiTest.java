package org.anxin.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API's answers to requests it cannot serve. No broker is running: the API works without it. */
class RestApiTest {

    @TempDir
    Path dir;
    private Bridge bridge;
    private Api api;

    @BeforeEach
    void start() {
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .build());
        api = new Api(bridge.httpUri());
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    @Test
    void theViewsOfGatewaysAndAlertsNeedALogin() {
        Api.Response r = anonymous("api/alerts");
        assertThat(r.status()).isEqualTo(401);
        assertThat(anonymous("api/gateways").status()).isEqualTo(401);
        assertThat(anonymous("api/health").status()).isEqualTo(200);
    }

    private Api.Response anonymous(String path) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(bridge.httpUri().resolve(path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            return new Api.Response(response.statusCode(), org.anxin.protocol.MessageCodec.mapper().readTree(response.body()));
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unknownPathIs404WithJsonError() {
        Api.Response r = api.call("GET", "api/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("/api/nothing-here");
        assertThat(api.call("GET", "").status()).isEqualTo(404);
    }

    @Test
    void unknownAlertIs404() {
        Api.Response r = api.call("GET", "api/alerts/gw-1/FIRE/x/1");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("FIRE/x/1", "gw-1");
    }

    @Test
    void badQueryParametersAre400WithTheReason() {
        assertError(api.call("GET", "api/alerts?state=open"), 400, "state must be 'raised' or 'cleared'");
        assertError(api.call("GET", "api/alerts?limit=ten"), 400, "limit must be a whole number from 1 to 1000");
        assertError(api.call("GET", "api/alerts?limit=0"), 400, "limit");
        assertError(api.call("GET", "api/alerts?gateway=a%20b"), 400, "is not a gateway id");
        assertError(api.call("GET", "api/alerts?colour=red"), 400, "unknown query parameter 'colour'");
        assertError(api.call("GET", "api/alerts?state=raised&state=cleared"), 400, "more than once");
    }

    @Test
    void wrongMethodIs405() {
        assertError(api.call("POST", "api/alerts"), 405, "use GET");
        assertError(api.call("DELETE", "api/gateways"), 405, "use GET");
    }

    @Test
    void emptyListsAndDegradedHealthWhileTheBrokerIsDown() {
        assertThat(api.get("api/gateways")).isEmpty();
        assertThat(api.get("api/alerts?state=raised&limit=5")).isEmpty();
        var health = api.get("api/health");
        assertThat(health.get("status").asText()).isEqualTo("degraded");
        assertThat(health.get("database").asText()).isEqualTo("ok");
        assertThat(health.get("mqtt").get("connected").asBoolean()).isFalse();
        assertThat(health.get("counters").fieldNames()).toIterable()
                .contains("received", "duplicates", "malformed", "gaps", "notificationsDelivered", "notificationsFailed");
    }

    private static void assertError(Api.Response r, int status, String message) {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }
}
