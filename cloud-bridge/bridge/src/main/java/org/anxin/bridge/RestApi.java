package org.anxin.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only JSON API.
 *
 * <pre>
 * GET /api/health                              status, MQTT connection, counters
 * GET /api/gateways                            every gateway the bridge has heard from
 * GET /api/alerts?state=&amp;gateway=&amp;limit=  alert episodes, newest first
 * GET /api/alerts/{gateway}/{alertId}          one episode with its notifications
 * </pre>
 */
final class RestApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final String ALERTS_PREFIX = "/api/alerts/";
    private static final Set<String> ALERT_PARAMETERS = Set.of("state", "gateway", "limit");

    private final ReadModel reads;
    private final BridgeCounters counters;
    private final BooleanSupplier mqttConnected;
    private final BooleanSupplier databaseReachable;
    private final String broker;
    private final ObjectMapper json = MessageCodec.mapper();
    private final ExecutorService threads = Executors.newFixedThreadPool(4, new NamedThreads("http"));
    private final HttpServer server;

    private RestApi(HttpServer server, ReadModel reads, BridgeCounters counters, BooleanSupplier mqttConnected,
                    BooleanSupplier databaseReachable, String broker) {
        this.server = server;
        this.reads = reads;
        this.counters = counters;
        this.mqttConnected = mqttConnected;
        this.databaseReachable = databaseReachable;
        this.broker = broker;
    }

    static RestApi start(String host, int port, ReadModel reads, BridgeCounters counters,
                         BooleanSupplier mqttConnected, BooleanSupplier databaseReachable, String broker) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        RestApi api = new RestApi(server, reads, counters, mqttConnected, databaseReachable, broker);
        server.createContext("/", api::handle);
        server.setExecutor(api.threads);
        server.start();
        log.info("REST API on {}", api.uri());
        return api;
    }

    URI uri() {
        InetSocketAddress address = server.getAddress();
        String host = address.getHostString();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            Object body = route(exchange);
            respond(exchange, 200, body);
        } catch (ApiError e) {
            if (e.status == 405) {
                exchange.getResponseHeaders().set("Allow", "GET");
            }
            respond(exchange, e.status, error(e.status, e.getMessage()));
        } catch (RuntimeException e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
            respond(exchange, 500, error(500, "internal error; see the bridge's log"));
        } finally {
            exchange.close();
        }
    }

    private Object route(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        if (path.equals("/api/health")) {
            requireGet(exchange);
            requireNoParameters(query);
            return health();
        }
        if (path.equals("/api/gateways")) {
            requireGet(exchange);
            requireNoParameters(query);
            return reads.gateways();
        }
        if (path.equals("/api/alerts")) {
            requireGet(exchange);
            return reads.alerts(alertQuery(query));
        }
        if (path.startsWith(ALERTS_PREFIX)) {
            requireGet(exchange);
            requireNoParameters(query);
            return alert(path.substring(ALERTS_PREFIX.length()));
        }
        throw new ApiError(404, "no such resource: " + path);
    }

    private Map<String, Object> health() {
        boolean database = databaseReachable.getAsBoolean();
        boolean mqtt = mqttConnected.getAsBoolean();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", database && mqtt ? "ok" : "degraded");
        health.put("database", database ? "ok" : "unreachable");
        health.put("mqtt", Map.of("broker", broker, "connected", mqtt));
        health.put("counters", counters.asMap());
        return health;
    }

    /** {@code <gateway>/<alert id>}; an alert id may itself contain slashes. */
    private Map<String, Object> alert(String rest) {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new ApiError(404, "expected /api/alerts/{gateway}/{alertId}");
        }
        String gateway = decode(rest.substring(0, slash));
        String alertId = decode(rest.substring(slash + 1));
        ReadModel.AlertView alert = reads.alert(gateway, alertId)
                .orElseThrow(() -> new ApiError(404, "no alert '" + alertId + "' from gateway '" + gateway + "'"));
        @SuppressWarnings("unchecked")
        Map<String, Object> view = json.convertValue(alert, LinkedHashMap.class);
        view.put("notifications", reads.notifications(gateway, alertId));
        return view;
    }

    private static ReadModel.AlertQuery alertQuery(Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!ALERT_PARAMETERS.contains(name)) {
                throw new ApiError(400, "unknown query parameter '" + name + "'; expected state, gateway or limit");
            }
        }
        String state = query.get("state");
        if (state != null && !state.equals("raised") && !state.equals("cleared")) {
            throw new ApiError(400, "state must be 'raised' or 'cleared', got '" + state + "'");
        }
        String gateway = query.get("gateway");
        if (gateway != null && !Reading.DEVICE_ID.matcher(gateway).matches()) {
            throw new ApiError(400, "gateway '" + gateway + "' is not a gateway id (" + Reading.DEVICE_ID.pattern() + ")");
        }
        int limit = DEFAULT_LIMIT;
        String rawLimit = query.get("limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new ApiError(400, "limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + rawLimit + "'");
            }
        }
        return new ReadModel.AlertQuery(state, gateway, limit);
    }

    private static void requireGet(HttpExchange exchange) {
        if (!exchange.getRequestMethod().equals("GET")) {
            throw new ApiError(405, "method " + exchange.getRequestMethod() + " not allowed; use GET");
        }
    }

    private static void requireNoParameters(Map<String, String> query) {
        if (!query.isEmpty()) {
            throw new ApiError(400, "unknown query parameter '" + query.keySet().iterator().next()
                    + "'; this resource takes none");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
            if (parameters.put(name, value) != null) {
                throw new ApiError(400, "query parameter '" + name + "' given more than once");
            }
        }
        return parameters;
    }

    private static String decodeQuery(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "bad percent-encoding in the query string");
        }
    }

    /** Percent-decoding for a path, where '+' is a plus. */
    private static String decode(String s) {
        return decodeQuery(s.replace("+", "%2B"));
    }

    private static Map<String, Object> error(int status, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("error", message);
        return error;
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request the API refuses, with the status and a message for the caller. */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
