package org.anxin.bridge;

import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.LogLimit;
import org.anxin.bridge.store.Database;
import org.anxin.bridge.store.IngestChecks;
import org.anxin.bridge.store.IngestStore;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.Body;
import org.anxin.protocol.CommandRequest;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.ConfigDocument;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.ProtocolException;
import org.anxin.protocol.Reading;
import org.anxin.protocol.StoredReceipt;
import org.anxin.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one message from a gateway: checked, stored, and (for an alert) handed to its
 * escalation, which notifies. Knows nothing of MQTT; runs on one thread at a time.
 */
final class MessageIngest {

    private static final Logger log = LoggerFactory.getLogger(MessageIngest.class);

    private final IngestStore store;
    private final Escalations escalations;
    private final Deliveries deliveries;
    private final BridgeCounters counters;
    private final Clock clock;
    private final RemoteConfig remoteConfig;
    private final GatewayCommands commands;
    private final GatewayKeys keys;
    private final GatewaySupervisor supervisor;
    /** Refusals for the signature or as a replay are logged at most this often: anyone on the broker can cause them. */
    private final LogLimit signatureLog;
    static final int SIGNATURE_LOG_PER_MINUTE = 10;
    /** Told of every numbered message once it is in the database; null: no receipts (a test's ingest). */
    private volatile StoredReceipts receipts;
    /** The verified envelope of the message being handled, so that one refused for its content is confirmed too. */
    private Envelope handling;

    MessageIngest(IngestStore store, Escalations escalations, Deliveries deliveries,
                  BridgeCounters counters, Clock clock, RemoteConfig remoteConfig, GatewayCommands commands,
                  GatewayKeys keys, GatewaySupervisor supervisor) {
        this.keys = keys;
        this.supervisor = supervisor;
        this.signatureLog = new LogLimit(SIGNATURE_LOG_PER_MINUTE, clock);
        this.remoteConfig = remoteConfig;
        this.commands = commands;
        this.store = store;
        this.escalations = escalations;
        this.deliveries = deliveries;
        this.counters = counters;
        this.clock = clock;
    }

    /** From now on, each gateway is told what of its messages is stored (docs/protocol.md, {@code stored}). */
    void confirmTo(StoredReceipts receipts) {
        this.receipts = receipts;
    }

    /** After the commit, for a duplicate too: either way the row is in the database and the gateway may delete it. */
    private void confirm(Envelope envelope) {
        StoredReceipts r = receipts;
        // state and heartbeats carry the last number assigned, not one of their own: never confirmed
        org.anxin.protocol.Channel channel = envelope.body().channel();
        boolean numbered = channel == org.anxin.protocol.Channel.READING || channel == org.anxin.protocol.Channel.ALERT
                || channel == org.anxin.protocol.Channel.CONFIG_REPORTED || channel == org.anxin.protocol.Channel.COMMAND_RESULT;
        if (r != null && numbered) {
            r.stored(envelope.gateway(), envelope.seq());
        }
    }

    /**
     * Handles one message. Bad messages are logged and counted, never thrown: they will not get
     * better by being delivered again.
     *
     * @param retained whether the broker replayed it from its retained store
     * @throws Database.StorageException when the database failed; the message should be redelivered
     */
    void accept(String topic, byte[] payload, boolean retained) {
        counters.received.incrementAndGet();
        // on the registry's monotonic clock: a duration inside this process, not a time of day
        Timer.Sample arrival = Timer.start(counters.registry());
        handling = null;
        try {
            handle(topic, payload, retained, arrival);
        } catch (Database.StorageException e) {
            if (!IngestChecks.isContentError(e)) {
                throw e; // the database is away: the message comes again
            }
            refuseContent(topic, payload, "the database refused a value: " + e.getMessage());
        } catch (RuntimeException e) {
            // a bug, not the database: delivering it again would fail again, for ever
            log.error("handling the message on {} failed", topic, e);
            refuseContent(topic, payload, "handling it failed: " + e);
        }
    }

    /**
     * Quarantines a message its gateway did send (it verified) but whose content is refused, and
     * confirms it: kept in the quarantine is the last word on it, and a gateway sending it again
     * for ever would get the same answer.
     */
    private void refuseContent(String topic, byte[] payload, String reason) {
        quarantine(topic, payload, reason);
        if (handling != null) {
            confirm(handling);
        }
    }

