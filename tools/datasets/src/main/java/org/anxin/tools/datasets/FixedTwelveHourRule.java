package org.anxin.tools.datasets;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * The rule city programs use, alone, for comparison: less than 10 L of water over 12 h raises an
 * alert; the next use (0.5 L or more) clears it, and the next alert needs 12 h observed again. No
 * away logic: it knows only the meter.
 */
final class FixedTwelveHourRule {

    static final Duration PERIOD = Duration.ofHours(12);
    static final BigDecimal LITRES = BigDecimal.TEN;
    static final BigDecimal USE = new BigDecimal("0.5");

    /** One alert: raised, and cleared (null while open). */
    record Episode(Instant raised, Instant cleared) {
        boolean openAt(Instant t) {
            return !raised.isAfter(t) && (cleared == null || cleared.isAfter(t));
        }
    }

    /** The times it raises over {@code readings} (time-ordered) from their start to {@code until}. */
    static List<Instant> raises(List<Reading> readings, Instant until) {
        return episodes(readings, until).stream().map(Episode::raised).toList();
    }

    static List<Episode> episodes(List<Reading> readings, Instant until) {
        List<Episode> raised = new ArrayList<>();
        if (readings.isEmpty()) {
            return raised;
        }
        Deque<Reading> window = new ArrayDeque<>();
        BigDecimal sum = BigDecimal.ZERO;
        Instant observedFrom = readings.get(0).time();
        boolean open = false;
        int next = 0;
        for (Instant t = observedFrom; !t.isAfter(until); t = t.plusSeconds(60)) {
            while (next < readings.size() && !readings.get(next).time().isAfter(t)) {
                Reading r = readings.get(next++);
                if (r.kind() != ReadingKind.WATER) {
                    continue;
                }
                BigDecimal litres = new BigDecimal(r.value());
                window.addLast(r);
                sum = sum.add(litres);
                if (open && litres.compareTo(USE) >= 0) {
                    open = false;
                    observedFrom = r.time();
                    Episode last = raised.remove(raised.size() - 1);
                    raised.add(new Episode(last.raised(), r.time()));
                }
            }
            while (!window.isEmpty() && !window.peekFirst().time().isAfter(t.minus(PERIOD))) {
                sum = sum.subtract(new BigDecimal(window.removeFirst().value()));
            }
            if (!open && Duration.between(observedFrom, t).compareTo(PERIOD) >= 0 && sum.compareTo(LITRES) < 0) {
                open = true;
                raised.add(new Episode(t, null));
            }
        }
        return raised;
    }
}
