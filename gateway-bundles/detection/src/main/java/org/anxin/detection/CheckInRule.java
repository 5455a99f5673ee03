package org.anxin.detection;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * CHECK_IN_MISSED (off by default): the telecare "I'm fine" service. Every day, between
 * {@code checkInStart} and {@code checkInEnd} in the gateway's zone, the elder presses her check-in
 * button; or the home shows she is up. When neither happened by the window's end the visitor is
 * told (a warning). The next press, or the next such activity, clears it.
 *
 * <p>What shows she is up is the routine rules' activity ({@link HomeState#isActivity}: water that
 * is no drip and no timer's, a door, motion, an appliance) except two kinds. A bed or chair mat
 * may be someone lying there unable to rise, and a mat going empty may be a fall from it. An
 * emergency call is a sign of life but says the opposite of "I'm fine", and it is its own alarm:
 * it neither answers the window nor clears a missed one, and a check-in press can never raise or
 * clear an EMERGENCY_CALL (the life-safety rule does not read {@code check_in}).
 *
 * <p>Only what happens inside the window answers it: she was up at six and fell at half past,
 * and the window is the agreement with her. A window is judged only if the engine saw readings
 * from before its start (a gateway installed at noon does not call the morning missed), and not
 * while an away or visit mode is set; an outing the engine inferred does not hold it back (a
 * pendant cannot be pressed from outside, but the inference may be wrong, and the reason says
 * she seems to be out). The answer of the present window and the last day judged are kept in
 * the engine's state, written as soon as a window is answered, so a restart inside the window
 * neither forgets a press nor calls the window missed twice; the open episode outlives a restart
 * like every other.
 */
final class CheckInRule extends SingleEpisodeRule {

    private final DetectionOptions options;
    private final HomeState home;
    /** The sign of life that answered the latest window answered, and who gave it; null before any. */
    private Instant answeredAt;
    private String answeredBy;
    /** The last local day whose window was judged. */
    private LocalDate judged;
    private boolean changed;

    CheckInRule(DetectionOptions options, HomeState home) {
        super(AlertType.CHECK_IN_MISSED);
        this.options = options;
        this.home = home;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        boolean press = r.kind() == ReadingKind.CHECK_IN;
        if (!press && !showsUp(r)) {
            return List.of();
        }
        String who = (press ? "checked in: " : "up and about: ") + r.device() + " at "
                + r.time().atZone(home.zone).toLocalTime().withNano(0);
        LocalDate day = r.time().atZone(home.zone).toLocalDate();
        if (!answered(day) && !r.time().isBefore(start(day)) && r.time().isBefore(end(day))) {
            answeredAt = r.time();
            answeredBy = who;
            changed = true;
        }
        return open == null ? List.of() : clearOpen(r.time(), who);
    }

    private boolean showsUp(Reading r) {
        return home.isActivity(r) && r.kind() != ReadingKind.CALL && r.kind() != ReadingKind.PRESENCE;
    }

    @Override
    public List<Alert> onTick(Instant now) {
        ZonedDateTime local = now.atZone(home.zone);
        LocalDate day = local.toLocalDate();
        if (local.toLocalTime().isBefore(options.checkInEnd()) || day.equals(judged)) {
            return List.of();
        }
        judged = day;
        Instant start = start(day);
        if (!options.checkInEnabled() || open != null || home.mode != null || home.start == null
                || home.start.isAfter(start) || answered(day)) {
            return List.of();
        }
        StringBuilder reason = new StringBuilder("no check-in and no sign of being up between ")
                .append(options.checkInStart()).append(" and ").append(options.checkInEnd());
        if (home.lastActivity != null) {
            reason.append(" (last activity: ").append(home.lastActivityDevice).append(" at ")
                    .append(home.lastActivity.atZone(home.zone).toLocalDateTime().withNano(0)).append(')');
        }
        if (home.awaySince != null) {
            reason.append("; she seems to have gone out at ").append(home.awaySince.atZone(home.zone).toLocalTime().withNano(0))
                    .append(" (").append(home.awayDoor).append(')');
        }
        open = Alert.raise(AlertType.CHECK_IN_MISSED, null, now, reason.toString());
        return List.of(open);
    }

    private boolean answered(LocalDate day) {
        return answeredAt != null && !answeredAt.isBefore(start(day)) && answeredAt.isBefore(end(day));
    }

    private Instant start(LocalDate day) {
        return at(day, options.checkInStart());
    }

    private Instant end(LocalDate day) {
        return at(day, options.checkInEnd());
    }

    private Instant at(LocalDate day, LocalTime time) {
        return day.atTime(time).atZone(home.zone).toInstant();
    }

    /** Whether a window was answered since the last call: the state is then written at once. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    void save(Map<String, String> s) {
        if (answeredAt != null) {
            s.put("checkIn.answeredAt", answeredAt.toString());
            s.put("checkIn.answeredBy", answeredBy);
        }
        if (judged != null) {
            s.put("checkIn.judged", judged.toString());
        }
    }

    void restore(Map<String, String> s) {
        String at = s.get("checkIn.answeredAt");
        answeredAt = at == null ? null : Instant.parse(at);
        answeredBy = s.get("checkIn.answeredBy");
        String day = s.get("checkIn.judged");
        judged = day == null ? null : LocalDate.parse(day);
    }
}
