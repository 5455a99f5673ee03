package org.anxin.bridge;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.core.Backoff;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.core.NotificationListener;
import org.anxin.bridge.core.NotificationOutcome;
import org.anxin.bridge.core.Redaction;
import org.anxin.bridge.store.NotificationStore;
import org.anxin.bridge.store.PendingNotification;
import org.anxin.protocol.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs stored alert notifications to the webhook, off the ingest thread, retrying with
 * exponential backoff, and records how each ended.
 */
final class WebhookNotifier implements AutoCloseable {

    static final String CHANNEL = "webhook";

    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final URI webhook;
    private final String target;
    private final int maxAttempts;
    private final Duration retryBase;
    private final NotificationStore store;
    private final BridgeCounters counters;
    private final Clock clock;
    private final List<NotificationListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("notify"));
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(new NamedThreads("webhook-http"));
    private final HttpClient http;
    private volatile boolean closed;

    WebhookNotifier(URI webhook, int maxAttempts, Duration retryBase, NotificationStore store,
                    BridgeCounters counters, Clock clock) {
        this.webhook = webhook;
        this.target = Redaction.url(webhook);
        this.maxAttempts = maxAttempts;
        this.retryBase = retryBase;
        this.store = store;
        this.counters = counters;
        this.clock = clock;
        // our own executor, so that close() can stop the client's worker threads
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(httpThreads)
                .build();
    }

    /** Where notifications go, fit to log and store. */
    String target() {
        return target;
    }

    void addListener(NotificationListener listener) {
        listeners.add(listener);
    }

    /** A notification for {@code gateway}'s alert, to be stored with it and then {@link #send sent}. */
    PendingNotification prepare(String gateway, Alert alert) {
        return new PendingNotification(gateway, alert.id(), AlertNotice.event(alert), CHANNEL, target,
                AlertNotice.json(gateway, alert));
    }

    /** Sends the notifications a previous run stored but did not finish. */
    void resumePending() {
        List<PendingNotification> pending = store.pending(CHANNEL, target);
        if (!pending.isEmpty()) {
            log.info("resuming {} notification(s) a previous run did not finish", pending.size());
            pending.forEach(this::send);
        }
    }

    /** Sends in the background; returns at once. */
    void send(PendingNotification notification) {
        schedule(notification, 1, Duration.ZERO);
    }

    private void schedule(PendingNotification n, int attempt, Duration delay) {
        if (closed) {
            return; // stays pending in the database; the next run sends it
        }
        try {
            scheduler.schedule(() -> attempt(n, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("notifier closing; {} for {}/{} stays pending", n.event(), n.gateway(), n.alertId());
        }
    }

    private void attempt(PendingNotification n, int attempt) {
        if (closed) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(webhook)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "anxin-bridge")
                .POST(HttpRequest.BodyPublishers.ofString(n.payload(), StandardCharsets.UTF_8))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    try {
                        scheduler.execute(() -> finishAttempt(n, attempt, response, error));
                    } catch (RejectedExecutionException e) {
                        log.debug("notifier closing; {} for {}/{} stays pending", n.event(), n.gateway(), n.alertId());
                    }
                });
    }

    private void finishAttempt(PendingNotification n, int attempt, HttpResponse<Void> response, Throwable error) {
        if (error == null && response.statusCode() / 100 == 2) {
            finish(n, true, attempt, null);
            return;
        }
        String problem = error != null ? describe(error) : "HTTP " + response.statusCode();
        boolean retryable = error != null || isRetryable(response.statusCode());
        if (retryable && attempt < maxAttempts) {
            Duration wait = Backoff.nth(retryBase, attempt);
            log.info("webhook {} refused {} for {}/{} ({}), attempt {} of {}; retrying in {} ms", target,
                    n.event(), n.gateway(), n.alertId(), problem, attempt, maxAttempts, wait.toMillis());
            schedule(n, attempt + 1, wait);
        } else {
            finish(n, false, attempt, problem);
        }
    }

    /** A client error other than timeout or rate limiting will not heal by sending it again. */
    private static boolean isRetryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private void finish(PendingNotification n, boolean delivered, int attempts, String lastError) {
        NotificationOutcome outcome = new NotificationOutcome(n.gateway(), n.alertId(), n.event(), CHANNEL, target,
                delivered, attempts, lastError, clock.instant());
        if (delivered) {
            counters.notificationsDelivered.incrementAndGet();
            log.info("notification {} for {}/{} delivered to {} after {} attempt(s)", n.event(), n.gateway(),
                    n.alertId(), target, attempts);
        } else {
            counters.notificationsFailed.incrementAndGet();
            log.warn("notification {} for {}/{} to {} failed after {} attempt(s): {}", n.event(), n.gateway(),
                    n.alertId(), target, attempts, lastError);
        }
        try {
            store.recordOutcome(outcome);
        } catch (RuntimeException e) {
            log.error("could not record the outcome of {} for {}/{}: {}", n.event(), n.gateway(), n.alertId(),
                    e.getMessage());
        }
        for (NotificationListener listener : listeners) {
            try {
                listener.notificationFinished(outcome);
            } catch (RuntimeException e) {
                log.warn("notification listener {} failed", listener, e);
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error.getCause() != null && error instanceof CompletionException
                ? error.getCause() : error;
        return t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Stops sending; anything unfinished stays pending in the database for the next run. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        httpThreads.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
            httpThreads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
