package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.anxin.bridge.core.BridgeOptions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operators listed, disabled, deleted, given roles and new passwords through the API, and the V8 migration of old ones. */
class OperatorAccountsTest {

    private static final String PASSWORD = "accounts test secret";

    @TempDir
    Path dir;
    private Bridge bridge;
    private OperatorApi admin;

    @BeforeEach
    void start() {
        bridge = startBridge();
        admin = new OperatorApi(bridge.httpUri()).login();
        admin.ok("PUT", "api/centres/donghu", json("{'name':'Donghu centre'}"));
    }

    private Bridge startBridge() {
        return Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD).build());
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private static void assertError(OperatorApi.Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }

    private void create(String username, String role, String scopeField, String scope) {
        admin.ok("POST", "api/operators", json("{'username':'" + username + "','password':'" + PASSWORD + "','role':'"
                + role + "'" + (scopeField == null ? "" : ",'" + scopeField + "':'" + scope + "'") + "}"));
    }

    private OperatorApi as(String username) {
        return new OperatorApi(bridge.httpUri()).login(username, PASSWORD);
    }

    private static List<String> usernames(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(o -> names.add(o.get("username").asText()));
        return names;
    }

    @Test
    void anAdministratorListsDisablesAndDeletesOperatorsAndTheirTokensStopWorkingAtOnce() {
        create("op-1", "centre_operator", "centre", "donghu");
        create("op-2", "visitor", "person", "chen.jing@anxin.example");
        JsonNode list = admin.get("api/operators");
        assertThat(usernames(list)).containsExactly("admin", "op-1", "op-2");
        assertThat(list.get(1).get("role").asText()).isEqualTo("centre_operator");
        assertThat(list.get(1).get("centre").asText()).isEqualTo("donghu");
        assertThat(list.toString()).doesNotContain("password").doesNotContain("PBKDF2");

        OperatorApi one = as("op-1");
        OperatorApi two = as("op-2");
        assertThat(one.get("api/homes")).isEmpty();

        JsonNode disabled = admin.ok("PATCH", "api/operators/op-1", json("{'disabled':true}"));
        assertThat(disabled.get("disabled").asBoolean()).isTrue();
        assertError(one.send("GET", "api/homes", null), 401, "log in again");
        assertError(new OperatorApi(bridge.httpUri()).send("POST", "api/login",
                json("{'username':'op-1','password':'" + PASSWORD + "'}")), 401, "wrong user name or password");
        admin.ok("PATCH", "api/operators/op-1", json("{'disabled':false}"));
        assertThat(as("op-1").get("api/me").get("username").asText()).isEqualTo("op-1");

        admin.ok("DELETE", "api/operators/op-2", null);
        assertError(two.send("GET", "api/homes", null), 401, "log in again");
        assertThat(usernames(admin.get("api/operators"))).containsExactly("admin", "op-1");
        assertError(admin.send("GET", "api/operators/op-2", null), 404, "no operator 'op-2'");
        assertError(admin.send("DELETE", "api/operators/op-2", null), 404, "no operator 'op-2'");
    }

    @Test
    void aRoleChangeAppliesToTheNextRequestOfALiveSession() {
        create("op-1", "centre_operator", "centre", "donghu");
        OperatorApi one = as("op-1");
        assertThat(one.send("GET", "api/operators", null).status()).isEqualTo(403);
        admin.ok("PATCH", "api/operators/op-1", json("{'role':'administrator'}"));
        assertThat(usernames(one.get("api/operators"))).contains("op-1");
        JsonNode back = admin.ok("PATCH", "api/operators/op-1", json("{'role':'installer','person':'+86 139 0000 3333'}"));
        assertThat(back.get("person").asText()).isEqualTo("+8613900003333");
        assertThat(one.send("GET", "api/operators", null).status()).isEqualTo(403);
        assertError(admin.send("PATCH", "api/operators/op-1", json("{'role':'centre_operator'}")), 400,
                "centre is required for a centre operator");
        assertError(admin.send("PATCH", "api/operators/op-1", json("{'role':'centre_operator','centre':'nowhere'}")),
                400, "centre 'nowhere' names no centre");
    }

    @Test
    void aWeakPasswordIsRefusedWithAClear400() {
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'1234567890',"
                + "'role':'visitor','person':'a@anxin.example'}")), 400, "password must have at least 12 characters");
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'123456789012',"
                + "'role':'visitor','person':'a@anxin.example'}")), 400, "password must not be all digits");
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'Password1234',"
                + "'role':'visitor','person':'a@anxin.example'}")), 400, "too easy to guess");
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'abababababab',"
                + "'role':'visitor','person':'a@anxin.example'}")), 400, "at least 5 different characters");
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'" + PASSWORD + "'}")),
                400, "role is required");
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'" + PASSWORD + "',"
                + "'role':'visitor'}")), 400, "person is required for a visitor");
        assertError(admin.send("POST", "api/operators", json("{'username':'op-1','password':'" + PASSWORD + "',"
                + "'role':'mayor'}")), 400, "role must be administrator, centre_operator, visitor or installer");
        assertThat(usernames(admin.get("api/operators"))).containsExactly("admin");
        assertError(admin.send("PUT", "api/operators/admin/password", json("{'password':'1234567890'}")), 400,
                "password must have at least 12 characters");
        assertThat(new OperatorApi(bridge.httpUri()).login().token()).isNotEmpty();
    }

    @Test
    void aPasswordResetOrChangeEndsEverySessionOfThatOperatorAndNoOther() {
        create("op-1", "centre_operator", "centre", "donghu");
        OperatorApi first = as("op-1");
        OperatorApi second = as("op-1");
        admin.ok("PUT", "api/operators/op-1/password", json("{'password':'a new secret for op-1'}"));
        assertError(first.send("GET", "api/homes", null), 401, "log in again");
        assertError(second.send("GET", "api/homes", null), 401, "log in again");
        assertThat(admin.get("api/homes")).isEmpty();
        assertError(new OperatorApi(bridge.httpUri()).send("POST", "api/login",
                json("{'username':'op-1','password':'" + PASSWORD + "'}")), 401, "wrong user name or password");

        OperatorApi again = new OperatorApi(bridge.httpUri()).login("op-1", "a new secret for op-1");
        assertError(again.send("PUT", "api/me/password", json("{'password':'yet another secret','currentPassword':"
                + "'not my password'}")), 403, "currentPassword is wrong");
        assertError(again.send("PUT", "api/me/password", json("{'password':'yet another secret'}")), 400,
                "currentPassword is required");
        again.ok("PUT", "api/me/password", json("{'password':'yet another secret','currentPassword':"
                + "'a new secret for op-1'}"));
        assertError(again.send("GET", "api/homes", null), 401, "log in again");
        assertThat(new OperatorApi(bridge.httpUri()).login("op-1", "yet another secret").get("api/me")
                .get("role").asText()).isEqualTo("centre_operator");
    }

    @Test
    void theLastEnabledAdministratorCannotBeDeletedDisabledOrDemoted() {
        assertError(admin.send("DELETE", "api/operators/admin", null), 409, "last enabled administrator");
        assertError(admin.send("PATCH", "api/operators/admin", json("{'disabled':true}")), 409,
                "last enabled administrator");
        assertError(admin.send("PATCH", "api/operators/admin", json("{'role':'visitor','person':'a@anxin.example'}")),
                409, "last enabled administrator");
        assertThat(admin.get("api/me").get("role").asText()).isEqualTo("administrator");
        create("admin-2", "administrator", null, null);
        admin.ok("PATCH", "api/operators/admin", json("{'disabled':true}"));
        assertError(admin.send("GET", "api/me", null), 401, "log in again");
    }

    @Test
    void aRestartWithTheSameAdministratorPasswordKeepsItsSessions() {
        bridge.close();
        bridge = startBridge();
        OperatorApi again = new OperatorApi(bridge.httpUri()).login();
        bridge.close();
        bridge = startBridge();
        assertThat(again.at(bridge.httpUri()).get("api/me").get("username").asText()).isEqualTo(OperatorApi.USER);
    }

    @Test
    void operatorsStoredBeforeRolesGetTheLeastRoleAndTheFirstBecomesTheAdministrator() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("old.db");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("5").load().migrate();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO operators (username, password_hash, created_at) VALUES (?, ?, ?)")) {
            for (Object[] row : new Object[][] {{"zhang", 1000L}, {"first", 10L}, {"li", 500L}}) {
                ps.setString(1, (String) row[0]);
                ps.setString(2, Operators.hash(PASSWORD));
                ps.setLong(3, (Long) row[1]);
                ps.executeUpdate();
            }
        }
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT username, role, scope FROM operators ORDER BY username");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "=" + rs.getString(2) + "/" + rs.getString(3));
            }
        }
        assertThat(rows).containsExactly("first=administrator/null", "li=visitor/null", "zhang=visitor/null");

        // and a visitor with no scope sees nothing of a bridge that has homes
        bridge.close();
        bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort()).jdbcUrl(url).httpPort(0).build());
        OperatorApi first = new OperatorApi(bridge.httpUri()).login("first", PASSWORD);
        first.ok("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C','category':'other'}"));
        OperatorApi li = new OperatorApi(bridge.httpUri()).login("li", PASSWORD);
        assertThat(li.get("api/homes")).isEmpty();
        assertError(li.send("GET", "api/homes/h1", null), 404, "no home 'h1'");
    }
}
