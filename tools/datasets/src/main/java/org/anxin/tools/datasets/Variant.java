package org.anxin.tools.datasets;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.anxin.protocol.ReadingKind;

/**
 * The robustness suite: each shared home replayed as a real installation might have changed it.
 * A variant that leaves a home as it was (no mats to remove) returns null, and is not replayed
 * again. Random choices come from the seed given, so a run is repeatable.
 */
enum Variant {
    AS_RECORDED("as recorded"),
    NO_ENTRANCE("no entrance contact"),
    NO_MATS("no bed or chair mats"),
    WATER_ONLY("only the water meter"),
    CHATTERING_MATS("mats that chatter"),
    DEAD_THIRD("one sensor in three dead from day 3"),
    HALF_WATER("water volumes halved"),
    SHIFTED("the day shifted 2 h later"),
    HALF_DROPPED("half of the readings dropped");

    /** Spurious reports a chattering mat sends a day, at random moments. */
    static final int CHATTER_PER_DAY = 6;

    final String label;

    Variant(String label) {
        this.label = label;
    }

    HomeData apply(HomeData home, Random random) {
        List<ScenarioRow> rows = home.rows();
        return switch (this) {
            case AS_RECORDED -> home;
            case NO_ENTRANCE -> without(home, r -> r.kind() == ReadingKind.ENTRY_DOOR);
            case NO_MATS -> without(home, r -> r.kind() == ReadingKind.PRESENCE);
            case WATER_ONLY -> without(home, r -> r.kind() != ReadingKind.WATER);
            case CHATTERING_MATS -> chatter(home, random);
            case DEAD_THIRD -> deadThird(home, random);
            case HALF_WATER -> rows.stream().noneMatch(r -> r.kind() == ReadingKind.WATER) ? null
                    : new HomeData(rows.stream().map(r -> r.kind() != ReadingKind.WATER ? r : new ScenarioRow(r.time(), r.device(),
                    r.kind(), new BigDecimal(r.value()).divide(BigDecimal.valueOf(2), 3, RoundingMode.HALF_UP).toPlainString(),
                    r.order())).toList(), home.out(), home.timers());
            case SHIFTED -> new HomeData(rows.stream().map(r -> new ScenarioRow(r.time().plusHours(2), r.device(), r.kind(), r.value(),
                    r.order())).toList(), home.out().shifted(Duration.ofHours(2)), home.timers().shifted(Duration.ofHours(2)));
            case HALF_DROPPED -> new HomeData(rows.stream().filter(r -> random.nextBoolean()).toList(), home.out(), home.timers());
        };
    }

    private static HomeData without(HomeData home, Predicate<ScenarioRow> drop) {
        List<ScenarioRow> kept = home.rows().stream().filter(drop.negate()).toList();
        return kept.size() == home.rows().size() || kept.isEmpty() ? null : new HomeData(kept, home.out(), home.timers());
    }

    /**
     * A mat that chatters: at random moments it reports someone on it for a few seconds, and one
     * report in three loses its "off", so the home looks at rest until the mat's next real
     * report. These readings are the mat's fault, not the resident's (they are noise to the
     * benchmark: no incident strikes after them, and they are no next activity).
     */
    private static HomeData chatter(HomeData home, Random random) {
        Set<String> mats = new TreeSet<>();
        home.rows().stream().filter(r -> r.kind() == ReadingKind.PRESENCE).forEach(r -> mats.add(r.device()));
        if (mats.isEmpty()) {
            return null;
        }
        List<ScenarioRow> rows = new ArrayList<>(home.rows());
        Set<ScenarioRow> noise = new HashSet<>();
        LocalDate first = rows.stream().map(ScenarioRow::time).min(java.util.Comparator.naturalOrder()).orElseThrow().toLocalDate();
        LocalDate last = rows.stream().map(ScenarioRow::time).max(java.util.Comparator.naturalOrder()).orElseThrow().toLocalDate();
        long order = Long.MAX_VALUE / 2;
        for (String mat : mats) {
            for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
                for (int k = 0; k < CHATTER_PER_DAY; k++) {
                    LocalDateTime at = d.atStartOfDay().plusSeconds(random.nextInt(86_400));
                    ScenarioRow on = new ScenarioRow(at, mat, ReadingKind.PRESENCE, "on", order++);
                    rows.add(on);
                    noise.add(on);
                    if (random.nextInt(3) != 0) {
                        ScenarioRow off = new ScenarioRow(at.plusSeconds(2 + random.nextInt(9)), mat, ReadingKind.PRESENCE, "off", order++);
                        rows.add(off);
                        noise.add(off);
                    }
                }
            }
        }
        return new HomeData(rows, home.out(), home.timers(), noise, Map.of());
    }

    /** One device in three, chosen at random, sends nothing at all from the start of the third day. */
    private static HomeData deadThird(HomeData home, Random random) {
        List<String> devices = new ArrayList<>(new TreeSet<>(home.rows().stream().map(ScenarioRow::device).toList()));
        Collections.shuffle(devices, random);
        int dead = devices.size() / 3;
        if (dead == 0) {
            return null;
        }
        LocalDateTime from = home.rows().stream().map(ScenarioRow::time).min(java.util.Comparator.naturalOrder()).orElseThrow().toLocalDate().plusDays(2).atStartOfDay();
        Map<String, LocalDateTime> deadFrom = new HashMap<>();
        devices.subList(0, dead).forEach(d -> deadFrom.put(d, from));
        List<ScenarioRow> rows = home.rows().stream().filter(r -> !deadFrom.containsKey(r.device()) || r.time().isBefore(from)).toList();
        return new HomeData(rows, home.out(), home.timers(), Set.of(), deadFrom);
    }
}
