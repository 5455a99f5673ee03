package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.anxin.bridge.core.BridgeOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Homes, people, centres and policies through the REST API: login, storage, and clear refusals. */
class ManagementApiTest {

    @TempDir
    Path dir;
    private Bridge bridge;
    private OperatorApi api;
    private OperatorApi anonymous;

    @BeforeEach
    void start() {
        // no broker is needed for the API; the bridge keeps trying to connect in the background
        bridge = Bridge.start(BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key")).brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort())
                .jdbcUrl("jdbc:sqlite:" + dir.resolve("bridge.db")).httpPort(0)
                .admin(OperatorApi.USER, OperatorApi.PASSWORD).build());
        anonymous = new OperatorApi(bridge.httpUri());
        api = new OperatorApi(bridge.httpUri()).login();
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private static void assertError(OperatorApi.Response r, int status, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).contains(message);
    }

    @Test
    void managementNeedsALoginAndAWrongPasswordGetsNone() {
        assertError(anonymous.send("GET", "api/homes", null), 401, "log in first");
        assertError(anonymous.send("PUT", "api/centres/c1", json("{'name':'x'}")), 401, "log in first");
        assertError(anonymous.send("GET", "api/incidents/export", null), 401, "log in first");
        assertError(anonymous.send("POST", "api/login", json("{'username':'admin','password':'wrong password'}")),
                401, "wrong user name or password");
        assertError(anonymous.send("POST", "api/login", json("{'username':'nobody','password':'whatever12345'}")),
                401, "wrong user name or password");
        // health and the API description stay open
        assertThat(anonymous.send("GET", "api/health", null).status()).isEqualTo(200);
        assertThat(anonymous.send("GET", "api/openapi.json", null).status()).isEqualTo(200);

        api.ok("POST", "api/logout", null);
        assertError(api.send("GET", "api/homes", null), 401, "unknown or has expired");
    }

    @Test
    void anOperatorKeepsHomesWithTheirGatewaysPeopleAndCentre() {
        api.ok("PUT", "api/centres/donghu", json("{'name':'Donghu centre','phone':'027-8888 1234'}"));
        JsonNode home = api.ok("PUT", "api/homes/wc-0001", json("{'elderName':'Wang Lan','district':'Wuchang',"
                + "'street':'Zhongnan','community':'Shuiguohu','category':'empty_nest','centreId':'donghu',"
                + "'gateways':['gw-0001','gw-0002']}"));
        assertThat(home.get("gateways").toString()).isEqualTo("[\"gw-0001\",\"gw-0002\"]");
        JsonNode first = api.ok("POST", "api/homes/wc-0001/people", json("{'role':'contact','name':'Li Na',"
                + "'relation':'daughter','phone':'+86 138 0000 1111'}"));
        assertThat(first.get("position").asInt()).isEqualTo(1);
        assertThat(first.get("phone").asText()).isEqualTo("+8613800001111");
        JsonNode second = api.ok("POST", "api/homes/wc-0001/people", json("{'role':'contact','name':'Zhao Gang',"
                + "'email':'zhao@anxin.example'}"));
        assertThat(second.get("position").asInt()).isEqualTo(2);
        api.ok("POST", "api/homes/wc-0001/people", json("{'role':'visitor','name':'Chen Jing','phone':'13900002222'}"));

        JsonNode stored = api.get("api/homes/wc-0001");
        assertThat(stored.get("centreId").asText()).isEqualTo("donghu");
        assertThat(stored.get("people")).hasSize(3);
        assertThat(stored.get("people").get(0).get("name").asText()).isEqualTo("Li Na");
        assertThat(api.get("api/homes")).hasSize(1);

        api.ok("DELETE", "api/homes/wc-0001/people/" + first.get("id").asText(), null);
        assertThat(api.get("api/homes/wc-0001").get("people")).hasSize(2);
        assertError(api.send("DELETE", "api/centres/donghu", null), 409, "still serves 1 home");

        // a gateway moves only when its old home lets it go
        api.ok("PUT", "api/homes/wc-0002", json("{'district':'D','street':'S','community':'C','category':'other'}"));
        assertError(api.send("PUT", "api/homes/wc-0002", json("{'district':'D','street':'S','community':'C',"
                + "'category':'other','gateways':['gw-0002']}")), 409, "gateway 'gw-0002' already belongs to home 'wc-0001'");

        api.ok("DELETE", "api/homes/wc-0001", null);
        assertError(api.send("GET", "api/homes/wc-0001", null), 404, "no home 'wc-0001'");
    }

