package org.anxin.bridge;

import static org.anxin.bridge.OperatorApi.json;
import static org.anxin.bridge.store.TestMessages.T;
import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.heartbeat;
import static org.anxin.bridge.store.TestMessages.uniqueGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Channel;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.SignedEnvelope;
import org.anxin.protocol.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-gateway signatures on a real bridge with Moquette, as an attacker who can publish anything on
 * the broker would try them: each forged message is refused, has no effect, is counted and kept in
 * the quarantine with its reason; the genuine, signed messages of the same gateway are heard.
 * Run on SQLite and on PostgreSQL.
 */
abstract class SignedMessagesContract {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private TestBroker broker;
    private Bridge bridge;
    private OperatorApi api;
    private GatewayPublisher attacker;
    private final List<ProtocolGateway> gateways = new ArrayList<>();

    /** A fresh, empty database, the same one for the whole test. */
    abstract String jdbcUrl() throws Exception;

    /** Removes the database, after the bridge stopped. */
    void dropDatabase() throws Exception {
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        attacker = new GatewayPublisher(broker.url(), "attacker-" + UUID.randomUUID());
    }

    private void start(boolean allowUnsigned) throws Exception {
        bridge = Bridge.start(BridgeOptions.builder().signingKeyFile(dir.resolve("signing.key")).brokerUrl(broker.url())
                .jdbcUrl(jdbcUrl()).httpPort(0).admin(OperatorApi.USER, OperatorApi.PASSWORD)
                .supervisionInterval(Duration.ofSeconds(1)).escalationPollInterval(Duration.ofMillis(100))
                .allowUnsignedGateways(allowUnsigned).build());
        api = new OperatorApi(bridge.httpUri()).login();
        api.ok("PUT", "api/homes/h1", json("{'district':'D','street':'S','community':'C','category':'living_alone'}"));
        await().atMost(WAIT).until(bridge::mqttConnected);
    }

