package org.anxin.detection;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;

/**
 * The home's learned routine for one signal (water use, or any activity): for every past day, how
 * long the gap since the signal was at the end of each half hour. From it, how long a gap usually
 * gets at this time of day, and on this day of the week.
 *
 * <p>At a given half hour (taken with the hour either side: routines shift), each weekday's longest
 * gap is found over the learned days. "Usually at most" is the longest of today's weekday, or the
 * second longest weekday's, whichever is more. So a long gap that happens every Sunday morning
 * (church, the market) is normal on Sundays without being normal on other days, while a long gap
 * seen on two different weekdays is taken as normal on every day. Night needs no special case: the gap after
 * going to bed grows through the night every night, so the thresholds grow with it.
 */
final class RoutineModel {

    static final int SLOTS = 48;
    static final short NOT_OBSERVED = -1;
    /** A day counts as learned when at least half of its half hours were observed (not out, not in a mode). */
    static final int MIN_OBSERVED_SLOTS = 24;
    static final int KEEP_DAYS = 28;
    /** Routines shift: a half hour is judged with the two before and after it (an hour either side). */
    private static final int NEIGHBOURS = 2;
    private static final short MAX_GAP_MINUTES = 3 * 1440;

    /** How long a gap usually gets at a time. */
    record Usual(Duration atMost, boolean weekdaySpecific, DayOfWeek weekday, int days) {
    }

    private final String signal;
    private final ZoneId zone;
    private final RoutineStore store;
    private final SortedMap<LocalDate, short[]> days;
    /** The engine asks every minute; the answers change only per half hour or when a day is recorded. */
    private LocalDate learnedDaysFor;
    private int learnedDaysCached;
    private ZonedDateTime usualSlot;
    private int usualMinObserved;
    private Usual usualCached;
    private ZonedDateTime spreadSlot;
    private Spread spreadCached;

    RoutineModel(String signal, ZoneId zone, RoutineStore store) {
        this.signal = signal;
        this.zone = zone;
        this.store = store;
        this.days = store.loadDays(signal);
    }

    /** Records the gap at the end of the half hour that ends at {@code slotEnd}. */
    void record(Instant slotEnd, long gapMinutes) {
        ZonedDateTime inSlot = slotEnd.minusSeconds(1).atZone(zone);
        LocalDate day = inSlot.toLocalDate();
        int slot = (inSlot.getHour() * 60 + inSlot.getMinute()) / 30;
        short[] slots = days.computeIfAbsent(day, d -> {
            short[] fresh = new short[SLOTS];
            Arrays.fill(fresh, NOT_OBSERVED);
            return fresh;
        });
        slots[slot] = gapMinutes < 0 ? NOT_OBSERVED : (short) Math.min(gapMinutes, MAX_GAP_MINUTES);
        forgetCached();
        store.saveDay(signal, day, slots);
        while (days.size() > KEEP_DAYS + 1) {
            days.remove(days.firstKey());
            store.deleteDaysBefore(signal, days.firstKey());
        }
    }

    /** Complete days learned before {@code now}'s day. */
    int learnedDays(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        if (today.equals(learnedDaysFor)) {
            return learnedDaysCached;
        }
        int n = 0;
        for (Map.Entry<LocalDate, short[]> e : days.entrySet()) {
            if (e.getKey().isBefore(today) && observed(e.getValue()) >= MIN_OBSERVED_SLOTS) {
                n++;
            }
        }
        learnedDaysFor = today;
        learnedDaysCached = n;
        return n;
    }

    /** How long the gap usually gets at {@code now}'s half hour; null with no learned day. */
    Usual usual(Instant now) {
        return usual(now, MIN_OBSERVED_SLOTS);
    }