    @Test
    void aHomeEditThatLeavesOutTheGatewaysKeepsThemAndEveryOtherFieldItDoesNotName() {
        api.ok("PUT", "api/centres/donghu", json("{'name':'Donghu centre','phone':'027-8888 1234'}"));
        api.ok("PUT", "api/homes/wc-0001", json("{'elderName':'Wang Lan','district':'Wuchang','street':'Zhongnan',"
                + "'community':'Shuiguohu','address':'Building 3','category':'empty_nest','centreId':'donghu',"
                + "'gateways':['gw-0001','gw-0002']}"));
        api.ok("POST", "api/homes/wc-0001/people", json("{'role':'contact','name':'Li Na','phone':'13800001111'}"));

        // the edit an operator makes to correct a name: nothing else is named, nothing else changes
        JsonNode edited = api.ok("PUT", "api/homes/wc-0001", json("{'elderName':'Wang Lanying'}"));
        assertThat(edited.get("elderName").asText()).isEqualTo("Wang Lanying");
        JsonNode stored = api.get("api/homes/wc-0001");
        assertThat(stored.get("gateways").toString()).isEqualTo("[\"gw-0001\",\"gw-0002\"]");
        assertThat(stored.get("community").asText()).isEqualTo("Shuiguohu");
        assertThat(stored.get("address").asText()).isEqualTo("Building 3");
        assertThat(stored.get("centreId").asText()).isEqualTo("donghu");
        assertThat(stored.get("category").asText()).isEqualTo("empty_nest");
        assertThat(stored.get("people")).hasSize(1);

        // letting gateways go, or clearing an optional field, is said explicitly
        api.ok("PUT", "api/homes/wc-0001", json("{'gateways':['gw-0002'],'address':''}"));
        stored = api.get("api/homes/wc-0001");
        assertThat(stored.get("gateways").toString()).isEqualTo("[\"gw-0002\"]");
        assertThat(stored.path("address").isMissingNode() || stored.get("address").isNull()).isTrue();
        api.ok("PUT", "api/homes/wc-0001", json("{'gateways':[]}"));
        assertThat(api.get("api/homes/wc-0001").get("gateways")).isEmpty();

        // a new home still needs every required field
        assertError(api.send("PUT", "api/homes/wc-0009", json("{'elderName':'Zhang'}")), 400, "district is required");
    }

