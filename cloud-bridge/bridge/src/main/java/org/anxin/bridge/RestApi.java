package org.anxin.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.bridge.store.Access;
import org.anxin.bridge.store.Incidents;
import org.anxin.bridge.store.ReadModel;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Reading;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API. Operators log in ({@code POST /api/login}) and send the token they get as
 * {@code Authorization: Bearer <token>}. Without a login only the health check, the OpenAPI
 * document and the one-time acknowledgement links answer. Which role may call which route is
 * {@link Routes}' table, checked before any handler; each handler keeps an operator to the homes
 * of their scope ({@link Access}), answering 404 for what is out of it, as if it did not exist.
 * The whole API is described in {@code /api/openapi.json}.
 */
final class RestApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final int MAX_EXPORT = 1_000_000;
    /**
     * How long a request body may take to arrive. A slow client (slowloris: declare a body, send a
     * byte now and then) holds a thread while it trickles; past this its connection is closed.
     */
    static final long BODY_DEADLINE_MILLIS = 10_000;
    /**
     * Requests handled at once. JDK 17's server has no connection limit of its own, and each slow
     * body holds a thread until {@link #BODY_DEADLINE_MILLIS}: this many slow clients at once still
     * leave threads for health and acknowledgement links; beyond it requests wait their turn.
     */
    static final int MAX_CONCURRENT_REQUESTS = 256;
    /**
     * How long a request's line, headers and body together may take to arrive, in seconds, before
     * the JDK's server closes its connection: a slowloris that trickles its header lines holds a
     * thread as one that trickles its body does. Later than {@link #BODY_DEADLINE_MILLIS}, so a
     * slow body is still closed (and counted) by the bridge's own deadline.
     */
    static final long REQUEST_SECONDS = 15;
    /**
     * The limits of the JDK's server ({@code sun.net.httpserver.ServerConfig}), system properties
     * applied before the first server is made unless the operator set them with {@code -D}: the
     * JDK reads them once per process, and its defaults wait for a request for ever.
     */
    static final Map<String, String> SERVER_LIMITS = limits();
    private static final String ALERTS_PREFIX = "/api/alerts/";
    private static final String INCIDENTS_PREFIX = "/api/incidents/";
    private static final String GATEWAYS_PREFIX = "/api/gateways/";
    private static final Set<String> ALERT_PARAMETERS = Set.of("state", "gateway", "limit", "unassigned");
    private static final Set<String> INCIDENT_PARAMETERS = Set.of("state", "from", "to", "limit");

    /** What the API serves; each a part of the bridge. */
    record Parts(ReadModel reads, Directory directory, Policies policies, Escalations escalations, Incidents incidents,
                 Deliveries deliveries, Operators operators, RemoteConfig remoteConfig, GatewayCommands commands,
                 Provisioning provisioning, SigningKey signingKey, Access access) {
    }

    private final Parts parts;
    private final BridgeCounters counters;
    private final BooleanSupplier mqttConnected;
    private final BooleanSupplier databaseReachable;
    private final String broker;
    private final Optional<String> metricsToken;
    private final ObjectMapper json = MessageCodec.mapper();
    private final ObjectMapper strictJson = MessageCodec.mapper().copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final ExecutorService threads = boundedPool();
    private final ScheduledExecutorService bodyDeadlines =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("http-deadlines"));
    private final HttpServer server;

    private RestApi(HttpServer server, Parts parts, BridgeCounters counters, BooleanSupplier mqttConnected,
                    BooleanSupplier databaseReachable, String broker, Optional<String> metricsToken) {
        this.server = server;
        this.metricsToken = metricsToken;
        this.parts = parts;
        this.counters = counters;
        this.mqttConnected = mqttConnected;
        this.databaseReachable = databaseReachable;
        this.broker = broker;
    }

    private static Map<String, String> limits() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_SECONDS));
        // a response may take as long as a command waits for its gateway (two minutes), and then some
        m.put("sun.net.httpserver.maxRspTime", "300");
        m.put("sun.net.httpserver.idleInterval", "30");
        m.put("sun.net.httpserver.maxIdleConnections", "200");
        m.put("sun.net.httpserver.maxReqHeaders", "100");
        // past this a new connection is closed at once: bounds the sockets a flood holds open, well
        // above the requests handled at once so a slowloris first meets the request deadline
        m.put("jdk.httpserver.maxConnections", "1000");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Sets each of {@link #SERVER_LIMITS} the operator did not set; effective only before the process's first server. */
    static void applyServerLimits() {
        SERVER_LIMITS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }

    static RestApi start(String host, int port, Parts parts, BridgeCounters counters, BooleanSupplier mqttConnected,
                         BooleanSupplier databaseReachable, String broker, Optional<String> metricsToken) {
        applyServerLimits();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        RestApi api = new RestApi(server, parts, counters, mqttConnected, databaseReachable, broker, metricsToken);
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

    /** One request being handled. */
    private final class Call {
        final HttpExchange exchange;
        final String method;
        final String path;
        final Map<String, String> query;
        private Access.Principal principal;
        final byte[] requestBody;

        Call(HttpExchange exchange, byte[] requestBody) {
            this.exchange = exchange;
            this.requestBody = requestBody;
            this.method = exchange.getRequestMethod();
            this.path = exchange.getRequestURI().getRawPath();
            this.query = query(exchange.getRequestURI().getRawQuery());
        }

        void allow(String... methods) {
            for (String m : methods) {
                if (m.equals(method)) {
                    return;
                }
            }
            exchange.getResponseHeaders().set("Allow", String.join(", ", methods));
            throw new ApiException(405, "method " + method + " not allowed; use " + String.join(" or ", methods));
        }

        /** The logged-in operator's name; 401 without a valid session. */
        String operator() {
            return principal().username();
        }

        /** The logged-in operator; 401 without a valid session of an enabled operator. */
        Access.Principal principal() {
            if (principal != null) {
                return principal;
            }
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"anxin\"");
                throw new ApiException(401, "log in first: POST /api/login, then send Authorization: Bearer <token>");
            }
            principal = parts.operators().authenticate(header.substring(7).trim()).orElseThrow(() -> {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"anxin\", error=\"invalid_token\"");
                return new ApiException(401, "the session token is unknown or has expired (or its operator was"
                        + " disabled, deleted or given a new password); log in again");
            });
            return principal;
        }

        /** The homes, gateways and incidents this operator may see, as a condition on rows. */
        Access.Filter scope() {
            return principal().filter();
        }

        <T> T body(Class<T> type) {
            byte[] bytes = requestBody;
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ApiException(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (bytes.length == 0) {
                throw ApiException.badRequest("a JSON request body is expected");
            }
            try {
                T value = strictJson.readValue(bytes, type);
                if (value == null) {
                    throw ApiException.badRequest("a JSON object is expected, not null");
                }
                return value;
            } catch (UnrecognizedPropertyException e) {
                throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'; expected "
                        + e.getKnownPropertyIds());
            } catch (JsonProcessingException e) {
                throw ApiException.badRequest("request body is not valid JSON for this resource: "
                        + e.getOriginalMessage());
            } catch (IOException e) {
                throw ApiException.badRequest("could not read the request body: " + e.getMessage());
            }
        }

        void noParameters() {
            if (!query.isEmpty()) {
                throw ApiException.badRequest("unknown query parameter '" + query.keySet().iterator().next()
                        + "'; this resource takes none");
            }
        }
    }

    /** A response that is not JSON. */
    private record Raw(int status, String contentType, String body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] requestBody;
        try {
            requestBody = readBody(exchange);
        } catch (IOException e) {
            // closed for being too slow, or the client went away: there is nobody to answer
            log.debug("{} {}: request body not read: {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e.toString());
            exchange.close();
            return;
        }
        try {
            Call call = new Call(exchange, requestBody);
            authorise(call);
            Object body = route(call);
            if (body instanceof Raw raw) {
                respondRaw(exchange, raw.status(), raw.contentType(), raw.body());
            } else {
                respond(exchange, call.method.equals("POST") && body instanceof Created ? 201 : 200,
                        body instanceof Created created ? created.value() : body);
            }
        } catch (ApiException e) {
            counters.rejectedRequests.incrementAndGet();
            respond(exchange, e.status(), error(e.status(), e.getMessage()));
        } catch (RuntimeException e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), e);
            respond(exchange, 500, error(500, "internal error; see the bridge's log"));
        } finally {
            exchange.close();
        }
    }

    /**
     * Reads the whole body before any handler runs, within {@link #BODY_DEADLINE_MILLIS}: the
     * server would otherwise block on it when the exchange is closed, even for a request refused
     * unread. Closing the exchange before its response began closes the connection, which ends
     * the blocked read.
     */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = bodyDeadlines.schedule(() -> {
            expired.set(true);
            counters.slowRequestsClosed.incrementAndGet();
            log.info("closed a connection from {}: its request body took over {} ms",
                    exchange.getRemoteAddress(), BODY_DEADLINE_MILLIS);
            exchange.close();
        }, BODY_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        try (InputStream in = exchange.getRequestBody()) {
            return in.readNBytes(MAX_BODY_BYTES + 1);
        } finally {
            deadline.cancel(false);
            if (expired.get()) {
                throw new IOException("request body too slow");
            }
        }
    }

    private static ExecutorService boundedPool() {
        // a command holds its request's thread while it waits for the gateway (up to two minutes)
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_CONCURRENT_REQUESTS, MAX_CONCURRENT_REQUESTS, 30,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new NamedThreads("http"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Text for an HTML page: names and addresses come from operators' input. */
    private static String html(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** Answered with 201 Created. */
    private record Created(Object value) {
    }

    /** The one place where a request is let through to its handler, or not ({@link Routes}). */
    private void authorise(Call call) {
        Routes.Match match = Routes.find(call.method, call.path);
        if (match.route() == null) {
            if (match.allowed().isEmpty()) {
                throw ApiException.notFound("no such resource: " + call.path);
            }
            call.allow(match.allowed().toArray(String[]::new));
        }
        if (match.route().isPublic()) {
            return;
        }
        Access.Principal who = call.principal();
        if (!match.route().roles().contains(who.role())) {
            String role = who.role().wireName();
            throw new ApiException(403, ("aeiou".indexOf(role.charAt(0)) >= 0 ? "an " : "a ") + role + " may not "
                    + call.method + " "
                    + match.route().pattern());
        }
    }

    private Object route(Call call) {
        String path = call.path;
        switch (path) {
            case "/api/health" -> {
                call.allow("GET");
                call.noParameters();
                return health();
            }
            case "/metrics" -> {
                call.allow("GET");
                call.noParameters();
                return metrics(call);
            }
            case "/api/openapi.json" -> {
                call.allow("GET");
                return new Raw(200, "application/json; charset=utf-8", OpenApi.document());
            }
            case "/api/login" -> {
                call.allow("POST");
                return login(call, call.body(Login.class));
            }
            case "/api/logout" -> {
                call.allow("POST");
                call.operator();
                parts.operators().logout(call.exchange.getRequestHeaders().getFirst("Authorization").substring(7).trim());
                return Map.of("loggedOut", true);
            }
            case "/api/operators" -> {
                call.allow("GET", "POST");
                call.noParameters();
                if (call.method.equals("GET")) {
                    return parts.operators().list();
                }
                return new Created(parts.operators().create(call.body(Operators.OperatorInput.class)));
            }
            case "/api/me" -> {
                call.allow("GET", "PATCH");
                call.noParameters();
                Access.Principal who = call.principal();
                if (call.method.equals("PATCH")) {
                    return parts.operators().updateSelf(who.username(), call.body(Operators.SelfPatch.class));
                }
                return parts.operators().view(who.username()).orElseThrow();
            }
            case "/api/me/password" -> {
                call.allow("PUT");
                call.noParameters();
                Operators.PasswordInput in = call.body(Operators.PasswordInput.class);
                if (in.currentPassword() == null) {
                    throw ApiException.badRequest("currentPassword is required to change one's own password");
                }
                parts.operators().setPassword(call.operator(), in.password(), in.currentPassword());
                return Map.of("changed", true, "sessionsEnded", true);
            }
            case "/api/gateways" -> {
                call.allow("GET");
                call.noParameters();
                return parts.reads().gateways(call.scope());
            }
            case "/api/alerts" -> {
                call.allow("GET");
                ReadModel.AlertQuery q = alertQuery(call.query);
                return parts.reads().alerts(q, call.scope());
            }
            case "/api/centres" -> {
                call.allow("GET");
                Access.Principal who = call.principal();
                return parts.directory().centres().stream()
                        .filter(c -> who.isAdministrator() || c.id().equals(who.scope())).toList();
            }
            case "/api/homes" -> {
                call.allow("GET");
                Set<String> visible = parts.access().homes(call.principal());
                return parts.directory().homes().stream().filter(h -> visible.contains(h.id())).toList();
            }
            case "/api/policies" -> {
                call.allow("GET");
                call.operator();
                return parts.policies().all();
            }
            case "/api/incidents" -> {
                call.allow("GET");
                IncidentQuery q = incidentQuery(call.query);
                return parts.incidents().list(q.state(), q.from(), q.to(), q.limit(), call.scope());
            }
            case "/api/incidents/export" -> {
                call.allow("GET");
                String format = call.query.getOrDefault("format", "csv");
                Map<String, String> rest = new HashMap<>(call.query);
                rest.remove("format");
                IncidentQuery q = incidentQuery(rest);
                // an export holds every record in the period (of the operator's scope) unless a limit is asked for
                int limit = rest.containsKey("limit") ? q.limit() : MAX_EXPORT;
                var list = parts.incidents().list(q.state(), q.from(), q.to(), limit, call.scope());
                return switch (format) {
                    case "csv" -> new Raw(200, "text/csv; charset=utf-8", Incidents.csv(list));
                    case "json" -> list;
                    default -> throw ApiException.badRequest("format must be csv or json, got '" + format + "'");
                };
            }
            case "/api/signing-key" -> {
                call.allow("GET");
                call.noParameters();
                call.operator();
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("algorithm", org.anxin.protocol.Signatures.ALGORITHM);
                key.put("publicKey", parts.signingKey().publicKeyBase64());
                return key;
            }
            case "/api/config/bulk" -> {
                call.allow("POST");
                call.noParameters();
                String by = call.operator();
                return new Created(bulk(call.body(BulkInput.class), by));
            }
            case "/api/deliveries" -> {
                call.allow("GET");
                for (String name : call.query.keySet()) {
                    if (!name.equals("state") && !name.equals("limit")) {
                        throw ApiException.badRequest("unknown query parameter '" + name + "'; expected state or limit");
                    }
                }
                String state = call.query.getOrDefault("state", "failed");
                if (!Set.of("pending", "sending", "delivered", "failed", "cancelled").contains(state)) {
                    throw ApiException.badRequest("state must be pending, sending, delivered, failed or cancelled");
                }
                int limit = limit(call.query.get("limit"));
                return parts.incidents().deliveriesIn(state, limit, call.scope());
            }
            default -> {
                return routeWithIds(call);
            }
        }
    }

    private Object routeWithIds(Call call) {
        String path = call.path;
        if (path.startsWith("/ack/")) {
            call.allow("GET", "POST");
            String token = path.substring("/ack/".length());
            if (call.method.equals("GET")) {
                // a link preview or a mail scanner may GET the link: only a POST (the button) acknowledges
                String alert = html(parts.escalations().describeToken(token));
                return new Raw(200, "text/html; charset=utf-8", "<!doctype html><html><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width\"><title>Anxin: " + alert
                        + "</title></head><body><h1>" + alert + "</h1>"
                        + "<form method=\"post\"><p>Acknowledge this alert: you are taking care of it.</p>"
                        + "<button type=\"submit\">I am taking care of it</button></form></body></html>");
            }
            Escalations.AckResult acked = parts.escalations().acknowledgeByToken(token);
            parts.deliveries().sendNow(acked.told());
            return acked;
        }
        if (path.startsWith(ALERTS_PREFIX)) {
            call.allow("GET");
            call.noParameters();
            String[] ids = gatewayAndAlert(path.substring(ALERTS_PREFIX.length()), "/api/alerts/{gateway}/{alertId}");
            return alert(call.principal(), ids[0], ids[1]);
        }
        if (path.startsWith(INCIDENTS_PREFIX)) {
            String rest = path.substring(INCIDENTS_PREFIX.length());
            if (rest.endsWith("/ack")) {
                call.allow("POST");
                String[] ids = gatewayAndAlert(rest.substring(0, rest.length() - 4), "/api/incidents/{gateway}/{alertId}/ack");
                String by = call.operator();
                requireIncidentInScope(call.principal(), ids[0], ids[1]);
                Escalations.AckResult acked = parts.escalations().acknowledge(ids[0], ids[1], "operator " + by);
                parts.deliveries().sendNow(acked.told());
                return acked;
            }
            if (rest.endsWith("/resolve")) {
                call.allow("POST");
                String[] ids = gatewayAndAlert(rest.substring(0, rest.length() - 8),
                        "/api/incidents/{gateway}/{alertId}/resolve");
                String by = call.operator();
                requireIncidentInScope(call.principal(), ids[0], ids[1]);
                parts.escalations().resolve(ids[0], ids[1], "operator " + by, call.body(Escalations.ResolveInput.class));
                return incident(call.principal(), ids[0], ids[1]);
            }
            call.allow("GET");
            call.noParameters();
            String[] ids = gatewayAndAlert(rest, "/api/incidents/{gateway}/{alertId}");
            return incident(call.principal(), ids[0], ids[1]);
        }
        if (path.startsWith("/api/centres/")) {
            String id = decode(path.substring("/api/centres/".length()));
            call.allow("GET", "PUT", "DELETE");
            Access.Principal who = call.principal();
            if (!who.isAdministrator() && !id.equals(who.scope())) {
                // a centre operator keeps their own centre's details; another centre is not theirs to see
                throw ApiException.notFound("no centre '" + id + "'");
            }
            return switch (call.method) {
                case "PUT" -> parts.directory().putCentre(id, call.body(Directory.CentreInput.class));
                case "DELETE" -> {
                    parts.directory().deleteCentre(id);
                    yield Map.of("deleted", id);
                }
                default -> parts.directory().centre(id).orElseThrow(() -> ApiException.notFound("no centre '" + id + "'"));
            };
        }
        if (path.startsWith("/api/homes/")) {
            String[] segments = path.substring("/api/homes/".length()).split("/", -1);
            String homeId = decode(segments[0]);
            Access.Principal who = call.principal();
            boolean visible = parts.access().seesHome(who, homeId);
            if (segments.length == 1) {
                call.allow("GET", "PUT", "DELETE");
                if (!visible && !(call.method.equals("PUT") && parts.directory().home(homeId).isEmpty())) {
                    throw ApiException.notFound("no home '" + homeId + "'");
                }
                return switch (call.method) {
                    case "PUT" -> parts.directory().putHome(homeId, scopedHome(who, visible,
                            call.body(Directory.HomeInput.class)));
                    case "DELETE" -> {
                        parts.directory().deleteHome(homeId);
                        yield Map.of("deleted", homeId);
                    }
                    default -> parts.directory().home(homeId)
                            .orElseThrow(() -> ApiException.notFound("no home '" + homeId + "'"));
                };
            }
            if (!visible) {
                throw ApiException.notFound("no home '" + homeId + "'");
            }
            if (segments[1].equals("people") && segments.length == 2) {
                call.allow("POST");
                return new Created(parts.directory().addPerson(homeId, call.body(Directory.PersonInput.class)));
            }
            if (segments[1].equals("people") && segments.length == 3) {
                String personId = decode(segments[2]);
                call.allow("PUT", "DELETE");
                if (call.method.equals("PUT")) {
                    return parts.directory().putPerson(homeId, personId, call.body(Directory.PersonInput.class));
                }
                parts.directory().deletePerson(homeId, personId);
                return Map.of("deleted", personId);
            }
        }
        if (path.startsWith(GATEWAYS_PREFIX)) {
            return routeGateway(call);
        }
        if (path.startsWith("/api/config/bulk/")) {
            String id = decode(path.substring("/api/config/bulk/".length()));
            call.allow("GET");
            call.noParameters();
            return parts.remoteConfig().bulkView(id);
        }
        if (path.startsWith("/api/operators/")) {
            String[] segments = path.substring("/api/operators/".length()).split("/", -1);
            String username = decode(segments[0]);
            call.noParameters();
            if (segments.length == 2 && segments[1].equals("password")) {
                call.allow("PUT");
                Operators.PasswordInput in = call.body(Operators.PasswordInput.class);
                if (in.currentPassword() != null) {
                    throw ApiException.badRequest("an administrator's reset takes no currentPassword;"
                            + " to change your own password, PUT /api/me/password");
                }
                parts.operators().setPassword(username, in.password(), null);
                return Map.of("username", username, "reset", true, "sessionsEnded", true);
            }
            call.allow("GET", "PATCH", "DELETE");
            return switch (call.method) {
                case "PATCH" -> parts.operators().update(username, call.body(Operators.OperatorPatch.class));
                case "DELETE" -> {
                    parts.operators().delete(username);
                    yield Map.of("deleted", username);
                }
                default -> parts.operators().view(username)
                        .orElseThrow(() -> ApiException.notFound("no operator '" + username + "'"));
            };
        }
        if (path.startsWith("/api/policies/")) {
            String severity = decode(path.substring("/api/policies/".length()));
            call.allow("GET", "PUT");
            return call.method.equals("PUT")
                    ? parts.policies().put(severity, call.body(Policies.PolicyInput.class))
                    : parts.policies().get(severity);
        }
        throw ApiException.notFound("no such resource: " + path);
    }

    record Login(String username, String password) {
    }

    /** {@code PUT /api/gateways/{gw}/config}: a replacement unless {@code mode} is {@code patch}. */
    record ConfigInput(String mode, Map<String, JsonNode> components, List<String> removed) {
    }

    /**
     * {@code POST /api/config/bulk}: the gateways, or a community, and the change; a patch unless
     * {@code mode} is {@code replace}, because one property pushed to many homes must not wipe what
     * each home set for itself.
     */
    record BulkInput(List<String> gateways, String community, String mode, Map<String, JsonNode> components,
                     List<String> removed) {
    }

    /** {@code POST /api/gateways/{gw}/commands}. */
    record CommandInput(String name, Map<String, Object> args, Integer timeoutSeconds) {
    }

    /** {@code POST /api/gateways/{gw}/provision}. */
    record ProvisionInput(String home, String gatewayKey) {
    }

    /** {@code /api/gateways/{gw}}, {@code .../config}, {@code .../commands}, {@code .../provision}. */
    private Object routeGateway(Call call) {
        String[] segments = call.path.substring(GATEWAYS_PREFIX.length()).split("/", -1);
        if (segments.length == 1 && !segments[0].isEmpty()) {
            call.allow("GET");
            call.noParameters();
            String gateway = decode(segments[0]);
            if (!parts.access().seesGateway(call.principal(), gateway)) {
                throw ApiException.notFound("gateway " + gateway + " was never heard from");
            }
            return parts.reads().gateway(gateway)
                    .orElseThrow(() -> ApiException.notFound("gateway " + gateway + " was never heard from"));
        }
        if (segments.length != 2 || segments[0].isEmpty()) {
            throw ApiException.notFound("no such resource: " + call.path
                    + "; expected /api/gateways/{gateway}/config, /commands or /provision");
        }
        String gateway = decode(segments[0]);
        Access.Principal who = call.principal();
        if (!segments[1].equals("provision")) {
            RemoteConfig.requireGateway(gateway);
            if (!parts.access().seesGateway(who, gateway)) {
                throw ApiException.notFound("no gateway '" + gateway + "' in the homes you look after");
            }
        }
        switch (segments[1]) {
            case "config" -> {
                call.allow("GET", "PUT");
                call.noParameters();
                String by = call.operator();
                RemoteConfig.requireGateway(gateway);
                if (call.method.equals("GET")) {
                    return parts.remoteConfig().view(gateway);
                }
                ConfigInput in = call.body(ConfigInput.class);
                RemoteConfig.Pushed pushed = parts.remoteConfig().push(gateway,
                        RemoteConfig.change(RemoteConfig.Mode.parse(in.mode(), RemoteConfig.Mode.REPLACE),
                                in.components(), in.removed()), by, null);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("gateway", gateway);
                out.put("version", pushed.version());
                out.put("status", "pending");
                return out;
            }
            case "commands" -> {
                call.allow("POST");
                call.noParameters();
                String by = call.operator();
                RemoteConfig.requireGateway(gateway);
                CommandInput in = call.body(CommandInput.class);
                if (who.role() == Access.Role.INSTALLER && !Routes.INSTALLER_COMMANDS.contains(in.name())) {
                    throw new ApiException(403, "an installer may send only " + new java.util.TreeSet<>(
                            Routes.INSTALLER_COMMANDS) + ", not '" + in.name() + "'");
                }
                java.time.Duration timeout = in.timeoutSeconds() == null ? GatewayCommands.DEFAULT_TIMEOUT
                        : java.time.Duration.ofSeconds(in.timeoutSeconds());
                return parts.commands().send(gateway, in.name(), in.args(), by, timeout);
            }
            case "provision" -> {
                call.allow("POST");
                call.noParameters();
                String by = call.operator();
                RemoteConfig.requireGateway(gateway);
                ProvisionInput in = call.body(ProvisionInput.class);
                if (!who.isAdministrator() && in.home() != null) {
                    if (!parts.access().seesHome(who, in.home())) {
                        throw ApiException.notFound("no home '" + in.home() + "'");
                    }
                    Optional<String> owner = parts.access().homeOf(gateway);
                    if (owner.isPresent() && !parts.access().seesHome(who, owner.get())) {
                        throw ApiException.conflict("gateway " + gateway + " belongs to another home; an administrator"
                                + " or that home's centre must let it go first");
                    }
                }
                return new Created(parts.provisioning().provision(gateway, in.home(), by, in.gatewayKey()));
            }
            default -> throw ApiException.notFound("no such resource: " + call.path
                    + "; expected /api/gateways/{gateway}/config, /commands or /provision");
        }
    }

    private Map<String, Object> bulk(BulkInput in, String operator) {
        boolean byList = in.gateways() != null;
        boolean byCommunity = in.community() != null;
        if (byList == byCommunity) {
            throw ApiException.badRequest("give either gateways (a list of gateway ids) or community, not "
                    + (byList ? "both" : "neither"));
        }
        RemoteConfig.Change change = RemoteConfig.change(RemoteConfig.Mode.parse(in.mode(), RemoteConfig.Mode.PATCH),
                in.components(), in.removed());
        List<String> gateways;
        Map<String, Object> selector = new LinkedHashMap<>();
        if (byList) {
            java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
            for (String g : in.gateways()) {
                distinct.add(RemoteConfig.requireGateway(g));
            }
            gateways = List.copyOf(distinct);
            if (gateways.isEmpty()) {
                throw ApiException.badRequest("gateways is empty: nothing to push to");
            }
            List<String> unknown = parts.remoteConfig().unknownGateways(gateways);
            if (!unknown.isEmpty()) {
                throw ApiException.badRequest("unknown gateway(s) " + String.join(", ", unknown) + ": neither heard from"
                        + " nor provisioned for a home; nothing was pushed");
            }
            selector.put("gateways", gateways);
        } else {
            if (in.community().isBlank()) {
                throw ApiException.badRequest("community must not be empty");
            }
            gateways = parts.remoteConfig().gatewaysOfCommunity(in.community());
            if (gateways.isEmpty()) {
                throw ApiException.badRequest("no gateway belongs to a home in community '" + in.community() + "'");
            }
            selector.put("community", in.community());
        }
        return parts.remoteConfig().bulk(gateways, selector, change, operator);
    }

    private Map<String, Object> login(Call call, Login in) {
        String address = call.exchange.getRemoteAddress().getAddress().getHostAddress();
        Operators.LoginResult result = parts.operators().login(in.username(), in.password(), address);
        if (result instanceof Operators.Throttled throttled) {
            long seconds = Math.max(1, (throttled.retryAfter().toMillis() + 999) / 1000);
            call.exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
            throw new ApiException(429, "too many failed logins for this user or from this address; try again in "
                    + seconds + " s");
        }
        if (!(result instanceof Operators.LoggedIn loggedIn)) {
            throw new ApiException(401, "wrong user name or password");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", loggedIn.session().token());
        out.put("expiresAt", Instant.ofEpochMilli(loggedIn.session().expiresAt()));
        return out;
    }

    /**
     * A home edit as a centre operator may make it: in their own centre only. A new home is put in
     * their centre; a gateway of a home out of scope is not named in the refusal.
     */
    private Directory.HomeInput scopedHome(Access.Principal who, boolean exists, Directory.HomeInput in) {
        if (who.isAdministrator() || in == null) {
            return in;
        }
        if (in.centreId() != null && !in.centreId().equals(who.scope())) {
            throw new ApiException(403, "a centre operator keeps homes in their own centre '" + who.scope()
                    + "', not in '" + in.centreId() + "'");
        }
        if (in.gateways() != null) {
            for (String g : in.gateways()) {
                Optional<String> owner = g == null ? Optional.empty() : parts.access().homeOf(g);
                if (owner.isPresent() && !parts.access().seesHome(who, owner.get())) {
                    throw ApiException.conflict("gateway '" + g + "' already belongs to another home");
                }
            }
        }
        return exists ? in : new Directory.HomeInput(in.elderName(), in.district(), in.street(), in.community(),
                in.address(), in.category(), who.scope(), in.gateways());
    }

    /**
     * The Prometheus scrape, for the holder of the metrics token only: a token of its own rather
     * than an operator's login, which expires and would give the scraper the whole API
     * (docs/security.md).
     */
    private Raw metrics(Call call) {
        String expected = metricsToken.orElseThrow(() -> ApiException.notFound(
                "no metrics are served: start the bridge with --metrics-token"));
        String header = call.exchange.getRequestHeaders().getFirst("Authorization");
        boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
        if (!bearer || !java.security.MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            call.exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"anxin-metrics\"");
            throw new ApiException(401, "send Authorization: Bearer <the bridge's metrics token>");
        }
        return new Raw(200, "text/plain; version=0.0.4; charset=utf-8", counters.scrape());
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
    private static String[] gatewayAndAlert(String rest, String shape) {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw ApiException.notFound("expected " + shape);
        }
        return new String[] {decode(rest.substring(0, slash)), decode(rest.substring(slash + 1))};
    }

    private Map<String, Object> alert(Access.Principal who, String gateway, String alertId) {
        ReadModel.AlertView alert = parts.reads().alert(gateway, alertId)
                .filter(a -> parts.access().seesGateway(who, gateway))
                .orElseThrow(() -> ApiException.notFound("no alert '" + alertId + "' from gateway '" + gateway + "'"));
        @SuppressWarnings("unchecked")
        Map<String, Object> view = json.convertValue(alert, LinkedHashMap.class);
        view.put("notifications", parts.reads().notifications(gateway, alertId));
        return view;
    }

    /** 404 for an operator whose scope does not hold the incident (or when there is none); an administrator's holds all. */
    private void requireIncidentInScope(Access.Principal who, String gateway, String alertId) {
        if (!who.isAdministrator()) {
            incident(who, gateway, alertId);
        }
    }

    /** The incident with its messages; 404 when there is none or it is of a home out of scope. */
    private Map<String, Object> incident(Access.Principal who, String gateway, String alertId) {
        Incidents.Incident incident = parts.incidents().get(gateway, alertId)
                .filter(i -> parts.access().seesHome(who, i.homeId()))
                .orElseThrow(() -> ApiException.notFound("no incident for alert '" + alertId + "' of gateway '"
                        + gateway + "'"));
        @SuppressWarnings("unchecked")
        Map<String, Object> view = json.convertValue(incident, LinkedHashMap.class);
        view.put("messages", parts.incidents().deliveries(gateway, alertId));
        return view;
    }

    private static ReadModel.AlertQuery alertQuery(Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!ALERT_PARAMETERS.contains(name)) {
                throw ApiException.badRequest("unknown query parameter '" + name + "'; expected state, gateway, limit or unassigned");
            }
        }
        String state = query.get("state");
        if (state != null && !state.equals("raised") && !state.equals("cleared")) {
            throw ApiException.badRequest("state must be 'raised' or 'cleared', got '" + state + "'");
        }
        String gateway = query.get("gateway");
        if (gateway != null && !Reading.DEVICE_ID.matcher(gateway).matches()) {
            throw ApiException.badRequest("gateway '" + gateway + "' is not a gateway id (" + Reading.DEVICE_ID.pattern() + ")");
        }
        String unassigned = query.get("unassigned");
        if (unassigned != null && !unassigned.equals("true") && !unassigned.equals("false")) {
            throw ApiException.badRequest("unassigned must be true or false, got '" + unassigned + "'");
        }
        return new ReadModel.AlertQuery(state, gateway, limit(query.get("limit")),
                unassigned == null ? null : Boolean.valueOf(unassigned));
    }

    private record IncidentQuery(String state, Long from, Long to, int limit) {
    }

    private static IncidentQuery incidentQuery(Map<String, String> query) {
        for (String name : query.keySet()) {
            if (!INCIDENT_PARAMETERS.contains(name)) {
                throw ApiException.badRequest("unknown query parameter '" + name + "'; expected state, from, to or limit");
            }
        }
        String state = query.get("state");
        if (state != null && !Set.of("open", "acknowledged", "cleared").contains(state)) {
            throw ApiException.badRequest("state must be open, acknowledged or cleared, got '" + state + "'");
        }
        return new IncidentQuery(state, instant(query.get("from"), "from"), instant(query.get("to"), "to"),
                limit(query.get("limit")));
    }

    private static Long instant(String value, String name) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be an ISO-8601 instant such as 2024-03-01T00:00:00Z, got '"
                    + value + "'");
        }
    }

    private static int limit(String rawLimit) {
        if (rawLimit == null) {
            return DEFAULT_LIMIT;
        }
        int limit;
        try {
            limit = Integer.parseInt(rawLimit);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + rawLimit + "'");
        }
        return limit;
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
                throw ApiException.badRequest("query parameter '" + name + "' given more than once");
            }
        }
        return parameters;
    }

    private static String decodeQuery(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad percent-encoding in the query string");
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
        respondRaw(exchange, status, "application/json; charset=utf-8", json.writeValueAsString(body));
    }

    private static void respondRaw(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        bodyDeadlines.shutdownNow();
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
