package org.anxin.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.anxin.protocol.MessageCodec;

/**
 * A local webhook endpoint that records what it is sent and answers with scripted statuses, or
 * holds a request unanswered (its sender waits, as for a receiver that hangs).
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Deque<Integer> script = new ArrayDeque<>();
    private volatile int defaultStatus = 200;
    /** A scripted status that holds the request unanswered until the receiver closes. */
    private static final int HOLD = 0;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    // a held request must not stop the others: a thread per request
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();

    private WebhookReceiver() {
        try {
            // the JDK reads its server's limits once per JVM, at the first server, and the bridge's tests share one
            Bridge.applyHttpServerLimits();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            int status = nextStatus();
            if (status == HOLD) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            if (status / 100 == 2) {
                accepted.add(MessageCodec.mapper().readTree(body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
    }

    static WebhookReceiver start() {
        return new WebhookReceiver();
    }

    /** Answers the next requests with these statuses, then with the default. */
    synchronized WebhookReceiver thenAnswer(Integer... statuses) {
        script.addAll(List.of(statuses));
        return this;
    }

    /** Holds the next request unanswered (after those scripted before), until the receiver closes. */
    WebhookReceiver thenHold() {
        return thenAnswer(HOLD);
    }

    WebhookReceiver alwaysAnswer(int status) {
        defaultStatus = status;
        return this;
    }

    private synchronized int nextStatus() {
        Integer scripted = script.poll();
        return scripted != null ? scripted : defaultStatus;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=s3cret";
    }

    /** The notifications answered with 2xx, in arrival order. */
    List<JsonNode> accepted() {
        return accepted;
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
