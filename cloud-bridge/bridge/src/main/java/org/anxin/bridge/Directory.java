package org.anxin.bridge;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.anxin.bridge.core.ApiException;
import org.anxin.bridge.store.Database;
import org.anxin.protocol.Reading;

/**
 * Homes, their gateways, the people who look after them and the service centres: the bridge's
 * personal data. Every input is checked here, and a wrong value is refused with what is wrong.
 */
final class Directory {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final Set<String> CATEGORIES = Set.of("living_alone", "empty_nest", "left_behind", "disabled_or_dementia",
            "severely_disabled", "family_planning_special", "other");
    static final Set<String> ROLES = Set.of("contact", "visitor", "installer");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 -]{4,30}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Database db;
    private final Clock clock;

    Directory(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    record CentreInput(String name, String phone, String email, String webhook) {
    }

    record Centre(String id, String name, String phone, String email, String webhook) {
    }

    record HomeInput(String elderName, String district, String street, String community, String address,
                     String category, String centreId, List<String> gateways) {
    }

    record Home(String id, String elderName, String district, String street, String community, String address,
                String category, String centreId, List<String> gateways, List<Person> people) {

        /** Where the home is, for a message: community, street, district. */
        String place() {
            return community + ", " + street + ", " + district + (address == null ? "" : ", " + address);
        }
    }

    record PersonInput(String role, String name, String relation, String phone, String email, String webhook,
                       Integer position) {
    }

    record Person(String id, String homeId, String role, String name, String relation, String phone, String email,
                  String webhook, int position) {
    }

    // ---- centres

    Centre putCentre(String id, CentreInput in) {
        requireId(id, "centre id");
        require(in != null, "a JSON object with name, phone, email, webhook is expected");
        String name = requireText(in.name(), "name", 255);
        String phone = optionalPhone(in.phone());
        String email = optionalEmail(in.email());
        String webhook = optionalWebhook(in.webhook());
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO centres (id, name, phone, email, webhook, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                    + " phone = excluded.phone, email = excluded.email, webhook = excluded.webhook,"
                    + " updated_at = excluded.updated_at")) {
                ps.setString(1, id);
                ps.setString(2, name);
                Database.setNullableText(ps, 3, phone);
                Database.setNullableText(ps, 4, email);
                Database.setNullableText(ps, 5, webhook);
                ps.setLong(6, clock.millis());
                return ps.executeUpdate();
            }
        });
        return new Centre(id, name, phone, email, webhook);
    }

    List<Centre> centres() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, phone, email, webhook FROM centres ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                List<Centre> list = new ArrayList<>();
                while (rs.next()) {
                    list.add(centre(rs));
                }
                return list;
            }
        });
    }

    Optional<Centre> centre(String id) {
        return db.withConnection(c -> centre(c, id));
    }

    static Optional<Centre> centre(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, phone, email, webhook FROM centres WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(centre(rs)) : Optional.empty();
            }
        }
    }

    void deleteCentre(String id) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM homes WHERE centre_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw ApiException.conflict("centre '" + id + "' still serves " + rs.getLong(1) + " home(s)");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM centres WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.notFound("no centre '" + id + "'");
                }
                return null;
            }
        });
    }

    private static Centre centre(ResultSet rs) throws SQLException {
        return new Centre(rs.getString("id"), rs.getString("name"), rs.getString("phone"), rs.getString("email"),
                rs.getString("webhook"));
    }

    // ---- homes

    /**
     * Creates a home, or patches a stored one: each field the input gives replaces the stored value
     * and each field it leaves out is kept, so an edit never silently drops the gateways (and with
     * them every recipient of the home's alerts). An empty text clears an optional field;
     * {@code "gateways": []} is how a home lets all its gateways go.
     */
    Home putHome(String id, HomeInput patch) {
        requireId(id, "home id");
        require(patch != null, "a JSON object with district, street, community, category, ... is expected");
        db.inTransaction(c -> {
            HomeInput in = merged(patch, home(c, id).orElse(null));
            String elder = optionalText(in.elderName(), "elderName", 128);
            String district = requireText(in.district(), "district", 128);
            String street = requireText(in.street(), "street", 128);
            String community = requireText(in.community(), "community", 128);
            String address = optionalText(in.address(), "address", 255);
            String category = requireText(in.category(), "category", 32);
            require(CATEGORIES.contains(category), "category must be one of " + new java.util.TreeSet<>(CATEGORIES)
                    + ", got '" + category + "'");
            String centreId = in.centreId() == null || in.centreId().isBlank() ? null : in.centreId();
            List<String> gateways = in.gateways() == null ? List.of() : List.copyOf(in.gateways());
            for (String g : gateways) {
                require(g != null && Reading.DEVICE_ID.matcher(g).matches() && g.length() <= 128,
                        "gateway '" + g + "' is not a gateway id (" + Reading.DEVICE_ID.pattern() + ", at most 128)");
            }
            require(Set.copyOf(gateways).size() == gateways.size(), "gateways lists one gateway twice");
            if (centreId != null && centre(c, centreId).isEmpty()) {
                throw ApiException.badRequest("centreId '" + centreId + "' names no centre; PUT /api/centres/"
                        + centreId + " first");
            }
            for (String g : gateways) {
                try (PreparedStatement ps = c.prepareStatement("SELECT home_id FROM home_gateways WHERE gateway = ?")) {
                    ps.setString(1, g);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && !rs.getString(1).equals(id)) {
                            throw ApiException.conflict("gateway '" + g + "' already belongs to home '"
                                    + rs.getString(1) + "'");
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO homes (id, elder_name, district, street,"
                    + " community, address, category, centre_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET elder_name = excluded.elder_name, district = excluded.district,"
                    + " street = excluded.street, community = excluded.community, address = excluded.address,"
                    + " category = excluded.category, centre_id = excluded.centre_id, updated_at = excluded.updated_at")) {
                ps.setString(1, id);
                Database.setNullableText(ps, 2, elder);
                ps.setString(3, district);
                ps.setString(4, street);
                ps.setString(5, community);
                Database.setNullableText(ps, 6, address);
                ps.setString(7, category);
                Database.setNullableText(ps, 8, centreId);
                ps.setLong(9, clock.millis());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM home_gateways WHERE home_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            for (String g : gateways) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO home_gateways (gateway, home_id) VALUES (?, ?)")) {
                    ps.setString(1, g);
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return home(id).orElseThrow();
    }

    /** The input with each field it leaves out taken from the stored home, if there is one. */
    private static HomeInput merged(HomeInput in, Home stored) {
        if (stored == null) {
            return in;
        }
        return new HomeInput(in.elderName() != null ? in.elderName() : stored.elderName(),
                in.district() != null ? in.district() : stored.district(),
                in.street() != null ? in.street() : stored.street(),
                in.community() != null ? in.community() : stored.community(),
                in.address() != null ? in.address() : stored.address(),
                in.category() != null ? in.category() : stored.category(),
                in.centreId() != null ? in.centreId() : stored.centreId(),
                in.gateways() != null ? in.gateways() : stored.gateways());
    }

    List<Home> homes() {
        List<String> ids = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM homes ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                List<String> list = new ArrayList<>();
                while (rs.next()) {
                    list.add(rs.getString(1));
                }
                return list;
            }
        });
        List<Home> homes = new ArrayList<>();
        for (String id : ids) {
            home(id).ifPresent(homes::add);
        }
        return homes;
    }

    Optional<Home> home(String id) {
        return db.withConnection(c -> home(c, id));
    }

    /** The home a gateway watches, with its people. */
    static Optional<Home> homeOfGateway(Connection c, String gateway) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT home_id FROM home_gateways WHERE gateway = ?")) {
            ps.setString(1, gateway);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? home(c, rs.getString(1)) : Optional.empty();
            }
        }
    }

    static Optional<Home> home(Connection c, String id) throws SQLException {
        Home bare;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, elder_name, district, street, community, address,"
                + " category, centre_id FROM homes WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                bare = new Home(rs.getString("id"), rs.getString("elder_name"), rs.getString("district"),
                        rs.getString("street"), rs.getString("community"), rs.getString("address"),
                        rs.getString("category"), rs.getString("centre_id"), List.of(), List.of());
            }
        }
        List<String> gateways = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT gateway FROM home_gateways WHERE home_id = ? ORDER BY gateway")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    gateways.add(rs.getString(1));
                }
            }
        }
        List<Person> people = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, home_id, role, name, relation, phone, email, webhook,"
                + " position FROM people WHERE home_id = ? ORDER BY role, position, id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    people.add(person(rs));
                }
            }
        }
        return Optional.of(new Home(bare.id(), bare.elderName(), bare.district(), bare.street(), bare.community(),
                bare.address(), bare.category(), bare.centreId(), gateways, people));
    }

    void deleteHome(String id) {
        db.inTransaction(c -> {
            for (String table : List.of("people", "home_gateways")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE home_id = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM homes WHERE id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.notFound("no home '" + id + "'");
                }
            }
            return null;
        });
    }

    // ---- people

    Person addPerson(String homeId, PersonInput in) {
        return savePerson(homeId, "p-" + UUID.randomUUID().toString().substring(0, 12), in, true);
    }

    Person putPerson(String homeId, String personId, PersonInput in) {
        requireId(personId, "person id");
        return savePerson(homeId, personId, in, false);
    }

    private Person savePerson(String homeId, String personId, PersonInput in, boolean create) {
        require(in != null, "a JSON object with role, name, phone, email, webhook, position is expected");
        String role = requireText(in.role(), "role", 16).toLowerCase(Locale.ROOT);
        require(ROLES.contains(role), "role must be contact, visitor or installer, got '" + in.role() + "'");
        String name = requireText(in.name(), "name", 128);
        String relation = optionalText(in.relation(), "relation", 64);
        String phone = optionalPhone(in.phone());
        String email = optionalEmail(in.email());
        String webhook = optionalWebhook(in.webhook());
        require(phone != null || email != null || webhook != null,
                "a person needs at least one of phone, email or webhook to be notified");
        require(in.position() == null || in.position() >= 1, "position must be 1 or more");
        return db.inTransaction(c -> {
            if (home(c, homeId).isEmpty()) {
                throw ApiException.notFound("no home '" + homeId + "'");
            }
            int position;
            if (in.position() != null) {
                position = in.position();
            } else {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COALESCE(MAX(position), 0) + 1 FROM people WHERE home_id = ? AND role = ?")) {
                    ps.setString(1, homeId);
                    ps.setString(2, role);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        position = rs.getInt(1);
                    }
                }
            }
            String sql = create
                    ? "INSERT INTO people (id, home_id, role, name, relation, phone, email, webhook, position, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    : "INSERT INTO people (id, home_id, role, name, relation, phone, email, webhook, position, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET role = excluded.role,"
                        + " name = excluded.name, relation = excluded.relation, phone = excluded.phone,"
                        + " email = excluded.email, webhook = excluded.webhook, position = excluded.position,"
                        + " updated_at = excluded.updated_at WHERE people.home_id = excluded.home_id";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, personId);
                ps.setString(2, homeId);
                ps.setString(3, role);
                ps.setString(4, name);
                Database.setNullableText(ps, 5, relation);
                Database.setNullableText(ps, 6, phone);
                Database.setNullableText(ps, 7, email);
                Database.setNullableText(ps, 8, webhook);
                ps.setInt(9, position);
                ps.setLong(10, clock.millis());
                if (ps.executeUpdate() == 0) {
                    throw ApiException.conflict("person '" + personId + "' belongs to another home");
                }
            }
            return new Person(personId, homeId, role, name, relation, phone, email, webhook, position);
        });
    }

    void deletePerson(String homeId, String personId) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM people WHERE id = ? AND home_id = ?")) {
                ps.setString(1, personId);
                ps.setString(2, homeId);
                if (ps.executeUpdate() == 0) {
                    throw ApiException.notFound("no person '" + personId + "' in home '" + homeId + "'");
                }
                return null;
            }
        });
    }

    private static Person person(ResultSet rs) throws SQLException {
        return new Person(rs.getString("id"), rs.getString("home_id"), rs.getString("role"), rs.getString("name"),
                rs.getString("relation"), rs.getString("phone"), rs.getString("email"), rs.getString("webhook"),
                rs.getInt("position"));
    }

    // ---- checks

    static void requireId(String id, String what) {
        require(id != null && ID.matcher(id).matches(), what + " '" + id + "' must match " + ID.pattern());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw ApiException.badRequest(message);
        }
    }

    private static String requireText(String value, String field, int max) {
        require(value != null && !value.isBlank(), field + " is required");
        return optionalText(value, field, max);
    }

    private static String optionalText(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        require(v.length() <= max, field + " must have at most " + max + " characters");
        return v;
    }

    static String optionalPhone(String phone) {
        String p = optionalText(phone, "phone", 32);
        require(p == null || PHONE.matcher(p).matches(), "phone must be digits, optionally with a leading +");
        return p == null ? null : p.replace(" ", "").replace("-", "");
    }

    static String optionalEmail(String email) {
        String e = optionalText(email, "email", 255);
        require(e == null || EMAIL.matcher(e).matches(), "email '" + e + "' is not an e-mail address");
        return e;
    }

    static String optionalWebhook(String webhook) {
        String w = optionalText(webhook, "webhook", 2000);
        if (w != null) {
            URI uri;
            try {
                uri = URI.create(w);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("webhook is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            require((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null,
                    "webhook must be an http:// or https:// URL with a host");
        }
        return w;
    }
}
