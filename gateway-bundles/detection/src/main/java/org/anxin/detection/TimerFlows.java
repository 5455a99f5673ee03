package org.anxin.detection;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * Water that a timer runs (a garden's sprinklers, a water softener's regeneration) is no sign of
 * life: it runs on schedule while the elder lies on the floor, and a house meter cannot tell it
 * from a tap. A timer shows itself by starting long flows at the same minute of the day: a flow
 * that starts within {@link #MATCH} of the start of a flow that ran {@code timerFlowMinutes} or
 * more on at least {@link #MIN_DAYS} of the last {@link #HISTORY_DAYS} days is taken as the timer's.
 * Its readings are then no water use and no activity for the routine rules; they still count for
 * CONTINUOUS_WATER_FLOW and for the meter's health.
 *
 * <p>The judgement is made when the flow starts, for it must hold from the first reading. A
 * person's use that happens to start at a timer's minute on a day the timer does not run is
 * therefore missed as a sign of life: the cost is a later clear, or an earlier alert, never a
 * missed one.
 */
final class TimerFlows {

    static final Duration MATCH = Duration.ofMinutes(3);
    static final int MIN_DAYS = 2;
    static final int HISTORY_DAYS = 7;
    private static final int MINUTES_PER_DAY = 1440;

    /** The start of a long flow: its day and minute of the day, at one meter. */
    record Start(LocalDate day, int minute, String device) {
    }

    private static final class Flow {
        Instant start;
        Instant last;
        boolean timed;
        boolean recorded;
    }

    private final Duration longFlow;
    private final Duration pause;
    private final ZoneId zone;
    private final Map<String, Flow> flows = new HashMap<>();
    private final List<Start> starts = new ArrayList<>();
    /** The reading last judged to be the timer's, for the rules that see it after this class. */
    private Reading timed;

    /** {@code longFlow} zero turns the judgement off: every flow is someone's. */
    TimerFlows(Duration longFlow, Duration pause, ZoneId zone) {
        this.longFlow = longFlow;
        this.pause = pause;
        this.zone = zone;
    }

    /** Follows the meter's flows; returns whether this reading is a timer's. */
    boolean observe(Reading r) {
        if (r.kind() != ReadingKind.WATER || longFlow.isZero()) {
            return false;
        }
        Flow flow = flows.computeIfAbsent(r.device(), d -> new Flow());
        if (new BigDecimal(r.value()).signum() == 0) {
            flow.start = null;
            return false;
        }
        if (flow.start == null || Duration.between(flow.last, r.time()).compareTo(pause) > 0) {
            flow.start = r.time();
            flow.recorded = false;
            flow.timed = matches(r.device(), r.time());
        }
        flow.last = r.time();
        if (!flow.recorded && Duration.between(flow.start, r.time()).compareTo(longFlow) >= 0) {
            flow.recorded = true;
            ZonedDateTime at = flow.start.atZone(zone);
            starts.add(new Start(at.toLocalDate(), at.getHour() * 60 + at.getMinute(), r.device()));
            LocalDate oldest = at.toLocalDate().minusDays(HISTORY_DAYS);
            starts.removeIf(s -> s.day().isBefore(oldest));
        }
        if (flow.timed) {
            timed = r;
        }
        return flow.timed;
    }

    /** Whether {@code r} is the reading {@link #observe} last judged a timer's. */
    boolean isTimed(Reading r) {
        return r == timed;
    }

    private boolean matches(String device, Instant t) {
        ZonedDateTime at = t.atZone(zone);
        LocalDate today = at.toLocalDate();
        int minute = at.getHour() * 60 + at.getMinute();
        Set<LocalDate> days = new TreeSet<>();
        for (Start s : starts) {
            boolean recent = s.day().isBefore(today) && !s.day().isBefore(today.minusDays(HISTORY_DAYS));
            if (recent && s.device().equals(device) && apart(s.minute(), minute) <= MATCH.toMinutes()) {
                days.add(s.day());
            }
        }
        return days.size() >= MIN_DAYS;
    }

    /** Minutes between two times of day, across midnight too. */
    private static int apart(int a, int b) {
        int d = Math.abs(a - b);
        return Math.min(d, MINUTES_PER_DAY - d);
    }

    /** The long flows' starts, one per line, for the engine's saved state. */
    String save() {
        StringBuilder b = new StringBuilder();
        for (Start s : starts) {
            b.append(s.day()).append(' ').append(s.minute()).append(' ').append(s.device()).append('\n');
        }
        return b.toString();
    }

    /** Reads what {@link #save} wrote; a line that cannot be read is skipped (it is only learning). */
    void restore(String saved) {
        starts.clear();
        for (String line : saved.split("\n")) {
            String[] f = line.split(" ", 3);
            if (f.length == 3) {
                try {
                    starts.add(new Start(LocalDate.parse(f[0]), Integer.parseInt(f[1]), f[2]));
                } catch (RuntimeException e) {
                    // an unreadable line costs a timer a day or two of relearning, nothing more
                }
            }
        }
    }

    void clear() {
        starts.clear();
    }

    boolean isEmpty() {
        return starts.isEmpty();
    }
}
