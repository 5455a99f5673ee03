package org.anxin.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.anxin.protocol.MessageCodec;

/**
 * The local webhook receiver the bridge's feed ({@code anxin bridge --webhook URL}) posts every
 * alert to, as a duty room's group robot would: it answers as WeCom and DingTalk do
 * ({@code {"errcode":0}}) and tells {@link LoadStats} when each notice arrived. Listens on
 * 127.0.0.1 only.
 */
final class AlertReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "loadgen-receiver");
        t.setDaemon(true);
        return t;
    });
    private final LoadStats stats;

    AlertReceiver(int port, LoadStats stats) throws IOException {
        this.stats = stats;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            long at = System.nanoTime();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status = 200;
            try {
                JsonNode notice = MessageCodec.mapper().readTree(body);
                if ("alert.raised".equals(notice.path("event").asText())) {
                    JsonNode alert = notice.path("alert");
                    stats.notified(notice.path("gateway").asText(), alert.path("type").asText(), alert.path("id").asText(), at);
                }
            } catch (IOException e) {
                status = 400;
            }
            byte[] answer = "{\"errcode\":0,\"errmsg\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/feed";
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
