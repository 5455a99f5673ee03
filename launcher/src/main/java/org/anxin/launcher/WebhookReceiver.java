package org.anxin.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.anxin.protocol.MessageCodec;

/**
 * A local HTTP endpoint standing in for a WeCom or DingTalk group robot: it accepts the bridge's
 * webhook POSTs and keeps what it got.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start(Consumer<JsonNode> onNotification) throws IOException {
        // made before the demo's bridge, it would fix the JDK's server limits (read once) without the bridge's
        org.anxin.bridge.Bridge.applyHttpServerLimits();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                JsonNode body = MessageCodec.mapper().readTree(in.readAllBytes());
                receiver.received.add(body);
                onNotification.accept(body);
                exchange.sendResponseHeaders(204, -1);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return receiver;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<JsonNode> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
