package org.anxin.bridge.core;

import static java.util.Map.entry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;

/**
 * The Prometheus names of the bridge's counters ({@code docs/metrics.md}; its gauges are
 * {@code DatabaseGauges}'). Variants of one thing (why a message was dropped, how a notification
 * ended) are one name with a tag, so that a query can sum them.
 */
public final class BridgeMetrics {

    /** A counter's meter: Micrometer's dotted name (exported as {@code anxin_bridge_..._total}) and tags. */
    public record Name(String name, Tags tags) {

        static Name of(String name, String... tags) {
            return new Name(name, Tags.of(tags));
        }
    }

    /** By the key of {@link BridgeCounters#asMap()}. */
    static final Map<String, Name> COUNTERS = Map.ofEntries(
            entry("received", Name.of("anxin.bridge.messages.received")),
            entry("stored", Name.of("anxin.bridge.messages.stored")),
            entry("duplicates", Name.of("anxin.bridge.messages.dropped", "reason", "duplicate")),
            entry("malformed", Name.of("anxin.bridge.messages.dropped", "reason", "malformed")),
            entry("foreignTopics", Name.of("anxin.bridge.messages.dropped", "reason", "foreign_topic")),
            entry("mismatched", Name.of("anxin.bridge.messages.dropped", "reason", "mismatched")),
            entry("ignored", Name.of("anxin.bridge.messages.ignored")),
            entry("unsignedRefused", Name.of("anxin.bridge.messages.refused", "reason", "unsigned")),
            entry("badSignatures", Name.of("anxin.bridge.messages.refused", "reason", "bad_signature")),
            entry("replaysRefused", Name.of("anxin.bridge.messages.refused", "reason", "replay")),
            entry("quarantined", Name.of("anxin.bridge.messages.quarantined")),
            entry("quarantineDropped", Name.of("anxin.bridge.quarantine.dropped")),
            entry("storeFailures", Name.of("anxin.bridge.store.failures")),
            entry("gaps", Name.of("anxin.bridge.sequence.gaps")),
            entry("mendedAlarms", Name.of("anxin.bridge.alarms.mended")),
            entry("clearsRefused", Name.of("anxin.bridge.clears.refused")),
            entry("selfTests", Name.of("anxin.bridge.self.tests")),
            entry("notificationsDelivered", Name.of("anxin.bridge.notifications", "outcome", "delivered")),
            entry("notificationsFailed", Name.of("anxin.bridge.notifications", "outcome", "failed")),
            entry("deliveryRetries", Name.of("anxin.bridge.notifications", "outcome", "retried")),
            entry("escalationSteps", Name.of("anxin.bridge.escalation.steps")),
            entry("acknowledged", Name.of("anxin.bridge.escalations.acknowledged")),
            entry("fallbackUsed", Name.of("anxin.bridge.escalations.fallback")),
            entry("alertsReachingNobody", Name.of("anxin.bridge.alerts.reaching.nobody")),
            entry("gatewaysOffline", Name.of("anxin.bridge.gateway.alerts", "type", "offline")),
            entry("gatewaysDegraded", Name.of("anxin.bridge.gateway.alerts", "type", "degraded")),
            entry("rejectedRequests", Name.of("anxin.bridge.http.rejected")),
            entry("slowRequestsClosed", Name.of("anxin.bridge.http.slow.closed")),
            entry("sessionsTakenOver", Name.of("anxin.bridge.sessions.taken.over")),
            entry("messagesTakenOver", Name.of("anxin.bridge.messages.taken.over")),
            entry("configReports", Name.of("anxin.bridge.config.reports")),
            entry("unknownConfigVersions", Name.of("anxin.bridge.config.reports.unknown")),
            entry("commandResults", Name.of("anxin.bridge.command.results")),
            entry("unknownCommandResults", Name.of("anxin.bridge.command.results.unknown")));

    private BridgeMetrics() {
    }

    /**
     * The name of a counter: from the table, else made from its key ({@code fooBar} becomes
     * {@code anxin.bridge.foo.bar}), so that a counter added to {@link BridgeCounters} is scraped
     * before anyone names it here.
     */
    public static Name nameOf(String key) {
        Name named = COUNTERS.get(key);
        return named != null ? named : new Name("anxin.bridge." + key.replaceAll("([a-z0-9])([A-Z])", "$1.$2")
                .toLowerCase(java.util.Locale.ROOT), Tags.empty());
    }

    /**
     * One Micrometer counter over each of the counters' values: the hot path stays one atomic
     * increment, and the JSON of {@code /api/health} and the scrape read the same number.
     */
    static void bindCounters(BridgeCounters counters, MeterRegistry registry) {
        for (String key : counters.asMap().keySet()) {
            Name name = nameOf(key);
            FunctionCounter.builder(name.name(), counters, c -> c.asMap().get(key))
                    .tags(name.tags())
                    .register(registry);
        }
    }
}
