package org.anxin.tools.datasets;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One home as the benchmark replays it: its readings, and what its labels say that the sensors
 * cannot (when nobody was home, when a timer ran the water), with what a variant of the
 * robustness suite added: readings that are a faulty sensor's, not the resident's, and devices
 * that die (no reading, not even a check-in, from that time on).
 */
record HomeData(List<ScenarioRow> rows, Spans out, Spans timers, Set<ScenarioRow> noise, Map<String, LocalDateTime> deadFrom) {

    HomeData(List<ScenarioRow> rows, Spans out, Spans timers) {
        this(rows, out, timers, Set.of(), Map.of());
    }
}
