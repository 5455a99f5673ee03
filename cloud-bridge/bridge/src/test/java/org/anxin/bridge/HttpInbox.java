package org.anxin.bridge;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP endpoint standing in for group robots and an SMS gateway: records every request
 * (path, decoded query, body) it answers with 2xx, and answers with scripted statuses.
 */
final class HttpInbox implements AutoCloseable {

    /** @param at when it arrived, epoch ms */
    record Request(String method, String path, Map<String, String> query, String body, long at) {
    }

    private final HttpServer server;
    private final List<Request> accepted = new CopyOnWriteArrayList<>();
    private final List<Request> refused = new CopyOnWriteArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private volatile int defaultStatus = 200;

    HttpInbox() {
        try {
            // the JDK reads its server's limits once per JVM, at the first server, and the bridge's tests share one
            Bridge.applyHttpServerLimits();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            long at = System.currentTimeMillis();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> query = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query, body, at);
            int status = nextStatus();
            (status / 100 == 2 ? accepted : refused).add(r);
            byte[] answer = "{\"errcode\":0,\"errmsg\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    synchronized HttpInbox thenAnswer(Integer... statuses) {
        script.addAll(List.of(statuses));
        return this;
    }

    HttpInbox alwaysAnswer(int status) {
        defaultStatus = status;
        return this;
    }

    private synchronized int nextStatus() {
        Integer s = script.poll();
        return s != null ? s : defaultStatus;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> accepted() {
        return accepted;
    }

    List<Request> accepted(String path) {
        return accepted.stream().filter(r -> r.path().equals(path)).toList();
    }

    List<Request> refused() {
        return refused;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
