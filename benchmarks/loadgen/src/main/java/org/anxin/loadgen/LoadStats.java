package org.anxin.loadgen;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What the simulated gateways did, and what reached the webhook receiver when. */
final class LoadStats {

    final LongAdder connects = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder readings = new LongAdder();
    final LongAdder alerts = new LongAdder();
    final LongAdder readingsAcked = new LongAdder();
    final LongAdder alertsAcked = new LongAdder();
    final LongAdder publishFailures = new LongAdder();

    /** An alert's publish (nanoTime), by {@code gateway/alertId}, until its notification arrives. */
    private final Map<String, Long> alertsSent = new ConcurrentHashMap<>();
    /** When each silenced gateway fell silent (nanoTime), until its GATEWAY_OFFLINE arrives. */
    private final Map<String, Long> silenced = new ConcurrentHashMap<>();
    /** Alert stored in a gateway's outbox (or the storm's start, for a backlog's) to its notification, in µs. */
    final Histogram alertLatency = histogram();
    /** Falling silent to GATEWAY_OFFLINE notified, in µs. */
    final Histogram offlineLatency = histogram();
    final LongAdder notifications = new LongAdder();
    final LongAdder unknownNotifications = new LongAdder();

    private static Histogram histogram() {
        return new ConcurrentHistogram(TimeUnit.HOURS.toMicros(2), 3);
    }

    void alertSent(String gateway, String alertId, long at) {
        alertsSent.put(gateway + "/" + alertId, at);
        alerts.increment();
    }

    void silenced(String gateway, long at) {
        silenced.put(gateway, at);
    }

    /** A notice from the bridge's feed, arrived at {@code at}. */
    void notified(String gateway, String type, String alertId, long at) {
        notifications.increment();
        Long sent = "GATEWAY_OFFLINE".equals(type) ? silenced.remove(gateway) : alertsSent.remove(gateway + "/" + alertId);
        if (sent == null) {
            unknownNotifications.increment(); // a clear, a second notice, another run's gateway
            return;
        }
        Histogram into = "GATEWAY_OFFLINE".equals(type) ? offlineLatency : alertLatency;
        into.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(at - sent)));
    }

    int alertsAwaitingNotification() {
        return alertsSent.size();
    }

    int silencedAwaitingOffline() {
        return silenced.size();
    }

    /** {@code p50 / p99 / max} in ms, and how many. */
    static String summary(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "none";
        }
        return String.format(java.util.Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%,d)",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                h.getTotalCount());
    }
}
