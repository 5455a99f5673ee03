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
 * Its readings are then no water use and no activity for the routine rules, nor part of the
 * day's total; they still count for the meter's health, and for CONTINUOUS_WATER_FLOW once the
 * flow runs longer than the timer's longest recent run (a valve stuck open).
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

    /** A long flow at one meter: its day, the minute of the day it started, and how long it ran. */
    private static final class Run {
        final LocalDate day;
        final int minute;
        final String device;
        long minutes;

        Run(LocalDate day, int minute, String device, long minutes) {
            this.day = day;
            this.minute = minute;
            this.device = device;
            this.minutes = minutes;
        }
    }

    private static final class Flow {
        Instant start;
        Instant last;
        /** The longest recent run of the timer this flow is, or null: someone's. */
        Duration timerRun;
        /** This flow in the runs, once it ran long enough to be one. */
        Run run;
    }

    private final Duration longFlow;
    private final Duration pause;
    private final ZoneId zone;
    private final Map<String, Flow> flows = new HashMap<>();
    private final List<Run> runs = new ArrayList<>();
    /** The reading last judged to be the timer's, for the rules that see it after this class. */
    private Reading timed;

    /** {@code longFlow} zero turns the judgement off: every flow is someone's. */
    TimerFlows(Duration longFlow, Duration pause, ZoneId zone) {
        this.longFlow = longFlow;
        this.pause = pause;
        this.zone = zone;
    }

    /** Follows the meter's flows, and judges whether this reading is a timer's ({@link #isTimed}). */
    void observe(Reading r) {
        if (r.kind() != ReadingKind.WATER || longFlow.isZero()) {
            return;
        }
        Flow flow = flows.computeIfAbsent(r.device(), d -> new Flow());
        if (new BigDecimal(r.value()).signum() == 0) {
            flow.start = null;
            return;
        }
        if (flow.start == null || Duration.between(flow.last, r.time()).compareTo(pause) > 0) {
            flow.start = r.time();
            flow.run = null;
            flow.timerRun = timerRun(r.device(), r.time());
        }
        flow.last = r.time();
        Duration ran = Duration.between(flow.start, r.time());
        if (flow.run != null) {
            flow.run.minutes = ran.toMinutes();
        } else if (ran.compareTo(longFlow) >= 0) {
            ZonedDateTime at = flow.start.atZone(zone);
            flow.run = new Run(at.toLocalDate(), at.getHour() * 60 + at.getMinute(), r.device(), ran.toMinutes());
            runs.add(flow.run);
            LocalDate oldest = at.toLocalDate().minusDays(HISTORY_DAYS);
            runs.removeIf(run -> run.day.isBefore(oldest));
        }
        if (flow.timerRun != null) {
            timed = r;
        }
    }

    /** Whether {@code r} is the reading {@link #observe} last judged a timer's. */
    boolean isTimed(Reading r) {
        return r == timed;
    }

    /** For a timer's reading, the longest recent run of that timer; null for anyone else's. */
    Duration timerRun(Reading r) {
        return isTimed(r) ? flows.get(r.device()).timerRun : null;
    }

    /** The longest recent run starting at this minute, if long flows started then on enough days. */
    private Duration timerRun(String device, Instant t) {
        ZonedDateTime at = t.atZone(zone);
        LocalDate today = at.toLocalDate();
        int minute = at.getHour() * 60 + at.getMinute();
        Set<LocalDate> days = new TreeSet<>();
        long longest = 0;
        for (Run run : runs) {
            boolean recent = run.day.isBefore(today) && !run.day.isBefore(today.minusDays(HISTORY_DAYS));
            if (recent && run.device.equals(device) && apart(run.minute, minute) <= MATCH.toMinutes()) {
                days.add(run.day);
                longest = Math.max(longest, run.minutes);
            }
        }
        return days.size() >= MIN_DAYS ? Duration.ofMinutes(longest) : null;
    }

    /** Minutes between two times of day, across midnight too. */
    private static int apart(int a, int b) {
        int d = Math.abs(a - b);
        return Math.min(d, MINUTES_PER_DAY - d);
    }

    /** The long flows, one per line, for the engine's saved state. */
    String save() {
        StringBuilder b = new StringBuilder();
        for (Run run : runs) {
            b.append(run.day).append(' ').append(run.minute).append(' ').append(run.minutes).append(' ')
                    .append(run.device).append('\n');
        }
        return b.toString();
    }

    /** Reads what {@link #save} wrote; a line that cannot be read is skipped (it is only learning). */
    void restore(String saved) {
        runs.clear();
        for (String line : saved.split("\n")) {
            String[] f = line.split(" ", 4);
            if (f.length == 4) {
                try {
                    runs.add(new Run(LocalDate.parse(f[0]), Integer.parseInt(f[1]), f[3], Long.parseLong(f[2])));
                } catch (RuntimeException e) {
                    // an unreadable line costs a timer a day or two of relearning, nothing more
                }
            }
        }
    }

    void clear() {
        runs.clear();
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }
}
