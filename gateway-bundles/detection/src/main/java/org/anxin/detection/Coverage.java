package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * What the home's sensors can see, judged over the last {@value #WINDOW_DAYS} days: how many
 * readings of activity arrive a day, which kinds report, and whether an entrance contact reports
 * at all. The routine rules set their expectations by it: a home whose sensors see little waits
 * longer, and a home whose entrance is never heard from cannot tell an outing from a silence at
 * home. The entrance is the device whose readings are of kind {@code entry_door}: the driver layer
 * tags it so (a GPIO sensor's {@code kind}, a Zigbee device's {@code roles}, a scenario's column),
 * never its name.
 */
final class Coverage {

    /** The rolling window of the judgement. */
    static final int WINDOW_DAYS = 7;
    /**
     * The entrance is judged never to report once nothing came from it for this many days while
     * the other sensors reported on every one of them. A week: an elder may stay in for days, and
     * one who goes out not once in a week still gets only a maintenance notice, asking to check the
     * contact.
     */
    static final int ENTRANCE_SILENT_DAYS = 7;

    private final ZoneId zone;
    /** Per local day: readings of activity (all), and of them the entrance's and the water meters'. */
    private final TreeMap<LocalDate, int[]> days = new TreeMap<>();
    private final Map<ReadingKind, Instant> lastByKind = new EnumMap<>(ReadingKind.class);
    /** When the judgement began (the engine's first reading, or the entrance's last report). */
    Instant since;
    Instant lastEntrance;
    String entranceDevice;

    Coverage(ZoneId zone) {
        this.zone = zone;
    }

    /** Counts a reading that {@link HomeState#isActivity} took as activity. */
    void observeActivity(Reading r) {
        if (since == null) {
            since = r.time();
        }
        LocalDate day = r.time().atZone(zone).toLocalDate();
        int[] counts = days.computeIfAbsent(day, d -> new int[3]);
        counts[0]++;
        lastByKind.merge(r.kind(), r.time(), (a, b) -> b.isAfter(a) ? b : a);
        if (r.kind() == ReadingKind.ENTRY_DOOR) {
            counts[1]++;
            lastEntrance = r.time();
            entranceDevice = r.device();
        } else if (r.kind() == ReadingKind.WATER) {
            counts[2]++;
        }
        while (days.size() > WINDOW_DAYS + 1) {
            days.pollFirstEntry();
        }
    }

    /** Readings of activity a day over the window, the present day counted by the part of it seen. */
    double readingsPerDay(Instant now) {
        if (since == null) {
            return 0;
        }
        Instant from = now.minus(Duration.ofDays(WINDOW_DAYS));
        if (from.isBefore(since)) {
            from = since;
        }
        double observedDays = Math.max(Duration.between(from, now).toMinutes() / 1440.0, 1.0 / 24);
        LocalDate first = from.atZone(zone).toLocalDate();
        int sum = days.tailMap(first, true).values().stream().mapToInt(c -> c[0]).sum();
        return sum / observedDays;
    }

    /** The kinds of activity that reported within the window. */
    Set<ReadingKind> kinds(Instant now) {
        Instant from = now.minus(Duration.ofDays(WINDOW_DAYS));
        return lastByKind.entrySet().stream().filter(e -> e.getValue().isAfter(from)).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(ReadingKind.class)));
    }

    /**
     * Whether the entrance is judged never to report: for {@value #ENTRANCE_SILENT_DAYS} days
     * (since the first reading or the entrance's last report) no entrance reading came, while
     * sensors other than water meters reported on every one of those days. A home with only a
     * meter has no entrance to miss, and a home whose sensors are all quiet is not
     * judged: that is a device fault or an absence, which other rules speak for.
     */
    boolean entranceSilent(Instant now) {
        Instant from = lastEntrance != null ? lastEntrance : since;
        if (from == null || Duration.between(from, now).compareTo(Duration.ofDays(ENTRANCE_SILENT_DAYS)) < 0) {
            return false;
        }
        LocalDate today = now.atZone(zone).toLocalDate();
        for (int k = 1; k <= ENTRANCE_SILENT_DAYS; k++) {
            int[] counts = days.get(today.minusDays(k));
            if (counts == null || counts[0] - counts[1] - counts[2] == 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether outings can be seen: an entrance contact reported and is not judged silent. */
    boolean seesOutings(Instant now) {
        return lastEntrance != null && !entranceSilent(now);
    }

    /** For the engine's saved state: when judging began, and the entrance's last report. */
    void save(Map<String, String> into) {
        if (since != null) {
            into.put("coverageSince", since.toString());
        }
        if (lastEntrance != null) {
            into.put("lastEntrance", lastEntrance.toString());
            into.put("entranceDevice", entranceDevice);
        }
    }

    void restore(Map<String, String> from) {
        since = from.containsKey("coverageSince") ? Instant.parse(from.get("coverageSince")) : null;
        lastEntrance = from.containsKey("lastEntrance") ? Instant.parse(from.get("lastEntrance")) : null;
        entranceDevice = from.get("entranceDevice");
    }
}