    @AfterEach
    void stop() throws Exception {
        for (ProtocolGateway g : gateways) {
            g.clearRetained();
            g.close();
        }
        if (attacker != null) {
            attacker.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (broker != null) {
            broker.close();
        }
        dropDatabase();
    }

    /** A gateway provisioned through the API with a key of its own, signing what it sends. */
    private KeyPair provisioned(String gateway) throws Exception {
        KeyPair key = Signatures.generate();
        JsonNode out = api.ok("POST", "api/gateways/" + gateway + "/provision",
                json("{'home':'h1','gatewayKey':'" + Signatures.encode(key.getPublic()) + "'}"));
        assertThat(out.get("gatewayKeyRegistered").asBoolean()).isTrue();
        return key;
    }

    private ProtocolGateway gateway(String id, KeyPair key) throws Exception {
        ProtocolGateway g = new ProtocolGateway(broker.url(), id);
        g.signWith(key.getPrivate());
        gateways.add(g);
        return g;
    }

    private JsonNode alertsOf(String gateway) {
        return api.get("api/alerts?gateway=" + gateway);
    }

    private String alertState(String gateway, String alertId) {
        for (JsonNode a : alertsOf(gateway)) {
            if (a.get("id").asText().equals(alertId)) {
                return a.get("state").asText();
            }
        }
        return null;
    }

    private List<String> quarantined(String gateway) throws Exception {
        List<String> reasons = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl());
             PreparedStatement ps = c.prepareStatement("SELECT reason FROM quarantine WHERE gateway = ? ORDER BY received_at")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
            }
        }
        return reasons;
    }

    private long healthCounter(String name) {
        return new Api(bridge.httpUri()).get("api/health").get("counters").get(name).asLong();
    }

    @Test
    void aForgedUnsignedClearIsRefusedAndTheGenuineSignedFireStaysRaised() throws Exception {
        start(false);
        String gw = uniqueGateway("clear");
        KeyPair key = provisioned(gw);
        Alert fire = fire();
        gateway(gw, key).publish(alert(gw, 1, fire));
        await().atMost(WAIT).until(() -> "raised".equals(alertState(gw, fire.id())));

        attacker.publish(alert(gw, 2, fire.clear(T.plusSeconds(60), "False alarm, resident is fine, no need to visit")));

        await().atMost(WAIT).until(() -> bridge.counters().unsignedRefused() == 1);
        assertThat(alertState(gw, fire.id())).isEqualTo("raised");
        assertThat(alertsOf(gw)).hasSize(1);
        assertThat(quarantined(gw)).singleElement().asString().contains("unsigned", "registered key");
        assertThat(healthCounter("unsignedRefused")).isEqualTo(1);
        assertThat(bridge.counters().clearsRefused()).as("it never reached the clear's own checks").isZero();
    }

    @Test
    void aClearSignedByAnotherGatewaysKeyIsRefused() throws Exception {
        start(false);
        String gw = uniqueGateway("victim");
        String other = uniqueGateway("other");
        KeyPair key = provisioned(gw);
        KeyPair otherKey = provisioned(other);
        Alert fire = fire();
        gateway(gw, key).publish(alert(gw, 1, fire));
        await().atMost(WAIT).until(() -> "raised".equals(alertState(gw, fire.id())));

        // the other home's gateway is genuine (its key is registered), but it cannot speak for this one
        attacker.publishSigned(alert(gw, 2, fire.clear(T.plusSeconds(60), "detector reports clear")), otherKey.getPrivate());
        attacker.publishSigned(alert(gw, 3, fire.clear(T.plusSeconds(61), "detector reports clear")),
                Signatures.generate().getPrivate());

        await().atMost(WAIT).until(() -> bridge.counters().badSignatures() == 2);
        assertThat(alertState(gw, fire.id())).isEqualTo("raised");
        assertThat(quarantined(gw)).hasSize(2).allSatisfy(r -> assertThat(r).contains("does not verify"));
        assertThat(healthCounter("badSignatures")).isEqualTo(2);
    }

    @Test
    void aGenuineSignedMessageReplayedOnAnotherGatewaysTopicIsRefused() throws Exception {
        start(false);
        String a = uniqueGateway("a");
        String b = uniqueGateway("b");
        KeyPair keyA = provisioned(a);
        KeyPair keyB = provisioned(b);
        gateway(b, keyB);
        Alert fire = fire();
        byte[] genuine = SignedEnvelope.seal(keyA.getPrivate(), alert(a, 1, fire));
        SignedEnvelope opened = SignedEnvelope.open(genuine);

        // verbatim on B's topic; and with its envelope made B's, keeping A's signature
        attacker.publish(Topics.of(b, Channel.ALERT), genuine, Channel.ALERT);
        String asB = new String(opened.envelope(), StandardCharsets.UTF_8).replace("\"gateway\":\"" + a + "\"",
                "\"gateway\":\"" + b + "\"");
        String rewrapped = "{\"schema\":2,\"envelope\":" + MessageCodec.mapper().writeValueAsString(asB)
                + ",\"signature\":\"" + opened.signature() + "\"}";
        attacker.publish(Topics.of(b, Channel.ALERT), rewrapped.getBytes(StandardCharsets.UTF_8), Channel.ALERT);
        // and on A's own topic, A's own signature: heard
        attacker.publish(Topics.of(a, Channel.ALERT), genuine, Channel.ALERT);

        await().atMost(WAIT).until(() -> "raised".equals(alertState(a, fire.id())));
        await().atMost(WAIT).until(() -> bridge.counters().badSignatures() == 2);
        assertThat(alertsOf(b)).isEmpty();
        assertThat(quarantined(b)).hasSize(2);
    }

    @Test
    void forgedHeartbeatsDoNotKeepADeadGatewayOnlineAndItsOwnSignedHeartbeatClearsTheOffline() throws Exception {
        start(false);
        String gw = uniqueGateway("dead");
        KeyPair key = provisioned(gw);
        ProtocolGateway g = gateway(gw, key);
        g.publish(heartbeat(gw, 0));
        await().atMost(WAIT).until(() -> api.get("api/gateways").toString().contains(gw));

        // the gateway is dead; someone keeps its heartbeats coming, unsigned and signed by a stranger
        KeyPair stranger = Signatures.generate();
        AtomicLong n = new AtomicLong();
        ScheduledExecutorService forger = Executors.newSingleThreadScheduledExecutor();
        try {
            forger.scheduleAtFixedRate(() -> {
                try {
                    if (n.incrementAndGet() % 2 == 0) {
                        attacker.publish(heartbeat(gw, 0));
                    } else {
                        attacker.publishSigned(heartbeat(gw, 0), stranger.getPrivate());
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, 0, 200, TimeUnit.MILLISECONDS);

            await().atMost(WAIT).until(() -> alertsOf(gw).size() == 1);
            JsonNode offline = alertsOf(gw).get(0);
            assertThat(offline.get("type").asText()).isEqualTo("GATEWAY_OFFLINE");
            assertThat(offline.get("state").asText()).isEqualTo("raised");
            // still raised while the forgeries go on
            Thread.sleep(1500);
            assertThat(alertsOf(gw).get(0).get("state").asText()).isEqualTo("raised");
            assertThat(bridge.counters().unsignedRefused()).isPositive();
            assertThat(bridge.counters().badSignatures()).isPositive();
        } finally {
            forger.shutdownNow();
        }
        g.publish(Envelope.of(gw, 0, Instant.now(), new org.anxin.protocol.Heartbeat(120, 0)));
        await().atMost(WAIT).until(() -> alertsOf(gw).get(0).get("state").asText().equals("cleared"));
    }

    @Test
    void aForgedCommandResultIsRefusedAndTheOperatorGetsTheGatewaysOwnAnswer() throws Exception {
        start(false);
        String gw = uniqueGateway("siren");
        KeyPair key = provisioned(gw);
        ProtocolGateway g = gateway(gw, key);
        g.send(new GatewayState(GatewayState.Status.ONLINE, "0.1.0", Instant.now()));
        await().atMost(WAIT).until(() -> api.get("api/gateways").toString().contains(gw));
        g.answerWith(command -> {
            // the attacker reads the command on the broker and answers first, unsigned and signed by a stranger
            try {
                attacker.publish(Envelope.of(gw, 50, Instant.now(),
                        CommandResult.done(command.id(), command.name(), Map.of("sounded", true))));
                attacker.publishSigned(Envelope.of(gw, 51, Instant.now(),
                        CommandResult.done(command.id(), command.name(), Map.of("sounded", true))),
                        Signatures.generate().getPrivate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return CommandResult.failed(command.id(), command.name(), "no siren on this gateway");
        });

        JsonNode answer = api.ok("POST", "api/gateways/" + gw + "/commands", json("{'name':'test-siren'}"));

        assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isFalse();
        assertThat(answer.get("error").asText()).isEqualTo("no siren on this gateway");
        assertThat(answer.toString()).doesNotContain("sounded");
        await().atMost(WAIT).until(() -> quarantined(gw).size() == 2);
        assertThat(bridge.counters().commandResults()).isEqualTo(1);
        assertThat(bridge.counters().unknownCommandResults()).isZero();
    }

    @Test
    void aForgedConfigReportDoesNotMakeTheHistoryShowTheGenuineVersionRejected() throws Exception {
        start(false);
        String gw = uniqueGateway("report");
        KeyPair key = provisioned(gw);
        ProtocolGateway g = gateway(gw, key);
        String path = "api/gateways/" + gw + "/config";
        api.ok("PUT", path, json("{'components':{'org.anxin.detection':{'awayMode':false}}}"));
        await().atMost(WAIT).until(() -> !g.documents.isEmpty());
        g.send(new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        await().atMost(WAIT).until(() -> api.get(path).get("desired").get("status").asText().equals("applied"));

        attacker.publish(Envelope.of(gw, 9, Instant.now(),
                new ConfigReport(1, ConfigReport.Outcome.REJECTED, 0, "rejected: forged", List.of())));

        await().atMost(WAIT).until(() -> bridge.counters().unsignedRefused() == 1);
        JsonNode view = api.get(path);
        assertThat(view.get("desired").get("status").asText()).isEqualTo("applied");
        assertThat(view.get("running").asLong()).isEqualTo(1);
        assertThat(view.toString()).doesNotContain("forged");

        // a forged copy of version 1 reached the gateway, which rightly rejects it: its genuine
        // report says so, and the genuine version 1 stays applied
        g.send(new ConfigReport(1, ConfigReport.Outcome.REJECTED, 1, "forged: the signature does not verify", List.of(1L)));
        await().atMost(WAIT).until(() -> bridge.counters().configReports() == 2);
        view = api.get(path);
        assertThat(view.get("desired").get("status").asText()).isEqualTo("applied");
        assertThat(view.get("history").get(0).get("status").asText()).isEqualTo("applied");
        assertThat(view.get("running").asLong()).isEqualTo(1);
        assertThat(bridge.counters().unknownConfigVersions()).isZero();
    }

    @Test
    void aGatewayWithNoKeyIsRefusedByDefaultAndHeardUnsignedOnlyWhenTheBridgeAllowsIt() throws Exception {
        start(false);
        String legacy = uniqueGateway("legacy");
        attacker.publish(alert(legacy, 1, fire()));
        await().atMost(WAIT).until(() -> bridge.counters().unsignedRefused() == 1);
        assertThat(alertsOf(legacy)).isEmpty();
        assertThat(quarantined(legacy)).singleElement().asString().contains("no registered key");
        bridge.close();

        start(true);
        String keyed = uniqueGateway("keyed");
        provisioned(keyed);
        Alert fire = fire();
        attacker.publish(alert(legacy, 2, fire));
        await().atMost(WAIT).until(() -> "raised".equals(alertState(legacy, fire.id())));
        // a gateway with a key must sign, whatever the option says
        attacker.publish(alert(keyed, 1, fire));
        await().atMost(WAIT).until(() -> bridge.counters().unsignedRefused() == 1);
        assertThat(alertsOf(keyed)).isEmpty();
    }

    @Test
    void provisioningRefusesAMalformedKeyAndARegisteredKeyIsReplacedByANewOne() throws Exception {
        start(false);
        String gw = uniqueGateway("rekey");
        OperatorApi.Response bad = api.send("POST", "api/gateways/" + gw + "/provision",
                json("{'home':'h1','gatewayKey':'bm90IGEga2V5'}"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("gatewayKey");
        KeyPair old = provisioned(gw);
        KeyPair fresh = provisioned(gw);

        attacker.publishSigned(alert(gw, 1, fire()), old.getPrivate());
        await().atMost(WAIT).until(() -> bridge.counters().badSignatures() == 1);
        Alert fire = fire();
        attacker.publishSigned(alert(gw, 2, fire), fresh.getPrivate());
        await().atMost(WAIT).until(() -> "raised".equals(alertState(gw, fire.id())));
    }
}
