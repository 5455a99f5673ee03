package org.anxin.detection;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.anxin.detection.api.HomeMode;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * What the engine knows about the home as a whole, shared by the routine rules: the last activity
 * and water use, whether the elder has gone out, and a mode set from outside.
 */
final class HomeState {

    /** Less than this in one reading is a drip or a meter's rounding, not someone using water. */
    static final BigDecimal WATER_USE_MIN_LITRES = new BigDecimal("0.5");
    /** One passage through the entrance: the door opens and closes within this. */
    static final Duration PASSAGE = Duration.ofMinutes(2);

    final ZoneId zone;
    private final Duration awaySilence;
    final TimerFlows timers;
    /** What the home's sensors can see: readings a day, kinds, whether the entrance reports. */
    final Coverage coverage;

    Instant start;
    Instant lastActivity;
    String lastActivityDevice;
    Instant lastWaterUse;
    String lastWaterDevice;
    /** The entrance's last open or close while the silence after it is watched. */
    Instant doorWatch;
    String doorDevice;
    /** When the elder went out (the entrance, then silence); null when home. */
    Instant awaySince;
    String awayDoor;
    /**
     * The entrance reading that ended an outing: she came in. Her passage (the door opening and
     * closing) does not start another outing; silence after it is a gap at home, judged by the
     * routine rules, for she may have collapsed in the hall.
     */
    Instant arrivedAt;
    /** When the elder came back or a mode ended: routine gaps count from here. */
    Instant resumedAt;
    HomeMode mode;
    Instant modeUntil;
    /** Bed and chair mats reporting someone on them now. */
    final java.util.Set<String> occupied = new java.util.TreeSet<>();
    /** Whether any activity sensor other than a water meter ever reported. */
    boolean seesMoreThanWater;

    HomeState(ZoneId zone, DetectionOptions options) {
        this.zone = zone;
        this.awaySilence = options.awaySilence();
        this.timers = new TimerFlows(options.timerFlow(), options.flowPause(), zone);
        this.coverage = new Coverage(zone);
    }

    /** Whether a reading shows someone using water: not a drip, and not a timer's flow. */
    boolean isWaterUse(Reading r) {
        return r.kind() == ReadingKind.WATER && new BigDecimal(r.value()).compareTo(WATER_USE_MIN_LITRES) >= 0
                && !timers.isTimed(r);
    }

    /** Whether a reading shows the elder doing something; a motion sensor going quiet does not. */
    boolean isActivity(Reading r) {
        if (!r.kind().isActivity()) {
            return false;
        }
        return switch (r.kind()) {
            case WATER -> isWaterUse(r);
            case MOTION -> r.value().equals("on");
            default -> true;
        };
    }

    /**
     * Whether the elder is resting: someone is on a bed or chair mat. Gaps while resting are long
     * and normal (sleep, an afternoon in the armchair); gaps while up and about are short, so the
     * routine is learned for each apart, and a fall on the way to the bathroom at night is judged
     * by how long the night's bathroom visits last, not by how long the night is.
     */
    boolean resting() {
        return !occupied.isEmpty();
    }

    /** Whether the routine rules are held back: the elder is out, or a mode is set. */
    boolean held() {
        return awaySince != null || mode != null;
    }

    void observe(Reading r) {
        Instant t = r.time();
        timers.observe(r);
        if (isWaterUse(r)) {
            lastWaterUse = later(lastWaterUse, t);
            lastWaterDevice = r.device();
        }
        if (r.kind() == ReadingKind.PRESENCE) {
            if (r.value().equals("on")) {
                occupied.add(r.device());
            } else {
                occupied.remove(r.device());
            }
        }
        if (!isActivity(r)) {
            return;
        }
        if (r.kind() != ReadingKind.WATER) {
            seesMoreThanWater = true;
        }
        coverage.observeActivity(r);
        lastActivity = later(lastActivity, t);
        lastActivityDevice = r.device();
        boolean entrance = r.kind() == ReadingKind.ENTRY_DOOR;
        if (awaySince != null) {
            awaySince = null;
            resumedAt = t;
            arrivedAt = entrance ? t : null;
        }
        boolean arriving = entrance && arrivedAt != null && Duration.between(arrivedAt, t).compareTo(PASSAGE) <= 0;
        if (entrance && !arriving) {
            doorWatch = t;
            doorDevice = r.device();
        } else {
            doorWatch = null;
        }
    }

    void tick(Instant now) {
        if (mode != null && !now.isBefore(modeUntil)) {
            mode = null;
            resumedAt = modeUntil;
        }
        if (doorWatch != null && awaySince == null && Duration.between(doorWatch, now).compareTo(awaySilence) >= 0) {
            awaySince = doorWatch;
            awayDoor = doorDevice;
            doorWatch = null;
        }
    }

    /** Where the present gap in {@code last} starts: a return home or a mode's end restarts it. */
    Instant gapStart(Instant last) {
        Instant from = last == null ? start : last;
        return resumedAt != null && resumedAt.isAfter(from) ? resumedAt : from;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }
}
