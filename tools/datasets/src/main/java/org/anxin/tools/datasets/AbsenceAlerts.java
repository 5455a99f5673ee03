package org.anxin.tools.datasets;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.AlertType;

/**
 * The real absences in a home's data, on which an alert is an absence alert, not a false alarm
 * (issue 18's decision): a real silence longer than the horizon (48 h), for an incident struck at
 * its start would give the same readings until the horizon had passed and must be detected by
 * then; or a silence longer than {@code notReturnedHours} that began at the entrance, for the
 * away rule raises {@code NOT_RETURNED} then, as specified. At most one alert of each type per
 * absence is an absence alert; a second one of the same type in the same silence is a false alarm.
 */
final class AbsenceAlerts {

    /** One real silence that counts as an absence, from the last activity to the next. */
    record Absence(LocalDateTime from, LocalDateTime to, boolean atTheEntrance) {
        boolean contains(LocalDateTime t) {
            return t.isAfter(from) && t.isBefore(to);
        }
    }

    private final List<Absence> absences;
    private final List<Set<AlertType>> claimed = new ArrayList<>();

    /**
     * @param activity the resident's activity as the home's sensors see it, in time order
     * @param entrance those of {@code activity} that are the entrance
     */
    AbsenceAlerts(List<LocalDateTime> activity, Set<LocalDateTime> entrance, Duration horizon, Duration notReturned) {
        List<Absence> found = new ArrayList<>();
        for (int i = 0; i + 1 < activity.size(); i++) {
            LocalDateTime last = activity.get(i);
            Duration silence = Duration.between(last, activity.get(i + 1));
            boolean door = entrance.contains(last);
            if (silence.compareTo(horizon) > 0 || door && silence.compareTo(notReturned) > 0) {
                found.add(new Absence(last, activity.get(i + 1), door));
            }
        }
        absences = List.copyOf(found);
        absences.forEach(a -> claimed.add(EnumSet.noneOf(AlertType.class)));
    }

    List<Absence> absences() {
        return absences;
    }

    /**
     * Whether an alert raised at {@code at} is an absence alert: the first of its type in an
     * absence. Call in time order; each call claims the absence for that type.
     */
    boolean claim(AlertType type, LocalDateTime at) {
        for (int i = 0; i < absences.size(); i++) {
            if (absences.get(i).contains(at)) {
                return claimed.get(i).add(type);
            }
        }
        return false;
    }
}