    @Test
    void badInputIsRefusedWithA4xxThatSaysWhatIsWrong() {
        assertError(api.send("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C',"
                + "'category':'lonely'}")), 400, "category must be one of");
        assertError(api.send("PUT", "api/homes/h1", json("{'district':'D','street':'S','category':'other'}")),
                400, "community is required");
        assertError(api.send("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C',"
                + "'category':'other','centreId':'nowhere'}")), 400, "centreId 'nowhere' names no centre");
        assertError(api.send("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C',"
                + "'category':'other','gateways':['gw 1']}")), 400, "is not a gateway id");
        assertError(api.send("PUT", "api/homes/h1", json("{'district':'D','colour':'red'}")), 400, "unknown field 'colour'");
        assertError(api.send("PUT", "api/homes/h1", "{not json"), 400, "not valid JSON");
        assertError(api.send("PUT", "api/homes/h1", null), 400, "a JSON request body is expected");
        assertError(api.send("PUT", "api/homes/bad%20id", json("{'district':'D','street':'S','community':'C',"
                + "'category':'other'}")), 400, "home id 'bad id' must match");
        assertError(api.send("PUT", "api/homes/h1", "x".repeat(70_000)), 413, "larger than");

        api.ok("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C','category':'other'}"));
        assertError(api.send("POST", "api/homes/h1/people", json("{'role':'cousin','name':'A','phone':'123456'}")),
                400, "role must be contact, visitor or installer");
        assertError(api.send("POST", "api/homes/h1/people", json("{'role':'contact','name':'A','phone':'call me'}")),
                400, "phone must be digits");
        assertError(api.send("POST", "api/homes/h1/people", json("{'role':'contact','name':'A','email':'a.example'}")),
                400, "is not an e-mail address");
        assertError(api.send("POST", "api/homes/h1/people", json("{'role':'contact','name':'A','webhook':'ftp://x/y'}")),
                400, "webhook must be an http:// or https:// URL");
        assertError(api.send("POST", "api/homes/h1/people", json("{'role':'contact','name':'A'}")),
                400, "at least one of phone, email or webhook");
        assertError(api.send("POST", "api/homes/nope/people", json("{'role':'contact','name':'A','phone':'123456'}")),
                404, "no home 'nope'");

        assertError(api.send("PUT", "api/policies/urgent", json("{'steps':[]}")), 404, "no severity 'urgent'");
        assertError(api.send("PUT", "api/policies/critical", json("{'steps':[]}")), 400, "at least one step");
        assertError(api.send("PUT", "api/policies/critical", json("{'steps':[{'notify':['contacts'],"
                + "'channels':['fax'],'waitSeconds':60}]}")), 400, "step 1: unknown channel 'fax'");
        assertError(api.send("PUT", "api/policies/critical", json("{'steps':[{'notify':['mayor'],"
                + "'channels':['sms'],'waitSeconds':60}]}")), 400, "step 1: cannot notify 'mayor'");
        assertError(api.send("PUT", "api/policies/critical", json("{'steps':[{'notify':['contacts'],"
                + "'channels':['sms'],'waitSeconds':0}],'repeat':true}")), 400, "must wait at least 1 second");

        assertError(api.send("DELETE", "api/policies/critical", null), 405, "use GET or PUT");
        assertError(api.send("GET", "api/incidents?from=yesterday", null), 400, "from must be an ISO-8601 instant");
        assertError(api.send("GET", "api/deliveries?state=lost", null), 400, "state must be pending");
        assertError(api.send("POST", "api/incidents/gw-1/FIRE/x/1/ack", null), 404, "no escalation");
        assertThat(bridge.counters().rejectedRequests()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aCriticalPolicyThatWouldReachNobodyIsRefusedWith422SayingWhy() {
        JsonNode before = api.get("api/policies/critical");

        // the attack in issue 17: e-mail the installers after a day; this bridge has no SMTP either
        OperatorApi.Response refused = api.send("PUT", "api/policies/critical", json("{'steps':["
                + "{'notify':['installers'],'channels':['webhook'],'waitSeconds':86400},"
                + "{'notify':['installers','contacts'],'channels':['email'],'waitSeconds':60}]}"));
        assertError(refused, 422, "reaches nobody");
        String error = refused.json().get("error").asText();
        assertThat(error).contains("step 1 notifies [installers], none of them a responder");
        assertThat(error).contains("step 2 starts only after 86400 s");
        assertThat(error).contains("uses [email], none of them configured on this bridge");
        assertThat(api.get("api/policies/critical")).isEqualTo(before);

        // a warning policy may be as slow as its owner likes
        api.ok("PUT", "api/policies/warning", json("{'steps':[{'notify':['installers'],'channels':['webhook'],"
                + "'waitSeconds':60}]}"));
        // and a critical one that reaches the centre by webhook at once is taken
        api.ok("PUT", "api/policies/critical", json("{'steps':[{'notify':['installers'],'channels':['webhook'],"
                + "'waitSeconds':60},{'notify':['centre'],'channels':['webhook'],'waitSeconds':60}]}"));
    }

    @Test
    void theDefaultPoliciesFollowThePolicyPapers() {
        JsonNode critical = api.get("api/policies/critical");
        assertThat(critical.get("repeat").asBoolean()).isTrue();
        assertThat(critical.get("steps").get(0).get("notify").toString()).isEqualTo("[\"contacts\",\"visitors\"]");
        assertThat(critical.get("steps").get(0).get("waitSeconds").asLong()).isEqualTo(300);
        assertThat(critical.get("steps").get(1).get("notify").toString()).isEqualTo("[\"centre\"]");
        JsonNode warning = api.get("api/policies/warning");
        assertThat(warning.get("steps").get(0).get("notify").toString()).isEqualTo("[\"visitors\",\"contact:1\"]");
        assertThat(warning.get("steps").get(0).get("waitSeconds").asLong()).isEqualTo(1800);
        assertThat(warning.get("steps").get(1).get("notify").toString()).isEqualTo("[\"contact:2\"]");
        assertThat(api.get("api/policies/maintenance").get("steps").get(0).get("notify").toString())
                .isEqualTo("[\"installers\"]");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRouteTheBridgeServes() {
        JsonNode doc = anonymous.get("api/openapi.json");
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        JsonNode paths = doc.get("paths");
        assertThat(paths.size()).isGreaterThanOrEqualTo(20);
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = entry.getKey().substring(1).replace("{gateway}", "gw-1").replace("{alertId}", "FIRE/x/1")
                    .replace("{severity}", "critical").replace("{personId}", "p1").replace("{token}", "t0k3n")
                    .replace("{id}", "h1").replace("{username}", "someone");
            for (Iterator<String> methods = entry.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next();
                if (method.equals("parameters")) {
                    continue;
                }
                OperatorApi.Response r = api.send(method.toUpperCase(), path, "{}");
                assertThat(r.status()).as(method + " " + path + ": " + r.body()).isNotEqualTo(405);
                if (r.status() == 404) {
                    assertThat(r.json().get("error").asText()).as(method + " " + path)
                            .doesNotStartWith("no such resource");
                }
            }
        }
        assertThat(api.send("GET", "api/nothing", null).json().get("error").asText()).startsWith("no such resource");
    }
}