    /**
     * As {@link #usual(Instant)}, counting days with at least {@code minObserved} half hours: a
     * model of one context (resting, up) sees each day only in part.
     */
    Usual usual(Instant now, int minObserved) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime slotStart = local.withMinute(local.getMinute() < 30 ? 0 : 30).withSecond(0).withNano(0);
        if (slotStart.equals(usualSlot) && minObserved == usualMinObserved) {
            return usualCached;
        }
        usualCached = computeUsual(local, minObserved);
        usualSlot = slotStart;
        usualMinObserved = minObserved;
        return usualCached;
    }

    private Usual computeUsual(ZonedDateTime local, int minObserved) {
        LocalDate today = local.toLocalDate();
        int slot = (local.getHour() * 60 + local.getMinute()) / 30;
        int[] byWeekday = new int[7];
        Arrays.fill(byWeekday, NOT_OBSERVED);
        int learned = 0;
        for (Map.Entry<LocalDate, short[]> e : days.entrySet()) {
            if (!e.getKey().isBefore(today) || observed(e.getValue()) < minObserved) {
                continue;
            }
            int v = around(e.getValue(), slot);
            if (v < 0) {
                continue;
            }
            learned++;
            int w = e.getKey().getDayOfWeek().ordinal();
            byWeekday[w] = Math.max(byWeekday[w], v);
        }
        if (learned == 0) {
            return null;
        }
        int[] sorted = Arrays.stream(byWeekday).filter(v -> v >= 0).sorted().toArray();
        int pooled = sorted.length >= 2 ? sorted[sorted.length - 2] : sorted[0];
        int sameDay = byWeekday[local.getDayOfWeek().ordinal()];
        return new Usual(Duration.ofMinutes(Math.max(pooled, sameDay)), sameDay > pooled, local.getDayOfWeek(), learned);
    }

    /**
     * The longest gap seen around {@code now}'s half hour on any day before today, and on how many
     * days; null with none. What the home has already shown and come back from, before its
     * routine is learned.
     */
    Usual longestSeen(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        LocalDate today = local.toLocalDate();
        int slot = (local.getHour() * 60 + local.getMinute()) / 30;
        int longest = NOT_OBSERVED;
        int n = 0;
        for (Map.Entry<LocalDate, short[]> e : days.entrySet()) {
            int v = e.getKey().isBefore(today) ? around(e.getValue(), slot) : NOT_OBSERVED;
            if (v >= 0) {
                n++;
                longest = Math.max(longest, v);
            }
        }
        return n == 0 ? null : new Usual(Duration.ofMinutes(longest), false, local.getDayOfWeek(), n);
    }

    /**
     * How irregular the gap around a half hour has been over the learned days, and on how many
     * days: 1 minus the median day's gap over the longest day's, from 0 (every day the same) to 1
     * (a day far longer than the typical one).
     */
    record Spread(double irregularity, int days) {
    }

    /**
     * The {@link Spread} around {@code now}'s half hour; irregularity 1 on fewer than two days:
     * nothing shows yet that the home is regular. A home whose gap at 11:00 was 30 min on each
     * of 14 days has shown its longest; one whose gap there ran from 10 min to 4 h has not.
     */
    Spread spread(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime slotStart = local.withMinute(local.getMinute() < 30 ? 0 : 30).withSecond(0).withNano(0);
        if (!slotStart.equals(spreadSlot)) {
            spreadCached = computeSpread(local);
            spreadSlot = slotStart;
        }
        return spreadCached;
    }

    private Spread computeSpread(ZonedDateTime local) {
        LocalDate today = local.toLocalDate();
        int slot = (local.getHour() * 60 + local.getMinute()) / 30;
        int[] gaps = days.entrySet().stream()
                .filter(e -> e.getKey().isBefore(today) && observed(e.getValue()) >= MIN_OBSERVED_SLOTS)
                .mapToInt(e -> around(e.getValue(), slot)).filter(v -> v >= 0).sorted().toArray();
        if (gaps.length < 2) {
            return new Spread(1, gaps.length);
        }
        int longest = gaps[gaps.length - 1];
        if (longest <= 0) {
            return new Spread(0, gaps.length);
        }
        double median = gaps.length % 2 == 1 ? gaps[gaps.length / 2] : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2.0;
        return new Spread(1 - median / longest, gaps.length);
    }

    /** Copies of the learned days' profiles, oldest first. */
    java.util.List<short[]> profiles() {
        return days.values().stream().map(short[]::clone).toList();
    }

    void clear() {
        days.clear();
        forgetCached();
    }

    private void forgetCached() {
        learnedDaysFor = null;
        usualSlot = null;
        usualCached = null;
        spreadSlot = null;
    }

    static int around(short[] slots, int slot) {
        int max = NOT_OBSERVED;
        for (int s = Math.max(0, slot - NEIGHBOURS); s <= Math.min(SLOTS - 1, slot + NEIGHBOURS); s++) {
            max = Math.max(max, slots[s]);
        }
        return max;
    }

    static int observed(short[] slots) {
        int n = 0;
        for (short s : slots) {
            if (s != NOT_OBSERVED) {
                n++;
            }
        }
        return n;
    }
}
