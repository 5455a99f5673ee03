package org.anxin.bridge;


import static org.anxin.bridge.store.TestMessages.T;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.store.Database;
import org.anxin.bridge.store.IngestStore;
import org.anxin.bridge.store.ReadModel;
import org.anxin.bridge.store.TestDatabase;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ingest, remote configuration and escalation make of a gateway's reports on the stored
 * tables, whichever database is behind them (the store's own guarantees are {@code StorageContract}'s).
 */
abstract class IngestHealthContract {

    private static final String GW = "gw-store";

    private TestDatabase database;
    private Database db;
    private IngestStore ingest;
    private ReadModel reads;

    /** A fresh, empty database. */
    abstract TestDatabase freshDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        database = freshDatabase();
        db = database.open();
        ingest = new IngestStore(db);
        reads = new ReadModel(db);
    }

    /** The health tests' deliveries, whose threads must not outlive the test (BridgeLifecycleTest counts them). */
    private final List<Deliveries> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeDatabase() throws Exception {
        opened.forEach(Deliveries::close);
        db.close();
        database.close();
    }

    @Test
    void configurationVersionsCountUpPerGatewayAndTakeTheGatewaysReports(@TempDir Path keyDir) throws Exception {
        Path keyFile = keyDir.resolve("signing.key");
        SigningKey key = SigningKey.loadOrCreate(keyFile);
        BridgeOptions unreachable = BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(keyFile)
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort()).build();
        try (DownlinkPublisher downlink = new DownlinkPublisher(unreachable, java.time.Clock.systemUTC())) {
            RemoteConfig config = new RemoteConfig(db, key, downlink, java.time.Clock.systemUTC());
            RemoteConfig.Change change = RemoteConfig.change(
                    Map.of("org.anxin.detection", MessageCodec.mapper().readTree("{\"awayMode\":true}")), List.of());
            assertThat(config.push(GW, change, "op", null).version()).isEqualTo(1);
            assertThat(config.push(GW, change, "op", null).version()).isEqualTo(2);
            assertThat(config.push("gw-other", change, "op", null).version()).isEqualTo(1);
            Envelope report = Envelope.of(GW, 1, T, new ConfigReport(2, ConfigReport.Outcome.APPLIED, 2, null,
                    List.of(2L, 1L)));
            ingest.storeOutboxMessage(report, "config-report", "{}", 5000, true,
                    c -> config.applyReport(c, GW, (ConfigReport) report.body(), 5000));
            Envelope again = Envelope.of(GW, 2, T, new ConfigReport(2, ConfigReport.Outcome.APPLIED, 2, null,
                    List.of(2L, 1L)));
            ingest.storeOutboxMessage(again, "config-report", "{}", 6000, true,
                    c -> config.applyReport(c, GW, (ConfigReport) again.body(), 6000));
            Map<String, Object> view = config.view(GW);
            @SuppressWarnings("unchecked")
            Map<String, Object> desired = (Map<String, Object>) view.get("desired");
            assertThat(desired.get("version")).isEqualTo(2L);
            assertThat(desired.get("status")).isEqualTo("applied");
            assertThat(desired.get("published")).isEqualTo(false);
            assertThat(view.get("running")).isEqualTo(2L);
            assertThat(view.get("kept")).isEqualTo(List.of(2, 1));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> history = (List<Map<String, Object>>) view.get("history");
            assertThat(history.get(1).get("status")).as("version 1 never reached it").isEqualTo("superseded");
        }
    }

    // --- health the bridge can see: GATEWAY_DEGRADED and the self-test -------------------------

    /** Ingest as the bridge runs it, on this database, with a clock the test moves. */
    private final class HealthRig {
        final String gw = "gw-health";
        final BridgeCounters counters = new BridgeCounters();
        final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toEpochMilli());
        final java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis.get());
            }
        };
        final RecordingWebhook webhook = new RecordingWebhook();
        final Deliveries deliveries;
        final Map<String, Channel> channels;
        final MessageIngest ingest;
        long seq;

        HealthRig() {
            this(WebhookFeed.NONE);
        }

        HealthRig(WebhookFeed feed) {
            Escalations escalations = new Escalations(db, clock, java.util.Set.of("webhook"),
                    () -> java.net.URI.create("http://bridge.test/"), counters, java.time.ZoneOffset.UTC, List.of(), feed);
            channels = Map.of("webhook", webhook);
            deliveries = new Deliveries(db, channels, 1, java.time.Duration.ofMillis(10), feed, counters, clock);
            opened.add(deliveries);
            GatewaySupervisor supervisor = new GatewaySupervisor(db, java.time.Duration.ofMinutes(3), escalations,
                    counters, clock, java.time.ZoneOffset.UTC);
            ingest = new MessageIngest(new IngestStore(db), escalations, deliveries, counters, clock, null, null,
                    new GatewayKeys(db, clock, true), supervisor);
            Directory directory = new Directory(db, clock);
            directory.putCentre("c1", new Directory.CentreInput("Centre", null, null, "http://centre.test/hook"));
            directory.putHome("h1", new Directory.HomeInput("Wang", "D", "S", "C", null, "living_alone", "c1", List.of(gw)));
            directory.addPerson("h1", new Directory.PersonInput("contact", "Son", "son", null, null, "http://son.test/hook", 1));
            directory.addPerson("h1", new Directory.PersonInput("visitor", "Chen", null, null, null, "http://visitor.test/hook", 1));
            directory.addPerson("h1", new Directory.PersonInput("installer", "Li", null, null, null, "http://installer.test/hook", 1));
        }

        Instant now() {
            return clock.instant();
        }

        void send(org.anxin.protocol.Body body, long envelopeSeq) {
            Envelope e = Envelope.of(gw, envelopeSeq, now(), body);
            ingest.accept(e.topic(), MessageCodec.encode(e), false);
        }

        /** A heartbeat with this health, a minute later. */
        void heartbeat(org.anxin.protocol.GatewayHealth health, long uptimeSeconds) {
            millis.addAndGet(60_000);
            send(new org.anxin.protocol.Heartbeat(uptimeSeconds, 0, health), seq);
        }

        void alert(Alert alert) {
            send(alert, ++seq);
        }

        List<ReadModel.AlertView> degraded() {
            return reads.alerts(new ReadModel.AlertQuery(null, gw, 100)).stream()
                    .filter(a -> a.type().equals("GATEWAY_DEGRADED")).toList();
        }

        List<String> recipientsOf(String alertId) {
            return db.withConnection(c -> {
                List<String> out = new java.util.ArrayList<>();
                try (var ps = c.prepareStatement("SELECT recipient FROM deliveries WHERE gateway = ? AND alert_id = ?"
                        + " AND kind = 'alert' ORDER BY recipient")) {
                    ps.setString(1, gw);
                    ps.setString(2, alertId);
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
                return out;
            });
        }

        long rows(String sql) {
            return db.withConnection(c -> {
                try (var ps = c.prepareStatement(sql)) {
                    ps.setString(1, gw);
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
        }
    }

    private static final org.anxin.protocol.GatewayHealth TYPO = org.anxin.protocol.GatewayHealth.of(List.of(
            new org.anxin.protocol.GatewayHealth.Problem(org.anxin.protocol.GatewayHealth.Code.CONFIG_INVALID,
                    "org.anxin.detection.cfg", "'noWaterHours': 'twelve' is not a whole number")), null);

    @Test
    void aGatewayWhoseHeartbeatsSayTheAlarmPathIsImpairedIsDegradedUntilOneSaysItIsHealthy() {
        HealthRig rig = new HealthRig();
        rig.heartbeat(TYPO, 5);
        assertThat(rig.degraded()).as("one heartbeat: the gateway may still be starting").isEmpty();
        assertThat(reads.gateway(rig.gw).orElseThrow().health().path("problems").get(0).path("subject").asText())
                .isEqualTo("org.anxin.detection.cfg");

        rig.heartbeat(TYPO, 65);
        ReadModel.AlertView raised = rig.degraded().get(0);
        assertThat(raised.state()).isEqualTo("raised");
        assertThat(raised.severity()).isEqualTo("warning");
        assertThat(raised.reason()).contains("alarm path is impaired", "org.anxin.detection.cfg", "'noWaterHours': 'twelve'");
        assertThat(reads.gateway(rig.gw).orElseThrow().degradedAlert()).isEqualTo(raised.id());
        // the installer and the centre, not the family nor the visitor
        assertThat(rig.recipientsOf(raised.id())).containsExactlyInAnyOrder("Li", "Centre");
        assertThat(rig.counters.gatewaysDegraded()).isEqualTo(1);

        rig.heartbeat(TYPO, 125);
        assertThat(rig.degraded()).as("still the one episode").hasSize(1);

        rig.heartbeat(org.anxin.protocol.GatewayHealth.healthy(), 185);
        assertThat(rig.degraded()).singleElement().satisfies(a -> {
            assertThat(a.id()).isEqualTo(raised.id());
            assertThat(a.state()).isEqualTo("cleared");
            assertThat(a.clearReason()).contains("healthy again");
        });
        assertThat(reads.gateway(rig.gw).orElseThrow().degradedAlert()).isNull();
    }

    @Test
    void aHeartbeatWithoutHealthNeitherRaisesNorClearsGatewayDegraded() {
        HealthRig rig = new HealthRig();
        rig.heartbeat(TYPO, 5);
        rig.heartbeat(TYPO, 65);
        rig.heartbeat(null, 125);
        assertThat(rig.degraded()).singleElement().extracting(ReadModel.AlertView::state).isEqualTo("raised");
        assertThat(reads.gateway(rig.gw).orElseThrow().health().path("alarmPathImpaired").asBoolean()).isTrue();
    }

    @Test
    void aGatewayCannotClearGatewayDegradedThroughTheAlertTopic() {
        HealthRig rig = new HealthRig();
        rig.alert(Alert.raise(AlertType.WATER_LEAK, "bath-leak", rig.now(), "leak")); // a stored message: seq 1
        rig.heartbeat(TYPO, 5);
        rig.heartbeat(TYPO, 65);
        ReadModel.AlertView raised = rig.degraded().get(0);
        Alert bridgeOwn = new Alert(raised.id(), AlertType.GATEWAY_DEGRADED, org.anxin.protocol.AlertState.RAISED,
                org.anxin.protocol.Severity.WARNING, null, raised.raisedAt(), "x");
        rig.alert(bridgeOwn.clear(rig.now(), "all is well, trust me"));
        assertThat(rig.degraded()).singleElement().extracting(ReadModel.AlertView::state).isEqualTo("raised");
        assertThat(rig.counters.clearsRefused()).isEqualTo(1);
        assertThat(reads.gateway(rig.gw).orElseThrow().degradedAlert()).isEqualTo(raised.id());
    }

    @Test
    void aSelfTestIsRecordedWithTheGatewayAndNeverNotifiedNorEscalated() {
        HealthRig rig = new HealthRig();
        Alert test = Alert.raise(AlertType.EMERGENCY_CALL, "SELFTEST-1", rig.now(), "emergency call button SELFTEST-1 pressed")
                .asSelfTest();
        rig.alert(test);
        assertThat(reads.alerts(new ReadModel.AlertQuery(null, rig.gw, 100))).isEmpty();
        assertThat(rig.rows("SELECT count(*) FROM escalations WHERE gateway = ?")).isZero();
        assertThat(rig.rows("SELECT count(*) FROM deliveries WHERE gateway = ?")).isZero();
        assertThat(rig.rows("SELECT count(*) FROM events WHERE gateway = ?")).as("its number is no gap").isEqualTo(1);
        ReadModel.SelfTestView recorded = reads.gateway(rig.gw).orElseThrow().selfTest();
        assertThat(recorded.id()).isEqualTo(test.id());
        assertThat(recorded.ranAt()).isEqualTo(test.time());
        assertThat(rig.counters.selfTests()).isEqualTo(1);
    }

    @Test
    void aTestMarkOnAnAlertWithoutASelfTestsIdIsTakenAsTheRealAlarmItMayBe() {
        HealthRig rig = new HealthRig();
        Alert fire = Alert.raise(AlertType.FIRE, "kitchen-smoke", rig.now(), "smoke");
        rig.alert(new Alert(fire.id(), fire.type(), fire.state(), fire.severity(), fire.device(), fire.time(), fire.reason(), true));
        assertThat(reads.alerts(new ReadModel.AlertQuery(null, rig.gw, 100))).singleElement()
                .satisfies(a -> assertThat(a.type()).isEqualTo("FIRE"));
        assertThat(rig.recipientsOf(fire.id())).contains("Son", "Chen");
        assertThat(reads.gateway(rig.gw).orElseThrow().selfTest()).isNull();
    }

    @Test
    void noSelfTestForTwoPeriodsMakesTheGatewayDegradedAndOneArrivingEndsIt() {
        HealthRig rig = new HealthRig();
        org.anxin.protocol.GatewayHealth saysItPassed = org.anxin.protocol.GatewayHealth.of(List.of(),
                new org.anxin.protocol.GatewayHealth.SelfTest(rig.now(), true, "stored", 30));
        rig.heartbeat(saysItPassed, 50 * 60);
        assertThat(rig.degraded()).as("50 min after start, within two periods of 30").isEmpty();
        rig.heartbeat(saysItPassed, 61 * 60 + 60);
        assertThat(rig.degraded()).as("the bridge judges this one, no second heartbeat needed").singleElement()
                .satisfies(a -> assertThat(a.reason()).contains("no self-test has arrived for", "every 30 min"));

        rig.alert(Alert.raise(AlertType.EMERGENCY_CALL, "SELFTEST-2", rig.now(), "pressed").asSelfTest());
        rig.heartbeat(saysItPassed, 63 * 60);
        assertThat(rig.degraded()).singleElement().extracting(ReadModel.AlertView::state).isEqualTo("cleared");
    }

    @Test
    void aSelfTestTheGatewayReportsFailedMakesItDegraded() {
        HealthRig rig = new HealthRig();
        org.anxin.protocol.GatewayHealth failed = org.anxin.protocol.GatewayHealth.of(List.of(),
                new org.anxin.protocol.GatewayHealth.SelfTest(rig.now(), false, "the self-test's alert was not stored: disk full", 60));
        rig.heartbeat(failed, 120);
        rig.heartbeat(failed, 180);
        assertThat(rig.degraded()).singleElement().satisfies(a -> assertThat(a.reason()).contains("failed", "disk full"));
    }

    /** The webhook feed, its token in the query as a group robot's is. */
    private static WebhookFeed feed() {
        return WebhookFeed.of(BridgeOptions.builder().webhookUrl("http://hook.test/feed?token=s3cret").webhookAttempts(3)
                .webhookRetryBase(java.time.Duration.ofSeconds(2)).build());
    }

    @Test
    void theWebhookFeedIsToldOfEveryAlertEventOnceAndItsOutcomeIsListedWithTheAlert() {
        HealthRig rig = new HealthRig(feed());
        Alert leak = Alert.raise(AlertType.WATER_LEAK, "bath-leak", rig.now(), "leak");
        rig.alert(leak);
        // the same raise again under another seq: stored as an event, not told again
        rig.alert(leak);
        org.awaitility.Awaitility.await().until(() -> rig.webhook.documents.size() == 1);
        rig.alert(leak.clear(rig.now().plusSeconds(60), "dry"));
        org.awaitility.Awaitility.await().until(() -> rig.webhook.documents.size() == 2);
        // and the bridge's own alerts: two impaired heartbeats raise GATEWAY_DEGRADED
        rig.heartbeat(TYPO, 5);
        rig.heartbeat(TYPO, 65);

        org.awaitility.Awaitility.await().until(() -> rig.webhook.documents.size() == 3);
        assertThat(rig.webhook.documents).allSatisfy(d -> assertThat(d[0]).isEqualTo("http://hook.test/feed?token=s3cret"));
        assertThat(rig.webhook.documents).extracting(d -> MessageCodec.mapper().readTree(d[1]))
                .extracting(n -> n.path("event").asText() + " " + n.path("alert").path("type").asText())
                .containsExactly("alert.raised WATER_LEAK", "alert.cleared WATER_LEAK", "alert.raised GATEWAY_DEGRADED");
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(reads.notifications(rig.gw, leak.id()))
                .allSatisfy(n -> {
                    assertThat(n.state()).isEqualTo("delivered");
                    assertThat(n.attempts()).isEqualTo(1);
                    assertThat(n.deliveredAt()).isNotNull();
                    assertThat(n.channel()).isEqualTo("webhook");
                    assertThat(n.target()).startsWith("http://hook.test/feed").doesNotContain("s3cret");
                })
                .extracting(ReadModel.NotificationView::event).containsExactly("alert.raised", "alert.cleared"));
        assertThat(rig.rows("SELECT count(*) FROM deliveries WHERE gateway = ? AND address LIKE '%s3cret%'"))
                .as("the feed's token is not stored").isZero();
    }

    @Test
    void aFeedMessageDueAgainIsLeftByAnInstanceWithoutTheFeedAndSentByOneWithIt() {
        HealthRig rig = new HealthRig(feed());
        rig.webhook.documentFailures.set(1);
        Alert call = Alert.raise(AlertType.EMERGENCY_CALL, "button", rig.now(), "pressed");
        rig.alert(call);
        org.awaitility.Awaitility.await().until(() -> reads.notifications(rig.gw, call.id()).get(0).state()
                .equals("pending"));
        rig.millis.addAndGet(2_000); // its retry is due
        Deliveries feedless = new Deliveries(db, rig.channels, 3, java.time.Duration.ofSeconds(2), rig.counters,
                rig.clock);
        opened.add(feedless);

        assertThat(feedless.sendDue()).isZero();
        assertThat(rig.deliveries.sendDue()).isEqualTo(1);

        org.awaitility.Awaitility.await().until(() -> rig.webhook.documents.size() == 1);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(reads.notifications(rig.gw, call.id()))
                .singleElement().satisfies(n -> {
                    assertThat(n.state()).isEqualTo("delivered");
                    assertThat(n.attempts()).isEqualTo(2);
                }));
    }
}