    /** Keeps a message refused for its content; it is then acknowledged, never retried. */
    private void quarantine(String topic, byte[] payload, String reason) {
        keep(topic, payload, reason);
        log.warn("quarantined the message on {}: {}", shown(topic), reason);
    }

    private void keep(String topic, byte[] payload, String reason) {
        Optional<Topics.Address> address = Topics.parse(topic);
        String gateway = address.map(Topics.Address::gateway)
                .filter(g -> IngestChecks.gatewayProblem(g) == null).orElse(null);
        int dropped = store.quarantine(topic, gateway, payload, reason, clock.millis());
        counters.quarantined.incrementAndGet();
        counters.quarantineDropped.addAndGet(dropped);
    }

    /** A message not signed by its gateway: no effect at all, kept in the quarantine, counted, logged sparingly. */
    private void refuseUnverified(String topic, byte[] payload, GatewayKeys.Verdict verdict) {
        (verdict.unsigned() ? counters.unsignedRefused : counters.badSignatures).incrementAndGet();
        keep(topic, payload, verdict.refusal());
        long held = signatureLog.admit();
        if (held >= 0) {
            log.warn("refused the message on {}: {}{}", shown(topic), verdict.refusal(),
                    held == 0 ? "" : " (" + held + " more such refusals not logged)");
        }
    }

