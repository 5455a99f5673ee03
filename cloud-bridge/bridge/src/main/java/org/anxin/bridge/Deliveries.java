package org.anxin.bridge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.core.Backoff;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.ClaimedDelivery;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.core.NotificationListener;
import org.anxin.bridge.core.NotificationOutcome;
import org.anxin.bridge.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the deliveries table: each row is claimed by one instance (state {@code sending} with a
 * lease), sent through its channel, and recorded as delivered, or retried with exponential
 * backoff, or failed after the last attempt. A lease that runs out (its instance died mid-send) lets
 * another instance take the row again, so a message may, rarely, arrive twice; it is never lost.
 */
final class Deliveries implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Deliveries.class);
    private static final int BATCH = 20;

    private final Database db;
    private final Map<String, Channel> channels;
    private final int maxAttempts;
    private final Duration retryBase;
    private final BridgeCounters counters;
    private final Clock clock;
    private final WebhookFeed feed;
    private final List<NotificationListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService senders = Executors.newFixedThreadPool(4, new NamedThreads("deliver"));
    private final java.util.Set<String> inHand = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Deliveries(Database db, Map<String, Channel> channels, int maxAttempts, Duration retryBase,
               BridgeCounters counters, Clock clock) {
        this(db, channels, maxAttempts, retryBase, WebhookFeed.NONE, counters, clock);
    }

    /** @param feed where this instance sends the feed's messages, and how often it tries each */
    Deliveries(Database db, Map<String, Channel> channels, int maxAttempts, Duration retryBase, WebhookFeed feed,
               BridgeCounters counters, Clock clock) {
        this.feed = feed;
        this.db = db;
        this.channels = Map.copyOf(channels);
        this.maxAttempts = maxAttempts;
        this.retryBase = retryBase;
        this.counters = counters;
        this.clock = clock;
    }

    void addListener(NotificationListener listener) {
        listeners.add(listener);
    }

    /** How long a claim holds: longer than any channel's timeouts, short enough to take over a dead instance's work. */
    static final Duration LEASE = Duration.ofSeconds(30);

    /**
     * Sends deliveries that were written already claimed by this instance (in the transaction that
     * ran their escalation step), now, without another trip to the database.
     */
    void sendNow(List<ClaimedDelivery> claimed) {
        for (ClaimedDelivery d : claimed) {
            inHand.add(d.id());
            submit(() -> deliver(d));
        }
    }

    /**
     * Claims what is due (new, retry time reached, or a dead instance's lease run out) and sends it.
     * An instance without the webhook feed leaves the feed's messages to one that has it.
     */
    int sendDue() {
        long now = clock.millis();
        String feedless = feed.shown().isPresent() ? ""
                : " AND kind NOT IN ('" + String.join("', '", WebhookFeed.KINDS) + "')";
        List<ClaimedDelivery> claimed = db.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM deliveries WHERE ((state = 'pending'"
                    + " AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until < ?))" + feedless
                    + " ORDER BY next_attempt_at LIMIT ?" + db.forUpdateSkipLocked())) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setInt(3, BATCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<ClaimedDelivery> list = new ArrayList<>();
            for (String id : ids) {
                claimById(c, id, now).ifPresent(list::add);
            }
            return list;
        });
        for (ClaimedDelivery d : claimed) {
            submit(() -> deliver(d));
        }
        return claimed.size();
    }

    private Optional<ClaimedDelivery> claimById(Connection c, String id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET state = 'sending', attempts = attempts + 1,"
                + " lease_until = ?, first_sent_at = COALESCE(first_sent_at, ?) WHERE id = ?"
                + " AND (state = 'pending' OR (state = 'sending' AND lease_until < ?))")) {
            ps.setLong(1, now + LEASE.toMillis());
            ps.setLong(2, now);
            ps.setString(3, id);
            ps.setLong(4, now);
            if (ps.executeUpdate() == 0) {
                return Optional.empty(); // another instance has it, or it was cancelled
            }
        }
        inHand.add(id);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, gateway, alert_id, kind, channel, address, subject,"
                + " body, attempts FROM deliveries WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Optional.of(new ClaimedDelivery(rs.getString("id"), rs.getString("gateway"), rs.getString("alert_id"),
                        rs.getString("kind"), rs.getString("channel"), rs.getString("address"),
                        rs.getString("subject"), rs.getString("body"), rs.getInt("attempts")));
            }
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return; // stays in the table; this or another instance sends it later
        }
        try {
            senders.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("delivery failed unexpectedly; it is retried after its lease", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void deliver(ClaimedDelivery d) {
        Channel channel = channels.get(d.channel());
        String shown = channel == null ? d.channel() : channel.shown(d.address());
        boolean ofFeed = WebhookFeed.carries(d.kind());
        int attempts = ofFeed ? feed.attempts() : maxAttempts;
        String error;
        boolean retryable;
        if (channel == null) {
            error = "channel " + d.channel() + " is not configured on this bridge";
            retryable = true; // another instance may have it configured
        } else {
            try {
                if (ofFeed) {
                    feed.send(channel, d);
                } else {
                    channel.send(d.address(), d.subject(), d.body());
                }
                record(d, "delivered", null, null);
                counters.notificationsDelivered.incrementAndGet();
                counters.delivery(d.channel(), "delivered");
                timeFirstNotification(d);
                log.info("{} {} for {}/{} delivered to {} ({} attempt(s))", d.channel(), d.kind(), d.gateway(),
                        d.alertId(), shown, d.attempts());
                tell(d, shown, true, null);
                return;
            } catch (Channel.DeliveryFailure e) {
                error = e.getMessage();
                retryable = e.retryable();
            }
        }
        if (closed) {
            return; // released on close, sent again by whoever is left
        }
        if (retryable && d.attempts() < attempts) {
            Duration wait = Backoff.nth(ofFeed ? feed.retryBase() : retryBase, d.attempts());
            counters.deliveryRetries.incrementAndGet();
            counters.delivery(d.channel(), "retried");
            log.info("{} to {} for {}/{} failed ({}), attempt {} of {}; retrying in {} ms", d.channel(), shown,
                    d.gateway(), d.alertId(), error, d.attempts(), attempts, wait.toMillis());
            record(d, "pending", error, clock.millis() + wait.toMillis());
        } else {
            counters.notificationsFailed.incrementAndGet();
            counters.delivery(d.channel(), "failed");
            log.warn("{} to {} for {}/{} FAILED after {} attempt(s): {}", d.channel(), shown, d.gateway(), d.alertId(),
                    d.attempts(), error);
            record(d, "failed", error, null);
            tell(d, shown, false, error);
        }
    }

    private void record(ClaimedDelivery d, String state, String error, Long nextAttemptAt) {
        inHand.remove(d.id());
        long now = clock.millis();
        try {
            db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET state = ?, last_error = ?,"
                        + " next_attempt_at = COALESCE(?, next_attempt_at), lease_until = NULL,"
                        + " delivered_at = ? WHERE id = ? AND state = 'sending'")) {
                    ps.setString(1, state);
                    Database.setNullableText(ps, 2, error);
                    Database.setNullableLong(ps, 3, nextAttemptAt);
                    Database.setNullableLong(ps, 4, state.equals("delivered") ? now : null);
                    ps.setString(5, d.id());
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            log.error("could not record {} of delivery {}: {}; its lease runs out and it is sent again", state,
                    d.id(), e.getMessage());
        }
    }

    /**
     * Times an alert's first successful delivery from its escalation's opening, on the clock that
     * stamped both. First means no other delivery of the alert succeeded before (or in the same
     * millisecond with a smaller id), so that instances sending an alert's steps side by side time
     * it once.
     */
    private void timeFirstNotification(ClaimedDelivery d) {
        if (!d.kind().equals("alert")) {
            return;
        }
        try {
            Long wait = db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT mine.delivered_at - e.opened_at"
                        + " FROM deliveries mine JOIN escalations e ON e.gateway = mine.gateway"
                        + " AND e.alert_id = mine.alert_id WHERE mine.id = ? AND mine.state = 'delivered'"
                        + " AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.gateway = mine.gateway"
                        + " AND o.alert_id = mine.alert_id AND o.kind = 'alert' AND o.state = 'delivered'"
                        + " AND (o.delivered_at < mine.delivered_at"
                        + " OR (o.delivered_at = mine.delivered_at AND o.id < mine.id)))")) {
                    ps.setString(1, d.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : null;
                    }
                }
            });
            if (wait != null) {
                counters.firstNotification().record(Duration.ofMillis(Math.max(0, wait)));
            }
        } catch (RuntimeException e) {
            log.debug("could not time the first notification of {}/{}: {}", d.gateway(), d.alertId(), e.toString());
        }
    }

    private void tell(ClaimedDelivery d, String shown, boolean delivered, String error) {
        String event = WebhookFeed.carries(d.kind()) ? d.kind() : d.kind().equals("alert") ? "alert.raised" : "alert.cleared";
        NotificationOutcome outcome = new NotificationOutcome(d.gateway(), d.alertId(), event, d.channel(), shown, delivered,
                d.attempts(), error, clock.instant());
        for (NotificationListener listener : listeners) {
            try {
                listener.notificationFinished(outcome);
            } catch (RuntimeException e) {
                log.warn("notification listener {} failed", listener, e);
            }
        }
    }

    /**
     * Stops sending and hands back what this instance had claimed but not finished, so that the
     * next run or another instance sends it at once rather than when the lease runs out. (A
     * message being sent right now may thus arrive twice; it is never lost.)
     */
    @Override
    public void close() {
        closed = true;
        senders.shutdownNow();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channels.values().forEach(Channel::close);
        for (String id : List.copyOf(inHand)) {
            try {
                db.withConnection(c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET state = 'pending',"
                            + " attempts = attempts - 1, lease_until = NULL WHERE id = ? AND state = 'sending'")) {
                        ps.setString(1, id);
                        return ps.executeUpdate();
                    }
                });
            } catch (RuntimeException e) {
                log.debug("could not hand back delivery {}: {}; its lease runs out instead", id, e.getMessage());
            }
        }
    }
}
