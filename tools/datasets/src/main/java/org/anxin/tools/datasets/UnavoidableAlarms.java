package org.anxin.tools.datasets;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Set;

/**
 * A floor under the false alarms, not a detector: the silences in a home's real data on which
 * every detector that meets the benchmark's terms must raise an alarm, though nothing happened.
 * <ul>
 * <li>A silence longer than the horizon (48 h): an incident struck at its start would give the
 * same readings (check-ins, a timer's water) until the horizon had passed, and must be detected
 * within it. So the real silence raises an alarm too.</li>
 * <li>A silence after the entrance longer than {@code notReturnedHours} (and within the horizon):
 * the away rule, going out by the entrance and not back, raises {@code NOT_RETURNED} then.</li>
 * </ul>
 * Counted only where the silence starts on a judged day, so the alarm falls in the judged span.
 */
final class UnavoidableAlarms {

    /** How many silences force an alarm, by either reason. */
    record Floor(int longerThanHorizon, int notReturned) {

        int total() {
            return longerThanHorizon + notReturned;
        }
    }

    private UnavoidableAlarms() {
    }

    /**
     * @param activity the resident's activity as a detector sees it, in time order
     * @param entrance those of {@code activity} that are the entrance
     */
    static Floor count(List<LocalDateTime> activity, Set<LocalDateTime> entrance, LocalDateTime judgedFrom, LocalDateTime end,
                       Duration horizon, Duration notReturned) {
        int longer = 0;
        int away = 0;
        for (int i = 0; i + 1 < activity.size(); i++) {
            LocalDateTime last = activity.get(i);
            LocalDateTime next = activity.get(i + 1);
            if (last.isBefore(judgedFrom) || next.isAfter(end)) {
                continue;
            }
            Duration silence = Duration.between(last, next);
            if (silence.compareTo(horizon) > 0) {
                longer++;
            } else if (silence.compareTo(notReturned) > 0 && entrance.contains(last)) {
                away++;
            }
        }
        return new Floor(longer, away);
    }
}
