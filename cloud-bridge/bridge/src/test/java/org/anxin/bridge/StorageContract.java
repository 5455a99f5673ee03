package org.anxin.bridge;

import static org.anxin.bridge.TestMessages.T;
import static org.anxin.bridge.TestMessages.alert;
import static org.anxin.bridge.TestMessages.fire;
import static org.anxin.bridge.TestMessages.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.NotificationOutcome;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the storage layer guarantees, whichever database is behind it. */
abstract class StorageContract {

    private static final String GW = "gw-store";

    private Database db;
    private IngestStore ingest;
    private NotificationStore notifications;
    private ReadModel reads;

    /** Options naming a fresh, empty database. */
    abstract BridgeOptions.Builder freshDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(freshDatabase().build());
        ingest = new IngestStore(db);
        notifications = new NotificationStore(db);
        reads = new ReadModel(db);
    }

    /** The health tests' deliveries, whose threads must not outlive the test (BridgeLifecycleTest counts them). */
    private final List<Deliveries> opened = new java.util.ArrayList<>();

    @AfterEach
    void closeDatabase() {
        opened.forEach(Deliveries::close);
        db.close();
    }

    private IngestStore.EventResult store(Envelope e) {
        return store(e, null);
    }

    private IngestStore.EventResult store(Envelope e, PendingNotification notification) {
        Alert alert = e.body() instanceof Alert a ? a : null;
        String json = new String(MessageCodec.encode(e.body()), StandardCharsets.UTF_8);
        return ingest.storeEvent(e, alert != null ? "alert" : "reading", json, 1000 + e.seq(), alert, notification);
    }

    @Test
    void theQuarantineKeepsItsNewestRowsWithinItsBoundAndSaysHowManyWent() {
        IngestStore bounded = new IngestStore(db, 3);
        int dropped = 0;
        for (int i = 1; i <= 5; i++) {
            dropped += bounded.quarantine("anxin/v1/gw/" + GW + "/alert", GW,
                    ("poison " + i).getBytes(StandardCharsets.UTF_8), "test " + i, 1000L + i);
        }

        assertThat(dropped).isEqualTo(2);
        List<String> kept = db.withConnection(c -> {
            List<String> rows = new java.util.ArrayList<>();
            try (var ps = c.prepareStatement("SELECT payload FROM quarantine ORDER BY received_at");
                    var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        });
        assertThat(kept).containsExactly("poison 3", "poison 4", "poison 5");
    }

    @Test
    void migrationIsIdempotentOnReopen() throws Exception {
        db.close();
        db = Database.open(reopenOptions());
        assertThat(new ReadModel(db).gateways()).isEmpty();
    }

    /** Options for the same database again. */
    abstract BridgeOptions reopenOptions();

    @Test
    void eventIsStoredOnceAndItsDuplicateReported() {
        assertThat(store(reading(GW, 1)).duplicate()).isFalse();
        assertThat(store(reading(GW, 1)).duplicate()).isTrue();

        List<ReadModel.GatewayView> gateways = reads.gateways();
        assertThat(gateways).singleElement().satisfies(g -> {
            assertThat(g.lastSeq()).isEqualTo(1);
            assertThat(g.status()).isEqualTo("unknown");
            assertThat(g.lastSeen()).isEqualTo(Instant.ofEpochMilli(1001));
        });
    }

    @Test
    void aLateSeqIsStoredAndDoesNotLowerLastSeq() {
        store(reading(GW, 1));
        store(reading(GW, 5));
        IngestStore.EventResult late = store(reading(GW, 3));

        assertThat(late.duplicate()).isFalse();
        assertThat(reads.gateways().get(0).lastSeq()).isEqualTo(5);
    }

    private static final long GRACE = IngestStore.GAP_GRACE.toMillis();

    /** A sign of life with this seq, made by the gateway's clock at {@code atMillis}. */
    private static IngestStore.LiveSign live(long seq, long atMillis) {
        return new IngestStore.LiveSign(seq, Instant.ofEpochMilli(atMillis));
    }

    /** A heartbeat the gateway made when the bridge received it; it is never a replay. */
    private List<IngestStore.Gap> beat(long seq, long queued, long receivedAt) {
        IngestStore.Beat beat = ingest.heartbeat(GW, live(seq, receivedAt), queued, receivedAt);
        assertThat(beat.replay()).isNull();
        return beat.gaps();
    }

    @Test
    void aHeartbeatWhoseTsAndSeqAreNoLaterThanTheLastOneIsAReplayAndChangesNothing() {
        store(reading(GW, 1));
        assertThat(ingest.heartbeat(GW, live(1, 5000), 0, 5000).replay()).isNull();
        IngestStore.Beat again = ingest.heartbeat(GW, live(1, 5000), 0, 90_000);
        assertThat(again.replay()).startsWith("replayed: ts 1970-01-01T00:00:05Z and seq 1 are no later");
        assertThat(ingest.heartbeat(GW, live(0, 4000), 0, 95_000).replay()).as("an older one").isNotNull();
        assertThat(reads.gateways().get(0).lastSeen()).as("not a sign of life").isEqualTo(Instant.ofEpochMilli(5000));
        assertThat(ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", T), 96_000,
                live(1, 4500))).as("a live state older than the heartbeat").isNotNull();
        assertThat(reads.gateways().get(0).lastSeen()).isEqualTo(Instant.ofEpochMilli(5000));
    }

    @Test
    void aRestartedGatewayAndOneWhoseClockWentBackButStoredSomethingNewAreHeard() {
        store(reading(GW, 7));
        assertThat(ingest.heartbeat(GW, live(7, 60_000), 0, 60_000).replay()).isNull();
        // restarted: its clock went on, its sequence did not go back
        assertThat(ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", T), 70_000,
                live(7, 70_000))).isNull();
        assertThat(ingest.heartbeat(GW, live(7, 70_001), 0, 70_001).replay()).isNull();
        // its clock set back a minute: refused until it has numbered something new
        assertThat(ingest.heartbeat(GW, live(7, 11_000), 0, 71_000).replay()).isNotNull();
        store(reading(GW, 8));
        assertThat(ingest.heartbeat(GW, live(8, 12_000), 0, 72_000).replay()).isNull();
        assertThat(reads.gateways().get(0).lastSeen()).isEqualTo(Instant.ofEpochMilli(72_000));
    }

    @Test
    void seqsOutOfOrderAreNoGapOnceTheyAllArrive() {
        // an alert (5) overtook older telemetry (2..4), which arrives later
        store(reading(GW, 1));
        store(reading(GW, 5));
        assertThat(beat(5, 0, 10_000)).isEmpty();
        store(reading(GW, 2));
        store(reading(GW, 4));
        store(reading(GW, 3));
        assertThat(beat(5, 0, 10_000 + GRACE)).isEmpty();
    }

    @Test
    void numbersStillMissingAGracePeriodAfterTheGatewaySaidItSentThemAreGaps() {
        store(reading(GW, 1));
        store(reading(GW, 2));
        store(reading(GW, 5));
        store(reading(GW, 7));
        assertThat(beat(9, 0, 10_000)).as("not before the grace period").isEmpty();
        assertThat(beat(9, 0, 10_000 + GRACE / 2)).isEmpty();
        assertThat(beat(9, 0, 10_000 + GRACE))
                .containsExactly(new IngestStore.Gap(3, 4), new IngestStore.Gap(6, 6), new IngestStore.Gap(8, 9));
        assertThat(beat(9, 0, 10_000 + 3 * GRACE)).as("each gap is reported once").isEmpty();
        store(reading(GW, 10));
        assertThat(beat(11, 0, 10_000 + 4 * GRACE)).isEmpty();
        assertThat(beat(11, 0, 10_000 + 5 * GRACE)).containsExactly(new IngestStore.Gap(11, 11));
    }

    @Test
    void aGatewayStillDrainingABacklogHasNoGaps() {
        store(reading(GW, 1));
        store(alert(GW, 50, fire()));
        // its outbox is not empty: 2..49 are on their way, however long that takes
        assertThat(beat(50, 48, 10_000)).isEmpty();
        assertThat(beat(50, 20, 10_000 + 10 * GRACE)).isEmpty();
        assertThat(beat(50, 1, 10_000 + 20 * GRACE)).isEmpty();
    }

    @Test
    void numbersBeforeTheFirstOneTheBridgeStoredAreNotGaps() {
        store(reading(GW, 1000));
        assertThat(beat(1000, 0, 10_000)).isEmpty();
        assertThat(beat(1000, 0, 10_000 + GRACE)).isEmpty();
    }

    @Test
    void raiseOpensAnEpisodeAndClearClosesIt() {
        Alert fire = fire();
        store(alert(GW, 1, fire));
        store(alert(GW, 2, fire.clear(T.plusSeconds(60), "smoke gone")));

        ReadModel.AlertView view = reads.alert(GW, fire.id()).orElseThrow();
        assertThat(view.state()).isEqualTo("cleared");
        assertThat(view.raisedAt()).isEqualTo(T);
        assertThat(view.clearedAt()).isEqualTo(T.plusSeconds(60));
        assertThat(view.reason()).isEqualTo("smoke detected in the kitchen");
        assertThat(view.clearReason()).isEqualTo("smoke gone");
        assertThat(view.type()).isEqualTo("FIRE");
        assertThat(view.severity()).isEqualTo("critical");
    }

    @Test
    void aClearBeforeItsRaiseIsRefusedAndTheRaiseIsStoredAsRaised() {
        Alert gas = Alert.raise(AlertType.GAS_LEAK, "kitchen-gas", T, "gas in the kitchen");
        IngestStore.EventResult early = store(alert(GW, 2, gas.clear(T.plusSeconds(60), "gas gone")));
        assertThat(early.refused()).contains("no raise of this episode");
        store(alert(GW, 1, gas));

        ReadModel.AlertView view = reads.alert(GW, gas.id()).orElseThrow();
        assertThat(view.state()).isEqualTo("raised");
        assertThat(view.raisedAt()).isEqualTo(T);
        assertThat(view.clearedAt()).isNull();
    }

    @Test
    void aClearIsAcceptedOnlyLaterInTheGatewaysSequenceThanItsRaise() {
        Alert fire = fire();
        store(alert(GW, 5, fire));
        assertThat(store(alert(GW, 4, fire.clear(T.plusSeconds(60), "forged"))).refused())
                .contains("seq 4 is not later than the raise's seq 5");
        assertThat(reads.alert(GW, fire.id()).orElseThrow().state()).isEqualTo("raised");

        Alert other = Alert.raise(AlertType.WATER_LEAK, "kitchen-smoke", T, "water");
        assertThat(store(alert(GW, 6, new Alert(fire.id(), AlertType.WATER_LEAK,
                org.anxin.protocol.AlertState.CLEARED, other.severity(), null, T, "x"))).refused())
                .contains("the episode is a FIRE");
        assertThat(store(alert(GW, 7, fire.clear(T.plusSeconds(60), "smoke gone"))).refused()).isNull();
        assertThat(reads.alert(GW, fire.id()).orElseThrow().state()).isEqualTo("cleared");
        assertThat(store(alert(GW, 8, fire.clear(T.plusSeconds(90), "again"))).refused()).contains("already cleared");
        assertThat(reads.alert(GW, fire.id()).orElseThrow().clearReason()).isEqualTo("smoke gone");
    }

    @Test
    void aForgedClearReusingTheRaisesOwnSeqChangesNothing() {
        Alert fire = fire();
        store(alert(GW, 1, fire));
        IngestStore.EventResult forged = store(alert(GW, 1, fire.clear(T.plusSeconds(60), "false alarm")));
        assertThat(forged.duplicate()).isTrue();
        assertThat(reads.alert(GW, fire.id()).orElseThrow().state()).isEqualTo("raised");
    }

    @Test
    void anEmergencyCallHasNoClear() {
        Alert call = Alert.raise(AlertType.EMERGENCY_CALL, "pendant", T, "call button pressed");
        store(alert(GW, 1, call));
        assertThat(store(alert(GW, 2, call.clear(T.plusSeconds(60), "resident is fine"))).refused())
                .contains("an emergency call has no clear");
        assertThat(reads.alert(GW, call.id()).orElseThrow().state()).isEqualTo("raised");
    }

    @Test
    void alertsAreListedNewestFirstAndFiltered() {
        Alert older = Alert.raise(AlertType.NO_ACTIVITY, null, T, "no activity since 07:00");
        Alert newer = Alert.raise(AlertType.WATER_LEAK, "bath-leak", T.plusSeconds(600), "water on the floor");
        store(alert(GW, 1, older));
        store(alert(GW, 2, newer));
        store(alert("gw-other", 1, fire()));
        store(alert(GW, 3, older.clear(T.plusSeconds(900), "motion seen")));

        assertThat(reads.alerts(new ReadModel.AlertQuery(null, GW, 10)))
                .extracting(ReadModel.AlertView::id).containsExactly(newer.id(), older.id());
        assertThat(reads.alerts(new ReadModel.AlertQuery("raised", null, 10)))
                .extracting(ReadModel.AlertView::id).containsExactly(newer.id(), fire().id());
        assertThat(reads.alerts(new ReadModel.AlertQuery(null, null, 1))).hasSize(1);
        assertThat(reads.alert(GW, "no-such-alert")).isEmpty();
    }

    @Test
    void stateAndHeartbeatKeepTheGatewayCurrent() {
        Instant started = Instant.parse("2024-03-01T06:00:00Z");
        ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", started), 5000, live(0, 5000));
        ingest.touch(GW, 6000);

        ReadModel.GatewayView g = reads.gateways().get(0);
        assertThat(g.status()).isEqualTo("online");
        assertThat(g.version()).isEqualTo("0.1.0");
        assertThat(g.startedAt()).isEqualTo(started);
        assertThat(g.firstSeen()).isEqualTo(Instant.ofEpochMilli(5000));
        assertThat(g.lastSeen()).isEqualTo(Instant.ofEpochMilli(6000));
        assertThat(g.lastSeq()).isNull();

        // a retained copy arriving later changes nothing about when the gateway was last heard
        ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", started), 9000, null);
        assertThat(reads.gateways().get(0).lastSeen()).isEqualTo(Instant.ofEpochMilli(6000));

        ingest.applyState(GW, new GatewayState(GatewayState.Status.OFFLINE, null, started), 7000, null);
        assertThat(reads.gateways().get(0).status()).isEqualTo("offline");
        assertThat(reads.gateways().get(0).version()).isEqualTo("0.1.0");
    }

    @Test
    void lastWillOfAnEarlierRunDoesNotMarkARestartedGatewayOffline() {
        Instant firstRun = Instant.parse("2024-03-01T06:00:00Z");
        Instant secondRun = firstRun.plusSeconds(30);
        ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", secondRun), 5000, live(0, 5000));
        ingest.applyState(GW, new GatewayState(GatewayState.Status.OFFLINE, "0.1.0", firstRun), 5100, null);

        assertThat(reads.gateways().get(0).status()).isEqualTo("online");
    }

    @Test
    void notificationIsStoredWithItsAlertOnceAndItsOutcomeRecorded() {
        Alert fire = fire();
        PendingNotification pending = new PendingNotification(GW, fire.id(), "alert.raised", "webhook",
                "http://hook", "{}");
        assertThat(store(alert(GW, 1, fire), pending).notification()).isEqualTo(pending);
        // the same raise again under another seq: stored as an event, not notified again
        assertThat(store(alert(GW, 2, fire), pending).notification()).isNull();
        assertThat(notifications.pending("webhook", "http://hook")).containsExactly(pending);

        notifications.recordOutcome(new NotificationOutcome(GW, fire.id(), "alert.raised", "webhook", "http://hook",
                true, 2, null, Instant.ofEpochMilli(8000)));

        assertThat(notifications.pending("webhook", "http://hook")).isEmpty();
        assertThat(reads.notifications(GW, fire.id())).singleElement().satisfies(n -> {
            assertThat(n.state()).isEqualTo("delivered");
            assertThat(n.attempts()).isEqualTo(2);
            assertThat(n.deliveredAt()).isEqualTo(Instant.ofEpochMilli(8000));
        });
    }
    @Test
    void configurationReportsAndCommandResultsFillTheirPlaceInTheGatewaysSequence() {
        store(reading(GW, 1));
        Envelope report = Envelope.of(GW, 2, T, new ConfigReport(1, ConfigReport.Outcome.APPLIED, 1, null, List.of(1L)));
        Envelope result = Envelope.of(GW, 3, T, CommandResult.done("c-1", "diagnostics", Map.of("uptime", 5)));
        assertThat(ingest.storeOutboxMessage(report, "config-report", "{}", 1002, true, c -> null)).isTrue();
        assertThat(ingest.storeOutboxMessage(result, "command-result", "{}", 1003, true, c -> null)).isTrue();
        assertThat(ingest.storeOutboxMessage(report, "config-report", "{}", 1004, true, c -> null))
                .as("a copy is a duplicate").isFalse();
        store(reading(GW, 4));
        assertThat(beat(4, 0, 10_000)).isEmpty();
        assertThat(beat(4, 0, 10_000 + GRACE)).as("2 and 3 arrived").isEmpty();
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
        final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final MessageIngest ingest;
        long seq;

        HealthRig() {
            Channel webhook = new Channel() {
                @Override
                public String name() {
                    return "webhook";
                }

                @Override
                public void send(String address, String subject, String body) {
                    sent.add(address);
                }

                @Override
                public String shown(String address) {
                    return address;
                }
            };
            Escalations escalations = new Escalations(db, clock, java.util.Set.of("webhook"),
                    () -> java.net.URI.create("http://bridge.test/"), counters, java.time.ZoneOffset.UTC);
            Deliveries deliveries = new Deliveries(db, Map.of("webhook", webhook), 1, java.time.Duration.ofMillis(10), counters, clock);
            opened.add(deliveries);
            GatewaySupervisor supervisor = new GatewaySupervisor(db, java.time.Duration.ofMinutes(3), escalations, null,
                    counters, clock, java.time.ZoneOffset.UTC);
            ingest = new MessageIngest(new IngestStore(db), null, escalations, deliveries, counters, clock, null, null,
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
        assertThat(rig.rows("SELECT count(*) FROM notifications WHERE gateway = ?")).isZero();
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
}
