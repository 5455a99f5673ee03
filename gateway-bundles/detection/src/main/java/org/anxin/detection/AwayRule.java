package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;

/**
 * NOT_RETURNED: the elder went out (the entrance opened, then silence; see {@link HomeState}) and
 * has not come back within {@code notReturnedHours}. Cleared by the first activity at home.
 * Held back while a mode is set.
 */
final class AwayRule extends SingleEpisodeRule {

    private final DetectionOptions options;
    private final HomeState home;

    AwayRule(DetectionOptions options, HomeState home) {
        super(AlertType.NOT_RETURNED);
        this.options = options;
        this.home = home;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        if (open == null || home.awaySince != null) {
            return List.of();
        }
        return clearOpen(r.time(), "back home: " + r.device() + " at "
                + r.time().atZone(home.zone).toLocalTime().withNano(0));
    }

    @Override
    public List<Alert> onTick(Instant now) {
        if (open != null || home.awaySince == null || home.mode != null) {
            return List.of();
        }
        Duration out = Duration.between(home.awaySince, now);
        if (out.compareTo(options.notReturnedAfter()) < 0) {
            return List.of();
        }
        open = Alert.raise(AlertType.NOT_RETURNED, home.awayDoor, now, "went out at "
                + home.awaySince.atZone(home.zone).toLocalDateTime().withNano(0) + " (" + home.awayDoor
                + ") and not back after " + Durations.human(out));
        return List.of(open);
    }
}
