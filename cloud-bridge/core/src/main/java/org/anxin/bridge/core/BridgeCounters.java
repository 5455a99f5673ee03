package org.anxin.bridge.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the bridge has seen since it started; live values, safe to read from any thread. Each
 * counter is also a Micrometer counter of {@link #registry()}, scraped at {@code /metrics}
 * under the name {@link BridgeMetrics} gives it.
 */
public final class BridgeCounters {

    public final AtomicLong received = new AtomicLong();
    public final AtomicLong stored = new AtomicLong();
    public final AtomicLong duplicates = new AtomicLong();
    public final AtomicLong malformed = new AtomicLong();
    public final AtomicLong foreignTopics = new AtomicLong();
    public final AtomicLong mismatched = new AtomicLong();
    public final AtomicLong ignored = new AtomicLong();
    public final AtomicLong gaps = new AtomicLong();
    public final AtomicLong storeFailures = new AtomicLong();
    public final AtomicLong notificationsDelivered = new AtomicLong();
    public final AtomicLong notificationsFailed = new AtomicLong();
    public final AtomicLong deliveryRetries = new AtomicLong();
    public final AtomicLong escalationSteps = new AtomicLong();
    public final AtomicLong acknowledged = new AtomicLong();
    public final AtomicLong gatewaysOffline = new AtomicLong();
    public final AtomicLong gatewaysDegraded = new AtomicLong();
    public final AtomicLong selfTests = new AtomicLong();
    public final AtomicLong rejectedRequests = new AtomicLong();
    public final AtomicLong sessionsTakenOver = new AtomicLong();
    public final AtomicLong messagesTakenOver = new AtomicLong();
    public final AtomicLong configReports = new AtomicLong();
    public final AtomicLong unknownConfigVersions = new AtomicLong();
    public final AtomicLong commandResults = new AtomicLong();
    public final AtomicLong unknownCommandResults = new AtomicLong();
    public final AtomicLong clearsRefused = new AtomicLong();
    public final AtomicLong quarantined = new AtomicLong();
    public final AtomicLong quarantineDropped = new AtomicLong();
    public final AtomicLong slowRequestsClosed = new AtomicLong();
    public final AtomicLong mendedAlarms = new AtomicLong();
    public final AtomicLong unsignedRefused = new AtomicLong();
    public final AtomicLong badSignatures = new AtomicLong();
    public final AtomicLong fallbackUsed = new AtomicLong();
    public final AtomicLong alertsReachingNobody = new AtomicLong();
    public final AtomicLong replaysRefused = new AtomicLong();
    public final AtomicLong receiptsSent = new AtomicLong();
    public final AtomicLong receiptsNotSent = new AtomicLong();
    public final AtomicLong receiptsForgotten = new AtomicLong();

    /** Every MQTT message that arrived, whatever became of it. */
    public long received() {
        return received.get();
    }

    /** Readings and alerts newly stored. */
    public long stored() {
        return stored.get();
    }

    /** Readings and alerts dropped because their (gateway, seq) was already stored. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Payloads that could not be decoded. */
    public long malformed() {
        return malformed.get();
    }

    /** Messages on topics outside the protocol's layout. */
    public long foreignTopics() {
        return foreignTopics.get();
    }

    /** Messages whose envelope names another gateway or channel than their topic. */
    public long mismatched() {
        return mismatched.get();
    }

    /** Well-formed messages the bridge has no use for (configuration, cleared retained messages). */
    public long ignored() {
        return ignored.get();
    }

    /** Ranges of sequence numbers confirmed missing: not received 30 s after a heartbeat with an empty outbox covered them. */
    public long gaps() {
        return gaps.get();
    }

    /** Messages left unacknowledged because the database refused them. */
    public long storeFailures() {
        return storeFailures.get();
    }

    public long notificationsDelivered() {
        return notificationsDelivered.get();
    }

    public long notificationsFailed() {
        return notificationsFailed.get();
    }

    /** Failed delivery attempts that were scheduled to be tried again. */
    public long deliveryRetries() {
        return deliveryRetries.get();
    }

    /** Escalation steps this instance ran. */
    public long escalationSteps() {
        return escalationSteps.get();
    }

    /** Escalations acknowledged through this instance. */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** GATEWAY_OFFLINE alerts this instance raised. */
    public long gatewaysOffline() {
        return gatewaysOffline.get();
    }

    /** GATEWAY_DEGRADED alerts this instance raised. */
    public long gatewaysDegraded() {
        return gatewaysDegraded.get();
    }

    /** Gateways' self-test alerts recorded (never notified). */
    public long selfTests() {
        return selfTests.get();
    }

    /** API requests refused with a 4xx status. */
    public long rejectedRequests() {
        return rejectedRequests.get();
    }

    /** MQTT sessions of dead instances this instance drained and ended. */
    public long sessionsTakenOver() {
        return sessionsTakenOver.get();
    }

    /** Messages stored from the sessions of dead instances. */
    public long messagesTakenOver() {
        return messagesTakenOver.get();
    }

    /** Configuration reports from gateways, newly stored. */
    public long configReports() {
        return configReports.get();
    }

    /**
     * Configuration reports about a version this bridge never issued: a forged document, or one
     * signed by another bridge, reached a gateway.
     */
    public long unknownConfigVersions() {
        return unknownConfigVersions.get();
    }

    /** Command results from gateways, newly stored. */
    public long commandResults() {
        return commandResults.get();
    }

    /** Command results for a command this bridge never sent to that gateway. */
    public long unknownCommandResults() {
        return unknownCommandResults.get();
    }

    /**
     * Clears refused: a call button's, one with no open raise before it in the gateway's sequence
     * (forged, or overtaking its raise), one for another type's episode.
     */
    public long clearsRefused() {
        return clearsRefused.get();
    }

    /** Messages refused for their content and kept in the quarantine table, never retried. */
    public long quarantined() {
        return quarantined.get();
    }

    /** Quarantined messages dropped, oldest first, to keep the quarantine table within its row bound. */
    public long quarantineDropped() {
        return quarantineDropped.get();
    }

    /** HTTP connections closed because their request body did not arrive in time (slowloris). */
    public long slowRequestsClosed() {
        return slowRequestsClosed.get();
    }

    /** Life-safety alarms stored with their reason, severity or time mended rather than refused. */
    public long mendedAlarms() {
        return mendedAlarms.get();
    }

    /**
     * Messages refused for want of a signature: unsigned from a gateway with a registered key, or
     * from a gateway with none while unsigned gateways are not allowed.
     */
    public long unsignedRefused() {
        return unsignedRefused.get();
    }

    /** Signed messages refused: the signature does not verify with the gateway's key for the topic. */
    public long badSignatures() {
        return badSignatures.get();
    }

    /** Escalation steps that reached nobody and went to a fallback (on-duty operators, --fallback-recipient). */
    public long fallbackUsed() {
        return fallbackUsed.get();
    }

    /** Steps that reached nobody, not even a fallback: each is logged as an error and the alert stays open. */
    public long alertsReachingNobody() {
        return alertsReachingNobody.get();
    }

    /**
     * Heartbeats and live states refused because neither their {@code ts} nor their {@code seq} is
     * later than the gateway's last accepted one: a recorded genuine message sent again.
     */
    public long replaysRefused() {
        return replaysRefused.get();
    }

    /** Receipts sent to gateways: what this bridge has stored of theirs, one per gateway and interval. */
    public long receiptsSent() {
        return receiptsSent.get();
    }

    /** Receipts the broker did not take; their numbers wait for the next one. */
    public long receiptsNotSent() {
        return receiptsNotSent.get();
    }

    /** Stored numbers left out of receipts while the broker was away for long: the gateways send them again. */
    public long receiptsForgotten() {
        return receiptsForgotten.get();
    }

    /** All counters by name, in a stable order. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("received", received());
        m.put("stored", stored());
        m.put("duplicates", duplicates());
        m.put("malformed", malformed());
        m.put("foreignTopics", foreignTopics());
        m.put("mismatched", mismatched());
        m.put("ignored", ignored());
        m.put("gaps", gaps());
        m.put("storeFailures", storeFailures());
        m.put("notificationsDelivered", notificationsDelivered());
        m.put("notificationsFailed", notificationsFailed());
        m.put("deliveryRetries", deliveryRetries());
        m.put("escalationSteps", escalationSteps());
        m.put("acknowledged", acknowledged());
        m.put("gatewaysOffline", gatewaysOffline());
        m.put("gatewaysDegraded", gatewaysDegraded());
        m.put("selfTests", selfTests());
        m.put("rejectedRequests", rejectedRequests());
        m.put("sessionsTakenOver", sessionsTakenOver());
        m.put("messagesTakenOver", messagesTakenOver());
        m.put("configReports", configReports());
        m.put("unknownConfigVersions", unknownConfigVersions());
        m.put("commandResults", commandResults());
        m.put("unknownCommandResults", unknownCommandResults());
        m.put("clearsRefused", clearsRefused());
        m.put("quarantined", quarantined());
        m.put("quarantineDropped", quarantineDropped());
        m.put("slowRequestsClosed", slowRequestsClosed());
        m.put("mendedAlarms", mendedAlarms());
        m.put("unsignedRefused", unsignedRefused());
        m.put("badSignatures", badSignatures());
        m.put("fallbackUsed", fallbackUsed());
        m.put("alertsReachingNobody", alertsReachingNobody());
        m.put("replaysRefused", replaysRefused());
        m.put("receiptsSent", receiptsSent());
        m.put("receiptsNotSent", receiptsNotSent());
        m.put("receiptsForgotten", receiptsForgotten());
        return m;
    }

    @Override
    public String toString() {
        return "BridgeCounters" + asMap();
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer ingest = Timer.builder("anxin.bridge.ingest")
            .description("a reading's or alert's arrival from the broker until it is stored")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    private final Timer firstNotification = Timer.builder("anxin.bridge.alert.first.notification")
            .description("an alert's arrival until the first person is told of it")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
            .maximumExpectedValue(Duration.ofMinutes(30)).register(registry);

    public BridgeCounters() {
        BridgeMetrics.bindCounters(this, registry);
    }

    /** Where every meter of this bridge is kept: these counters, the timers and the gauges. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The registry's meters in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Time from a reading's or alert's arrival until it is stored. */
    public Timer ingest() {
        return ingest;
    }

    /** Time from an alert's arrival until the first person's delivery of it succeeded. */
    public Timer firstNotification() {
        return firstNotification;
    }

    /**
     * One delivery attempt to a person ended.
     *
     * @param outcome {@code delivered}, {@code retried} or {@code failed}
     */
    public void delivery(String channel, String outcome) {
        Counter.builder("anxin.bridge.deliveries").description("delivery attempts to people, by channel and outcome")
                .tag("channel", channel).tag("outcome", outcome).register(registry).increment();
    }
}
