package org.anxin.bridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.anxin.bridge.core.ApiException;

/**
 * Who an operator is and which homes they may see. The homes are the unit of scope: a centre
 * operator's are those of their centre, a visitor's and an installer's are the homes that list
 * them among their people (by the e-mail address or phone number they were given), and an
 * administrator's are all. Whatever hangs off a home (its gateways, their alerts, the incidents
 * and messages about them) is in scope with it.
 */
public final class Access {

    private final Database db;

    public Access(Database db) {
        this.db = db;
    }

    public boolean seesHome(Principal who, String homeId) {
        return who.isAdministrator() || db.withConnection(c -> who.seesHome(c, homeId));
    }

    public boolean seesGateway(Principal who, String gateway) {
        return who.isAdministrator() || db.withConnection(c -> who.seesGateway(c, gateway));
    }

    /** The home a gateway belongs to, if any. */
    public Optional<String> homeOf(String gateway) {
        return db.withConnection(c -> homeOf(c, gateway));
    }

    /** The ids of the homes in scope. */
    public Set<String> homes(Principal who) {
        Filter f = who.filter();
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM homes WHERE " + f.onHome("id"))) {
                for (int i = 0; i < f.args().size(); i++) {
                    ps.setString(i + 1, f.args().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    Set<String> ids = new HashSet<>();
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                    return ids;
                }
            }
        });
    }

    public enum Role {
        ADMINISTRATOR, CENTRE_OPERATOR, VISITOR, INSTALLER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role of(String name) {
            if (name != null) {
                for (Role r : values()) {
                    if (r.wireName().equals(name)) {
                        return r;
                    }
                }
            }
            throw ApiException.badRequest("role must be administrator, centre_operator, visitor or installer, got '"
                    + name + "'");
        }

        /** The people-of-a-home role by which a home lists an operator of this role. */
        public String personRole() {
            return this == VISITOR ? "visitor" : "installer";
        }
    }

    /**
     * A logged-in operator.
     *
     * @param scope the centre id of a centre operator; the e-mail address or phone number of a
     *     visitor or installer; {@code null} for an administrator
     */
    public record Principal(String username, Role role, String scope) {

        public boolean isAdministrator() {
            return role == Role.ADMINISTRATOR;
        }

        /**
         * The ids of the homes in scope as a sub-select and its arguments, or {@code null} for
         * all homes. A scope that names nothing selects nothing.
         */
        public Filter filter() {
            return switch (role) {
                case ADMINISTRATOR -> new Filter(null, List.of());
                case CENTRE_OPERATOR -> new Filter("SELECT id FROM homes WHERE centre_id = ?", List.of(nz(scope)));
                case VISITOR, INSTALLER -> new Filter("SELECT home_id FROM people WHERE role = ?"
                        + " AND (LOWER(email) = ? OR phone = ?)",
                        List.of(role.personRole(), nz(scope).toLowerCase(Locale.ROOT), phone(nz(scope))));
            };
        }

        boolean seesHome(Connection c, String homeId) throws SQLException {
            if (homeId == null) {
                // an alert of a gateway that belongs to no home: only an administrator handles those
                return isAdministrator();
            }
            Filter f = filter();
            if (f.homes() == null) {
                return true;
            }
            List<String> args = new ArrayList<>(f.args());
            args.add(homeId);
            return exists(c, "SELECT 1 FROM homes WHERE id IN (" + f.homes() + ") AND id = ?", args);
        }

        /** A gateway is in scope when its home is; one that belongs to no home only for an administrator. */
        boolean seesGateway(Connection c, String gateway) throws SQLException {
            return seesHome(c, homeOf(c, gateway).orElse(null));
        }

        private static String nz(String s) {
            // NULL would compare unknown; an empty text matches no home, no e-mail and no phone
            return s == null ? "" : s;
        }
    }

    /**
     * A condition that keeps only rows in scope.
     *
     * @param homes a sub-select of home ids, or {@code null} for all
     */
    public record Filter(String homes, List<String> args) {

        /** {@code column} holds a home id. */
        String onHome(String column) {
            return homes == null ? "1 = 1" : column + " IN (" + homes + ")";
        }

        /** {@code column} holds a gateway id. */
        String onGateway(String column) {
            return homes == null ? "1 = 1"
                    : column + " IN (SELECT gateway FROM home_gateways WHERE home_id IN (" + homes + "))";
        }

        static Filter all() {
            return new Filter(null, List.of());
        }
    }

    public static Optional<String> homeOf(Connection c, String gateway) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT home_id FROM home_gateways WHERE gateway = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** A phone number as {@code Directory} stores it. */
    public static String phone(String s) {
        return s.replace(" ", "").replace("-", "");
    }

    private static boolean exists(Connection c, String sql, List<String> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
