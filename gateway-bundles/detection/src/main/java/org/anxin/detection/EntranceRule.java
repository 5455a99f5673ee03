package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * ENTRANCE_SILENT (maintenance): the home's entrance contact is judged never to report
 * ({@link Coverage#entranceSilent}), so every outing looks like a silence at home. The installer
 * is told, and until the entrance reports again the routine rules judge silences without knowing
 * of outings. Cleared by the entrance's next reading.
 */
final class EntranceRule extends SingleEpisodeRule {

    private final HomeState home;

    EntranceRule(HomeState home) {
        super(AlertType.ENTRANCE_SILENT);
        this.home = home;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        if (open == null || r.kind() != ReadingKind.ENTRY_DOOR) {
            return List.of();
        }
        return clearOpen(r.time(), "the entrance " + r.device() + " reported at "
                + r.time().atZone(home.zone).toLocalDateTime().withNano(0));
    }

    @Override
    public List<Alert> onTick(Instant now) {
        Coverage c = home.coverage;
        if (open != null || !home.seesMoreThanWater || !c.entranceSilent(now)) {
            return List.of();
        }
        String reason = c.lastEntrance == null
                ? "no entrance contact has reported in " + Durations.human(Duration.between(c.since, now))
                : "the entrance " + c.entranceDevice + " has not reported since "
                + c.lastEntrance.atZone(home.zone).toLocalDateTime().withNano(0);
        open = Alert.raise(AlertType.ENTRANCE_SILENT, c.entranceDevice, now, reason + " while the other sensors reported every day ("
                + Math.round(c.readingsPerDay(now)) + " readings a day): outings cannot be seen; check the entrance contact");
        return List.of(open);
    }
}
