package org.anxin.bridge;

import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.Channel;
import org.anxin.bridge.core.ClaimedDelivery;
import org.anxin.bridge.core.Redaction;
import org.anxin.bridge.store.ReadModel;
import org.anxin.protocol.Alert;

/**
 * The {@code --webhook} feed: one standing recipient told of every alert event, raised or cleared,
 * the gateways' and the bridge's own, whatever the alert's escalation does. Its messages are rows
 * of {@code deliveries} like everyone's, of kind {@code alert.raised} or {@code alert.cleared},
 * written with the event (once per event: the row's unique key) and sent by the webhook channel as
 * the JSON document {@link AlertNotice#json}; so they are leased, retried from the database, and
 * taken over by another instance when theirs dies.
 *
 * <p>The feed's URL is not stored, as it may carry a token: the row's address is the URL as shown,
 * and whichever instance sends a row sends it to its own {@code --webhook}.
 */
final class WebhookFeed {

    /** The feed's recipient key in {@code deliveries}. */
    static final String RECIPIENT = ReadModel.FEED_RECIPIENT;
    static final WebhookFeed NONE = new WebhookFeed(Optional.empty(), 1, Duration.ofSeconds(1));

    private final Optional<URI> url;
    private final int attempts;
    private final Duration retryBase;

    private WebhookFeed(Optional<URI> url, int attempts, Duration retryBase) {
        this.url = url;
        this.attempts = attempts;
        this.retryBase = retryBase;
    }

    static WebhookFeed of(BridgeOptions options) {
        return new WebhookFeed(options.webhookUrl(), options.webhookAttempts(), options.webhookRetryBase());
    }

    /** Where the feed goes as it may be logged and stored, if this instance has one. */
    Optional<String> shown() {
        return url.map(Redaction::url);
    }

    /** The kinds of the feed's deliveries, its events; those to people are alert, cleared and acknowledged. */
    static final List<String> KINDS = List.of("alert.raised", "alert.cleared");

    /** Whether a delivery of this kind is one of the feed's. */
    static boolean carries(String kind) {
        return KINDS.contains(kind);
    }

    int attempts() {
        return attempts;
    }

    Duration retryBase() {
        return retryBase;
    }

    /**
     * Writes the feed's message of this alert event, claimed by this instance, in the caller's
     * transaction; nothing when this instance has no feed or the event was written before.
     */
    Optional<ClaimedDelivery> tell(Connection c, String gateway, Alert alert, long now) throws SQLException {
        if (url.isEmpty()) {
            return Optional.empty();
        }
        String event = AlertNotice.event(alert);
        return Escalations.insertDelivery(c, gateway, alert.id(), event, 0, 0, RECIPIENT, "webhook feed", "webhook",
                shown().orElseThrow(), event, AlertNotice.json(gateway, alert), null, now);
    }

    /** Sends one of the feed's messages through the webhook channel, to this instance's feed. */
    void send(Channel webhook, ClaimedDelivery d) throws Channel.DeliveryFailure {
        if (url.isEmpty()) {
            // another instance wrote it with its --webhook; one that has the feed sends it
            throw new Channel.DeliveryFailure("the webhook feed is not configured on this bridge", true);
        }
        webhook.sendDocument(url.get().toString(), d.body());
    }
}
