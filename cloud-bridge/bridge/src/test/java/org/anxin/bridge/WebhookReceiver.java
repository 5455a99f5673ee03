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

/** A local webhook endpoint that records what it is sent and answers with scripted statuses. */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Deque<Integer> script = new ArrayDeque<>();
    private volatile int defaultStatus = 200;

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
            if (status / 100 == 2) {
                accepted.add(MessageCodec.mapper().readTree(body));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
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
        server.stop(0);
    }
}
