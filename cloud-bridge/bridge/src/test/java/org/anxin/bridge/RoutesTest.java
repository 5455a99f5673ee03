package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.store.Access;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route table: the same routes as the OpenAPI document, and default deny. */
class RoutesTest {

    @TempDir
    Path dir;

    @Test
    void theTableAndTheOpenApiDocumentNameTheSameRoutes() {
        Set<String> documented = new TreeSet<>();
        JsonNode paths = OperatorApi.parse(OpenApi.document()).get("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            e.getValue().fieldNames().forEachRemaining(m -> {
                if (!m.equals("parameters")) {
                    documented.add(m.toUpperCase() + " " + e.getKey());
                }
            });
        }
        Set<String> table = new TreeSet<>();
        Routes.TABLE.forEach(r -> table.add(r.method() + " " + r.pattern().replace("*}", "}")));
        assertThat(table).isEqualTo(documented);
    }

    @Test
    void patternsMatchWholeSegmentsAndAnAlertIdMayHoldSlashes() {
        assertThat(Routes.matches("/api/homes/{id}", "/api/homes/h1")).isTrue();
        assertThat(Routes.matches("/api/homes/{id}", "/api/homes/")).isFalse();
        assertThat(Routes.matches("/api/homes/{id}", "/api/homes/h1/people")).isFalse();
        assertThat(Routes.matches("/api/incidents/{gateway}/{alertId*}/ack", "/api/incidents/gw-1/FIRE/x/1/ack")).isTrue();
        assertThat(Routes.matches("/api/incidents/{gateway}/{alertId*}/ack", "/api/incidents/gw-1/ack")).isFalse();
        assertThat(Routes.matches("/api/incidents/{gateway}/{alertId*}", "/api/incidents/gw-1")).isFalse();
        assertThat(Routes.find("POST", "/api/incidents/gw-1/FIRE/x/1/ack").route().pattern())
                .isEqualTo("/api/incidents/{gateway}/{alertId*}/ack");
        assertThat(Routes.find("GET", "/api/incidents/export").route().roles()).doesNotContain(Access.Role.VISITOR);
        assertThat(Routes.find("PATCH", "/api/homes/h1").allowed()).containsExactly("GET", "PUT", "DELETE");
        assertThat(Routes.find("GET", "/api/nothing").allowed()).isEmpty();
    }

    @Test
    void aPathWithoutAnEntryIsRefusedEvenForAnAdministratorAndEvenWhereAHandlerWouldAnswer() {
        try (Bridge bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort()).jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db"))
                .httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD).build())) {
            OperatorApi admin = new OperatorApi(bridge.httpUri()).login();
            // the operators handler reads only the first segment after /api/operators/: the table refuses the rest
            OperatorApi.Response r = admin.send("GET", "api/operators/admin/extra", null);
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).startsWith("no such resource");
            assertThat(admin.send("DELETE", "api/operators/admin/extra", null).status()).isEqualTo(404);
            assertThat(admin.get("api/operators/admin").get("role").asText()).isEqualTo("administrator");
            // and no login is asked for a route that does not exist, nor given for one that does
            OperatorApi anonymous = new OperatorApi(bridge.httpUri());
            assertThat(anonymous.send("GET", "api/nothing", null).status()).isEqualTo(404);
            assertThat(anonymous.send("POST", "api/operators", json("{'username':'x','password':'a long enough secret',"
                    + "'role':'administrator'}")).status()).isEqualTo(401);
        }
    }
}
