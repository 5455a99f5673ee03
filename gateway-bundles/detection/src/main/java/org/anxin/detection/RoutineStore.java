package org.anxin.detection;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where the learned routine is kept: SQLite on the gateway ({@link SqliteRoutineStore}), memory in
 * {@code ./anxin replay}. A day's profile is the gap, in minutes, at the end of each half hour, or
 * {@link RoutineModel#NOT_OBSERVED}.
 */
public interface RoutineStore extends AutoCloseable {

    /** The stored day profiles of one signal, oldest first. */
    SortedMap<LocalDate, short[]> loadDays(String signal);

    void saveDay(String signal, LocalDate day, short[] slots);

    void deleteDaysBefore(String signal, LocalDate day);

    /** The engine's small state (last activity, away, mode) as text. */
    Map<String, String> loadState();

    void saveState(Map<String, String> state);

    /** The alert episodes open at the last {@link #saveEpisodes}; none for a store that keeps nothing. */
    default List<Episode> loadEpisodes() {
        return List.of();
    }

    /**
     * Replaces the stored open episodes with {@code open}. Called whenever one opens or closes:
     * a restart must neither raise an open episode again nor leave it without its clear.
     */
    default void saveEpisodes(Collection<Episode> open) {
    }

    /** Forgets everything learned; the open episodes stay (they are not learning). */
    void clear();

    @Override
    void close();

    /** A store that keeps nothing: the model lives in the engine's memory only. */
    static RoutineStore inMemory() {
        return new RoutineStore() {
            @Override
            public SortedMap<LocalDate, short[]> loadDays(String signal) {
                return new TreeMap<>();
            }

            @Override
            public void saveDay(String signal, LocalDate day, short[] slots) {
            }

            @Override
            public void deleteDaysBefore(String signal, LocalDate day) {
            }

            @Override
            public Map<String, String> loadState() {
                return Map.of();
            }

            @Override
            public void saveState(Map<String, String> state) {
            }

            @Override
            public void clear() {
            }

            @Override
            public void close() {
            }
        };
    }
}
