package org.anxin.detection;

import java.time.LocalTime;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * NIGHT_DOOR (off by default; for elders with dementia who may wander): the entrance opened during
 * the night hours. Cleared by activity inside from another device: the elder is back, or never
 * left. Held back while a mode is set.
 */
final class NightDoorRule extends SingleEpisodeRule {

    private final DetectionOptions options;
    private final HomeState home;

    NightDoorRule(DetectionOptions options, HomeState home) {
        super(AlertType.NIGHT_DOOR);
        this.options = options;
        this.home = home;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        if (!options.nightDoorEnabled()) {
            return List.of();
        }
        if (r.kind() == ReadingKind.ENTRY_DOOR) {
            LocalTime at = r.time().atZone(home.zone).toLocalTime();
            if (open == null && home.mode == null && r.value().equals("open") && isNight(at)) {
                open = Alert.raise(AlertType.NIGHT_DOOR, r.device(), r.time(), "entrance " + r.device() + " opened at "
                        + at.withNano(0) + ", in the night hours " + options.nightStart() + "-" + options.nightEnd());
                return List.of(open);
            }
            return List.of();
        }
        if (open != null && home.isActivity(r)) {
            return clearOpen(r.time(), "activity inside again: " + r.device() + " at "
                    + r.time().atZone(home.zone).toLocalTime().withNano(0));
        }
        return List.of();
    }

    boolean isNight(LocalTime t) {
        LocalTime start = options.nightStart();
        LocalTime end = options.nightEnd();
        if (start.isBefore(end)) {
            return !t.isBefore(start) && t.isBefore(end);
        }
        return !t.isBefore(start) || t.isBefore(end);
    }
}
