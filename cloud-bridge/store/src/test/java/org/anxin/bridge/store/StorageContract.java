package org.anxin.bridge.store;

import static org.anxin.bridge.store.TestMessages.T;
import static org.anxin.bridge.store.TestMessages.alert;
import static org.anxin.bridge.store.TestMessages.fire;
import static org.anxin.bridge.store.TestMessages.reading;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/** What the storage layer guarantees, whichever database is behind it. */
abstract class StorageContract {

    private static final String GW = "gw-store";

    private Database db;
    private IngestStore ingest;
    private ReadModel reads;

    private TestDatabase database;

    /** A fresh, empty database. */
    abstract TestDatabase freshDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        database = freshDatabase();
        db = database.open();
        ingest = new IngestStore(db);
        reads = new ReadModel(db);
    }

    @AfterEach
    void closeDatabase() throws Exception {
        db.close();
        database.close();
    }

    private IngestStore.EventResult store(Envelope e) {
        Alert alert = e.body() instanceof Alert a ? a : null;
        String json = new String(MessageCodec.encode(e.body()), StandardCharsets.UTF_8);
        return ingest.storeEvent(e, alert != null ? "alert" : "reading", json, 1000 + e.seq(), alert);
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
        db = database.open();
        assertThat(new ReadModel(db).gateways()).isEmpty();
    }

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
        ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", T), 1000, live(0, 1000));
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
    void aBirthOvertakenByItsRunsFirstHeartbeatIsNewsOfTheRunButNoSignOfLifeAndNoReplay() {
        Instant firstRun = Instant.parse("2024-03-01T06:00:00Z");
        Instant secondRun = firstRun.plusSeconds(120);
        ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.1.0", firstRun), 1000, live(0, 1000));
        store(reading(GW, 1));
        assertThat(ingest.heartbeat(GW, live(1, 60_000), 0, 60_000).replay()).isNull();
        // restarted: the broker hands the bridge the run's first heartbeat before its birth
        assertThat(ingest.heartbeat(GW, live(1, 120_500), 0, 120_600).replay()).isNull();
        assertThat(ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.2.0", secondRun), 120_700,
                live(1, 120_000))).as("the late birth").isNull();
        ReadModel.GatewayView g = reads.gateways().get(0);
        assertThat(g.version()).isEqualTo("0.2.0");
        assertThat(g.startedAt()).isEqualTo(secondRun);
        assertThat(g.lastSeen()).as("the heartbeat's, not the birth's").isEqualTo(Instant.ofEpochMilli(120_600));

        // the same birth sent again is a replay; after the run's will it cannot bring the gateway back
        assertThat(ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.2.0", secondRun), 150_000,
                live(1, 120_000))).as("sent again").isNotNull();
        ingest.applyState(GW, new GatewayState(GatewayState.Status.OFFLINE, "0.2.0", secondRun), 160_000, null);
        assertThat(ingest.applyState(GW, new GatewayState(GatewayState.Status.ONLINE, "0.2.0", secondRun), 170_000,
                live(1, 120_000))).as("after the will").isNotNull();
        assertThat(reads.gateways().get(0).status()).isEqualTo("offline");
        assertThat(reads.gateways().get(0).lastSeen()).isEqualTo(Instant.ofEpochMilli(120_600));
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
}
