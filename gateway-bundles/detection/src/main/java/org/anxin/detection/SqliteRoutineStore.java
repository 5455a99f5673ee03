package org.anxin.detection;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Severity;
import org.anxin.sqlite.DatabaseException;
import org.anxin.sqlite.SqliteDatabase;

/**
 * The learned routine, the engine's small state and its open alert episodes in a SQLite file of
 * its own ({@code detection.db} in the gateway's data directory), so they survive restarts. Opened
 * with the gateway's one SQLite helper ({@link SqliteDatabase}): checked at open, a corrupt file
 * kept aside and replaced by a fresh one, the schema moved forward with {@code user_version}. A
 * write that fails is reported as an {@link IllegalStateException}; the engine's memory keeps the
 * routine meanwhile.
 */
public final class SqliteRoutineStore implements RoutineStore {

    /**
     * Each entry moves the schema one version forward; the file records its version in
     * user_version. The first uses IF NOT EXISTS: files written before the schema had a version
     * already hold its tables.
     */
    private static final List<String> MIGRATIONS = List.of(
            """
            CREATE TABLE IF NOT EXISTS routine_day (signal TEXT NOT NULL, day TEXT NOT NULL,
                slots TEXT NOT NULL, PRIMARY KEY (signal, day));
            CREATE TABLE IF NOT EXISTS engine_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)
            """,
            """
            CREATE TABLE open_episode (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                severity TEXT NOT NULL,
                device TEXT,
                raised_at TEXT NOT NULL,
                reason TEXT NOT NULL,
                detail TEXT NOT NULL)
            """);

    private static final SqliteDatabase.Schema SCHEMA = new SqliteDatabase.Schema("routine store", MIGRATIONS,
            "The learned routine and the open alert episodes are lost; the routine is learned afresh.", 0);

    private final Path file;
    private final SqliteDatabase db;
    private final Connection connection;

    private SqliteRoutineStore(Path file, SqliteDatabase db) {
        this.file = file;
        this.db = db;
        this.connection = db.connection();
    }

    /** As {@link #open(Path, Clock)} with the system's clock. */
    public static SqliteRoutineStore open(Path file) {
        return open(file, Clock.systemUTC());
    }

    /**
     * Opens (or creates) the store. A file SQLite finds corrupt is kept aside as
     * {@code <file>.corrupt-<time>} ({@code clock} gives the time; {@link #recoveredFrom()} the
     * path) and a fresh one started: a broken file must cost what was learned, never detection.
     *
     * @throws IllegalStateException when the file cannot be opened at all (e.g. the directory is not writable)
     */
    public static SqliteRoutineStore open(Path file, Clock clock) {
        try {
            return new SqliteRoutineStore(file, SqliteDatabase.open(file, clock, SCHEMA));
        } catch (DatabaseException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Where a corrupt file found at open was kept; {@code null} if none was. */
    public Path recoveredFrom() {
        return db.recoveredFrom();
    }

    @Override
    public synchronized SortedMap<LocalDate, short[]> loadDays(String signal) {
        SortedMap<LocalDate, short[]> days = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT day, slots FROM routine_day WHERE signal = ?")) {
            ps.setString(1, signal);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] parts = rs.getString(2).split(",");
                    short[] slots = new short[RoutineModel.SLOTS];
                    for (int i = 0; i < slots.length && i < parts.length; i++) {
                        slots[i] = Short.parseShort(parts[i]);
                    }
                    days.put(LocalDate.parse(rs.getString(1)), slots);
                }
            }
        } catch (SQLException e) {
            throw failed("read the routine", e);
        }
        return days;
    }

    @Override
    public synchronized void saveDay(String signal, LocalDate day, short[] slots) {
        StringBuilder text = new StringBuilder(slots.length * 4);
        for (int i = 0; i < slots.length; i++) {
            text.append(i == 0 ? "" : ",").append(slots[i]);
        }
        update("INSERT INTO routine_day (signal, day, slots) VALUES (?, ?, ?)"
                + " ON CONFLICT (signal, day) DO UPDATE SET slots = excluded.slots", signal, day.toString(), text.toString());
    }

    @Override
    public synchronized void deleteDaysBefore(String signal, LocalDate day) {
        update("DELETE FROM routine_day WHERE signal = ? AND day < ?", signal, day.toString());
    }

    @Override
    public synchronized Map<String, String> loadState() {
        Map<String, String> state = new HashMap<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT key, value FROM engine_state")) {
            while (rs.next()) {
                state.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw failed("read the engine state", e);
        }
        return state;
    }

    @Override
    public synchronized void saveState(Map<String, String> state) {
        try {
            db.transaction(() -> {
                try (Statement st = connection.createStatement();
                     PreparedStatement ps = connection.prepareStatement("INSERT INTO engine_state (key, value) VALUES (?, ?)")) {
                    st.execute("DELETE FROM engine_state");
                    for (Map.Entry<String, String> e : state.entrySet()) {
                        ps.setString(1, e.getKey());
                        ps.setString(2, e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (SQLException e) {
            throw failed("save the engine state", e);
        }
    }

    @Override
    public synchronized List<Episode> loadEpisodes() {
        List<Episode> open = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, type, severity, device, raised_at, reason, detail FROM open_episode")) {
            while (rs.next()) {
                AlertType type;
                Severity severity;
                try {
                    type = AlertType.valueOf(rs.getString(2));
                    severity = Severity.valueOf(rs.getString(3));
                } catch (IllegalArgumentException e) {
                    // written by a newer version that knows more types: not ours to continue
                    continue;
                }
                Alert raised = new Alert(rs.getString(1), type, AlertState.RAISED, severity, rs.getString(4),
                        Instant.parse(rs.getString(5)), rs.getString(6));
                open.add(new Episode(raised, rs.getString(7)));
            }
        } catch (SQLException e) {
            throw failed("read the open episodes", e);
        }
        return open;
    }

    @Override
    public synchronized void saveEpisodes(Collection<Episode> open) {
        try {
            db.transaction(() -> {
                try (Statement st = connection.createStatement();
                     PreparedStatement ps = connection.prepareStatement("INSERT INTO open_episode"
                             + " (id, type, severity, device, raised_at, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    st.execute("DELETE FROM open_episode");
                    for (Episode episode : open) {
                        Alert a = episode.alert();
                        ps.setString(1, a.id());
                        ps.setString(2, a.type().name());
                        ps.setString(3, a.severity().name());
                        ps.setString(4, a.device());
                        ps.setString(5, a.time().toString());
                        ps.setString(6, a.reason());
                        ps.setString(7, episode.detail());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (SQLException e) {
            throw failed("save the open episodes", e);
        }
    }

    @Override
    public synchronized void clear() {
        update("DELETE FROM routine_day");
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failed("close", e);
        }
    }

    private void update(String sql, String... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed("write the routine", e);
        }
    }

    private IllegalStateException failed(String what, SQLException e) {
        return new IllegalStateException("routine store " + file + ": cannot " + what + ": " + e.getMessage(), e);
    }
}
