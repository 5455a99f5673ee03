package org.anxin.bridge;

import static org.anxin.bridge.store.Access.Role.ADMINISTRATOR;
import static org.anxin.bridge.store.Access.Role.CENTRE_OPERATOR;
import static org.anxin.bridge.store.Access.Role.INSTALLER;
import static org.anxin.bridge.store.Access.Role.VISITOR;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.anxin.bridge.store.Access.Role;

/**
 * Which roles may call each route of the API, in one table checked before any handler runs. A
 * route that is not in the table is refused, whatever handler exists for it: default deny. The
 * table says who may call a route at all; which homes, gateways and incidents an operator may
 * touch through it is checked against their scope by the handler ({@link Access}).
 */
final class Routes {

    /** Answers without a login ({@code /metrics} checks a token of its own instead). */
    private static final Set<Role> PUBLIC = Set.of();
    private static final Set<Role> ADMIN = EnumSet.of(ADMINISTRATOR);
    /** The people who run homes: administrators and the operators of a centre. */
    private static final Set<Role> STAFF = EnumSet.of(ADMINISTRATOR, CENTRE_OPERATOR);
    private static final Set<Role> EVERYONE = EnumSet.allOf(Role.class);

    /**
     * One route.
     *
     * @param pattern path segments: a literal, {@code {name}} for one segment, {@code {name*}} for
     *     one or more (an alert id may hold slashes); at most one {@code *} per pattern
     * @param roles who may call it; empty for a route that needs no login
     */
    record Route(String method, String pattern, Set<Role> roles) {

        boolean isPublic() {
            return roles.isEmpty();
        }
    }

    static final List<Route> TABLE = List.of(
            new Route("GET", "/api/health", PUBLIC),
            new Route("GET", "/api/openapi.json", PUBLIC),
            new Route("GET", "/metrics", PUBLIC),
            new Route("POST", "/api/login", PUBLIC),
            new Route("GET", "/ack/{token}", PUBLIC),
            new Route("POST", "/ack/{token}", PUBLIC),
            new Route("POST", "/api/logout", EVERYONE),
            new Route("GET", "/api/me", EVERYONE),
            new Route("PATCH", "/api/me", EVERYONE),
            new Route("PUT", "/api/me/password", EVERYONE),
            new Route("GET", "/api/operators", ADMIN),
            new Route("POST", "/api/operators", ADMIN),
            new Route("GET", "/api/operators/{username}", ADMIN),
            new Route("PATCH", "/api/operators/{username}", ADMIN),
            new Route("DELETE", "/api/operators/{username}", ADMIN),
            new Route("PUT", "/api/operators/{username}/password", ADMIN),
            new Route("GET", "/api/gateways", EVERYONE),
            new Route("GET", "/api/gateways/{gateway}", EVERYONE),
            new Route("GET", "/api/alerts", EVERYONE),
            new Route("GET", "/api/alerts/{gateway}/{alertId*}", EVERYONE),
            new Route("GET", "/api/centres", STAFF),
            new Route("GET", "/api/centres/{id}", STAFF),
            new Route("PUT", "/api/centres/{id}", STAFF),
            new Route("DELETE", "/api/centres/{id}", ADMIN),
            new Route("GET", "/api/homes", EVERYONE),
            new Route("GET", "/api/homes/{id}", EVERYONE),
            new Route("PUT", "/api/homes/{id}", STAFF),
            new Route("DELETE", "/api/homes/{id}", STAFF),
            new Route("POST", "/api/homes/{id}/people", STAFF),
            new Route("PUT", "/api/homes/{id}/people/{personId}", STAFF),
            new Route("DELETE", "/api/homes/{id}/people/{personId}", STAFF),
            new Route("GET", "/api/policies", STAFF),
            new Route("GET", "/api/policies/{severity}", STAFF),
            new Route("PUT", "/api/policies/{severity}", ADMIN),
            new Route("GET", "/api/incidents", EVERYONE),
            new Route("GET", "/api/incidents/export", STAFF),
            new Route("POST", "/api/incidents/{gateway}/{alertId*}/ack", EVERYONE),
            new Route("POST", "/api/incidents/{gateway}/{alertId*}/resolve", EVERYONE),
            new Route("GET", "/api/incidents/{gateway}/{alertId*}", EVERYONE),
            new Route("GET", "/api/deliveries", STAFF),
            new Route("GET", "/api/signing-key", EnumSet.of(ADMINISTRATOR, CENTRE_OPERATOR, INSTALLER)),
            new Route("GET", "/api/gateways/{gateway}/config", STAFF),
            new Route("PUT", "/api/gateways/{gateway}/config", STAFF),
            new Route("POST", "/api/gateways/{gateway}/commands", EnumSet.of(ADMINISTRATOR, CENTRE_OPERATOR, INSTALLER)),
            new Route("POST", "/api/gateways/{gateway}/provision", EnumSet.of(ADMINISTRATOR, CENTRE_OPERATOR, INSTALLER)),
            new Route("POST", "/api/config/bulk", ADMIN),
            new Route("GET", "/api/config/bulk/{id}", ADMIN));

    /** Commands an installer may send: pairing a device and checking an installation. */
    static final Set<String> INSTALLER_COMMANDS = Set.of("permit-join", "test-siren", "diagnostics");

    /**
     * What the table says of a request.
     *
     * @param route the route, or {@code null} when none has this method
     * @param allowed the methods routes of this path take; empty when no route has the path
     */
    record Match(Route route, List<String> allowed) {
    }

    private Routes() {
    }

    /** @param rawPath the path as sent, still percent-encoded, so an encoded slash stays in its segment */
    static Match find(String method, String rawPath) {
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : TABLE) {
            if (matches(r.pattern(), rawPath)) {
                if (r.method().equals(method)) {
                    return new Match(r, List.of());
                }
                allowed.add(r.method());
            }
        }
        return new Match(null, List.copyOf(allowed));
    }

    static boolean matches(String pattern, String path) {
        String[] p = pattern.substring(1).split("/", -1);
        if (!path.startsWith("/")) {
            return false;
        }
        String[] s = path.substring(1).split("/", -1);
        int star = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i].endsWith("*}")) {
                star = i;
            }
        }
        if (star < 0) {
            if (p.length != s.length) {
                return false;
            }
            for (int i = 0; i < p.length; i++) {
                if (!segment(p[i], s[i])) {
                    return false;
                }
            }
            return true;
        }
        int after = p.length - star - 1;
        if (s.length < p.length) {
            return false;
        }
        for (int i = 0; i < star; i++) {
            if (!segment(p[i], s[i])) {
                return false;
            }
        }
        for (int i = 0; i < after; i++) {
            if (!segment(p[p.length - 1 - i], s[s.length - 1 - i])) {
                return false;
            }
        }
        for (int i = star; i < s.length - after; i++) {
            if (s[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean segment(String pattern, String value) {
        return pattern.startsWith("{") ? !value.isEmpty() : pattern.equals(value);
    }

    /** Every path pattern of the table, for the check that the OpenAPI document describes each. */
    static List<String> patterns() {
        List<String> list = new ArrayList<>();
        for (Route r : TABLE) {
            if (!list.contains(r.pattern())) {
                list.add(r.pattern());
            }
        }
        return list;
    }
}