    /**
     * A recorded heartbeat or state sent again: genuine and signed, but no sign of life now. No
     * effect at all (a dead gateway's GATEWAY_OFFLINE is raised whatever is replayed), kept in the
     * quarantine, counted, logged sparingly.
     */
    private void refuseReplay(String topic, byte[] payload, String why) {
        counters.replaysRefused.incrementAndGet();
        keep(topic, payload, why);
        long held = signatureLog.admit();
        if (held >= 0) {
            log.warn("refused the message on {}: {}{}", shown(topic), why,
                    held == 0 ? "" : " (" + held + " more such refusals not logged)");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(byte[] payload) {
        try {
            return MessageCodec.mapper().readTree(payload);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // it was decoded a moment ago
        }
    }

    private static String shown(String topic) {
        return topic.length() > 120 ? topic.substring(0, 120) + "..." : topic;
    }

    private void handle(String topic, byte[] payload, boolean retained, Timer.Sample arrival) {
        Optional<Topics.Address> address = Topics.parse(topic);
        if (address.isEmpty()) {
            counters.foreignTopics.incrementAndGet();
            log.debug("ignoring message on foreign topic {}", topic);
            return;
        }
        Topics.Address from = address.get();
        String gatewayProblem = IngestChecks.gatewayProblem(from.gateway());
        if (gatewayProblem != null) {
            quarantine(topic, payload, gatewayProblem);
            return;
        }
        if (payload.length == 0 && from.channel().retained()) {
            counters.ignored.incrementAndGet();
            log.debug("retained message on {} cleared", topic);
            return;
        }
        // what the bridge sends (configuration, commands) it signs itself; all else is the gateway's to sign
        byte[] envelopeBytes = payload;
        if (!from.channel().toGateway()) {
            GatewayKeys.Verdict verdict = keys.check(topic, from.gateway(), payload);
            if (verdict.refusal() != null) {
                refuseUnverified(topic, payload, verdict);
                return;
            }
            envelopeBytes = verdict.envelope();
        }
        Envelope envelope;
        try {
            envelope = from.channel().toGateway() ? MessageCodec.decode(payload) : MessageCodec.decodeUnsigned(envelopeBytes);
        } catch (ProtocolException | RuntimeException e) {
            counters.malformed.incrementAndGet();
            quarantine(topic, payload, "malformed: " + e.getMessage());
            return;
        }
        if (!from.channel().toGateway() && envelope.gateway().equals(from.gateway())) {
            handling = envelope;
        }
        if (!envelope.gateway().equals(from.gateway()) || envelope.body().channel() != from.channel()) {
            counters.mismatched.incrementAndGet();
            log.warn("rejected message on {}: envelope says gateway {} and a {} body", topic, envelope.gateway(),
                    envelope.body().channel().path());
            return;
        }
        long checkedAt = clock.millis();
        String problem;
        if (envelope.body() instanceof Alert alarm && alarm.type().isLifeSafety()) {
            // never lost for what can be mended; only what cannot (its id, its device) is refused
            Envelope mended = IngestChecks.mendAlarm(envelope, alarm, checkedAt);
            if (mended != envelope) {
                counters.mendedAlarms.incrementAndGet();
                log.warn("alarm {} from {} had a reason, severity or time out of bounds; stored mended", alarm.id(),
                        envelope.gateway());
                envelope = mended;
            }
            problem = null;
        } else {
            problem = IngestChecks.textProblem(tree(envelopeBytes), "message");
        }
        if (problem == null) {
            problem = IngestChecks.envelopeProblem(envelope, checkedAt, store.lastSeq(envelope.gateway()));
        }
        if (problem != null) {
            refuseContent(topic, payload, problem);
            return;
        }
        long now = clock.millis();
        Body body = envelope.body();
        if (body instanceof Alert test && test.isSelfTest()) {
            storeSelfTest(envelope, test, retained, now);
        } else if (body instanceof Reading) {
            storeEvent(envelope, "reading", null, now, arrival);
        } else if (body instanceof Alert alert) {
            storeEvent(envelope, "alert", alert, now, arrival);
        } else if (body instanceof GatewayState state) {
            // a retained copy is news of the gateway's status, not proof that it is alive now
            // a will's ts is its connection's, older than the heartbeats after it: only an "online" is a sign of life
            boolean live = !retained && state.status() == GatewayState.Status.ONLINE;
            String replay = store.applyState(envelope.gateway(), state, now,
                    live ? IngestStore.LiveSign.of(envelope) : null);
            if (replay != null) {
                refuseReplay(topic, payload, replay);
                return;
            }
            log.info("gateway {} is {}{}", envelope.gateway(), state.status().wireName(),
                    state.version() == null ? "" : " (version " + state.version() + ")");
        } else if (body instanceof Heartbeat heartbeat) {
            // gaps are judged here, not on arrival: alerts overtake older telemetry (IngestStore.heartbeat)
            IngestStore.Beat beat = store.heartbeat(envelope.gateway(), IngestStore.LiveSign.of(envelope),
                    heartbeat.queued(), now);
            if (beat.replay() != null) {
                refuseReplay(topic, payload, beat.replay());
                return;
            }
            for (IngestStore.Gap gap : beat.gaps()) {
                counters.gaps.incrementAndGet();
                log.warn("gateway {} sent seq {}..{} ({} message(s)) and they never arrived", envelope.gateway(),
                        gap.first(), gap.last(), gap.size());
            }
            deliveries.sendNow(supervisor.onHeartbeat(envelope.gateway(), heartbeat, now).deliveries());
        } else if (body instanceof ConfigReport report) {
            storeReport(envelope, report, retained, now);
        } else if (body instanceof CommandResult result) {
            storeResult(envelope, result, retained, now);
        } else if (body instanceof ConfigDocument document) {
            // the bridge publishes configuration, it does not ingest it; it only checks the broker kept the newest
            counters.ignored.incrementAndGet();
            remoteConfig.onDesiredSeen(envelope.gateway(), document);
        } else if (body instanceof CommandRequest || body instanceof StoredReceipt) {
            counters.ignored.incrementAndGet(); // the bridge's own command or receipt, heard on its subscription
        }
    }

    /**
     * A gateway's self-test: kept in the events (so its number is no gap) and as the gateway's
     * latest self-test, never as an alert, so nobody is notified and nothing escalates. Only an
     * alert marked as a test with a self-test's id gets here ({@link Alert#isSelfTest}); a mark on
     * any other alert is ignored and the alert handled as the real one it may be.
     */
    private void storeSelfTest(Envelope envelope, Alert test, boolean retained, long now) {
        boolean applied = store.storeOutboxMessage(envelope, "self-test", bodyJson(envelope), now, !retained,
                c -> {
                    IngestStore.recordSelfTest(c, envelope.gateway(), test, now);
                    return null;
                });
        confirm(envelope);
        if (!applied) {
            counters.duplicates.incrementAndGet();
            return;
        }
        counters.selfTests.incrementAndGet();
        log.info("gateway {} self-test {} ran at {}", envelope.gateway(), test.id(), test.time());
    }

    private void storeReport(Envelope envelope, ConfigReport report, boolean retained, long now) {
        String gateway = envelope.gateway();
        boolean[] known = {true};
        boolean applied = store.storeOutboxMessage(envelope, "config-report", bodyJson(envelope), now, !retained,
                c -> known[0] = remoteConfig.applyReport(c, gateway, report, now));
        confirm(envelope);
        if (!applied) {
            counters.duplicates.incrementAndGet();
            log.debug("dropped duplicate configuration report seq {} from {}", envelope.seq(), gateway);
            return;
        }
        counters.configReports.incrementAndGet();
        if (!known[0]) {
            // a document this bridge never signed reached the gateway: forged, or from another bridge
            counters.unknownConfigVersions.incrementAndGet();
            log.warn("gateway {} reports configuration version {} {} ({}), a version this bridge never issued;"
                    + " it runs version {}", gateway, report.version(), report.outcome().wireName(), report.reason(),
                    report.running());
        } else if (report.outcome() == ConfigReport.Outcome.APPLIED) {
            log.info("gateway {} applied configuration version {}", gateway, report.version());
        } else {
            log.warn("gateway {} {} configuration version {}: {}; it runs version {}", gateway,
                    report.outcome().wireName(), report.version(), report.reason(), report.running());
        }
    }

    private void storeResult(Envelope envelope, CommandResult result, boolean retained, long now) {
        String gateway = envelope.gateway();
        boolean[] known = {true};
        boolean applied = store.storeOutboxMessage(envelope, "command-result", bodyJson(envelope), now, !retained,
                c -> known[0] = commands.applyResult(c, gateway, result, now));
        confirm(envelope);
        if (!applied) {
            counters.duplicates.incrementAndGet();
            log.debug("dropped duplicate command result seq {} from {}", envelope.seq(), gateway);
            return;
        }
        counters.commandResults.incrementAndGet();
        if (!known[0]) {
            counters.unknownCommandResults.incrementAndGet();
            log.warn("gateway {} answered command {} ({}), which this bridge never sent to it", gateway, result.id(),
                    result.name());
        } else {
            log.info("gateway {} answered {} (command {}): {}", gateway, result.name(), result.id(),
                    result.ok() ? "done" : "failed: " + result.error());
        }
    }

    private static String bodyJson(Envelope envelope) {
        return new String(MessageCodec.encode(envelope.body()), StandardCharsets.UTF_8);
    }

    private void storeEvent(Envelope envelope, String type, Alert alert, long now, Timer.Sample arrival) {
        String bodyJson = new String(MessageCodec.encode(envelope.body()), StandardCharsets.UTF_8);
        boolean raise = alert != null && alert.state() == AlertState.RAISED;
        IngestStore.EventResult result = store.storeEvent(envelope, type, bodyJson, now, alert,
                c -> escalations.onAlert(c, envelope.gateway(), alert, now));
        confirm(envelope);
        if (raise) {
            // also for a duplicate: the escalation is opened in its own transaction after the event's,
            // and a copy redelivered after a crash between the two must still open it (it is idempotent)
            deliveries.sendNow(escalations.onAlert(envelope.gateway(), alert));
        }
        if (result.duplicate()) {
            counters.duplicates.incrementAndGet();
            log.debug("dropped duplicate {} seq {} from {}", type, envelope.seq(), envelope.gateway());
            return;
        }
        counters.stored.incrementAndGet();
        arrival.stop(counters.ingest());
        if (result.refused() != null) {
            counters.clearsRefused.incrementAndGet();
            log.warn("refused the clear of alert {} from {} (seq {}): {}", alert.id(), envelope.gateway(),
                    envelope.seq(), result.refused());
            return;
        }
        deliveries.sendNow(result.deliveries());
        if (alert != null) {
            log.info("alert {} {} from {} ({}, {})", alert.id(), alert.state().wireName(), envelope.gateway(),
                    alert.type(), alert.severity().wireName());
        }
    }
}
