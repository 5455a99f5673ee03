package org.anxin.tools.datasets;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/**
 * A bound, not a detector: for every half hour of the day, the longest gap in the resident's
 * activity (water use, in a water-only home) that the judged days at home actually reached in that
 * half hour. A detector alerting the moment a gap passes that threshold would raise no false alarm
 * on those days, and no detector that judges by the time of day and the gap alone can be faster
 * without raising one. It is set knowing the days it is judged on, so no real detector reaches it.
 */
final class HindsightThresholds {

    private static final int SLOTS = 48;

    private final List<LocalDateTime> events;
    private final Spans out;
    private final long[] longestGap = new long[SLOTS];

    HindsightThresholds(List<LocalDateTime> events, Spans out, LocalDateTime from, LocalDateTime to) {
        this.events = events.stream().sorted().toList();
        this.out = out;
        for (LocalDateTime t = from; t.isBefore(to); t = t.plusMinutes(1)) {
            if (out.contains(t)) {
                continue;
            }
            LocalDateTime since = gapStart(t);
            if (since != null) {
                int slot = slot(t);
                longestGap[slot] = Math.max(longestGap[slot], Duration.between(since, t).toMinutes());
            }
        }
    }

    /** From {@code moment}, all activity stopped: how long until the gap passes its half hour's threshold. */
    Duration timeToDetect(LocalDateTime moment, Duration horizon) {
        LocalDateTime since = gapStart(moment);
        if (since == null) {
            return null;
        }
        for (LocalDateTime t = moment; !t.isAfter(moment.plus(horizon)); t = t.plusMinutes(1)) {
            if (Duration.between(since, t).toMinutes() > longestGap[slot(t)]) {
                return Duration.between(moment, t);
            }
        }
        return null;
    }

    /** The last event at or before {@code t}, or the end of an outing after it (gaps at home count from the return). */
    private LocalDateTime gapStart(LocalDateTime t) {
        int lo = 0;
        int hi = events.size() - 1;
        LocalDateTime last = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).isAfter(t)) {
                hi = mid - 1;
            } else {
                last = events.get(mid);
                lo = mid + 1;
            }
        }
        for (LocalDateTime[] i : out.intervals()) {
            if (!i[1].isAfter(t) && (last == null || i[1].isAfter(last))) {
                last = i[1];
            }
        }
        return last;
    }

    private static int slot(LocalDateTime t) {
        return (t.getHour() * 60 + t.getMinute()) / 30;
    }
}
