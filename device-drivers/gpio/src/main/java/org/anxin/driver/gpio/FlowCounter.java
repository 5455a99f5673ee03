package org.anxin.driver.gpio;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts a flow meter's pulses and decides when to report. {@link #pulse} is called on the GPIO
 * event thread at up to hundreds of pulses a second and only increments a counter; {@link #tick}
 * is called by the worker about once a second and turns the count into reports:
 * <ul>
 * <li>flow starts: {@code flowStartPulses} pulses since the last report: report what has flowed;</li>
 * <li>while it flows: every interval, the litres since the previous report;</li>
 * <li>flow stops: no pulse for {@code flowStop}: the rest, dated at the last pulse.</li>
 * </ul>
 * Litres are accounted in whole millilitres of the running total, so rounding never loses or
 * invents water however many reports there are.
 */
final class FlowCounter {

    /** A report: the litres since the previous one, when, and why. */
    record Report(BigDecimal litres, Instant time, Event event) {
    }

    enum Event { FLOW_STARTED, FLOWING, FLOW_STOPPED }

    private final double pulsesPerLitre;
    private final Duration interval;
    private final Duration flowStop;
    private final int startPulses;
    private final AtomicLong pulses = new AtomicLong();
    private volatile Instant lastPulse;
    private long reportedPulses;
    private long reportedMillilitres;
    private boolean flowing;
    private Instant lastReport;

    FlowCounter(double pulsesPerLitre, Duration interval, Duration flowStop, int startPulses) {
        this.pulsesPerLitre = pulsesPerLitre;
        this.interval = interval;
        this.flowStop = flowStop;
        this.startPulses = startPulses;
    }

    /** One pulse, seen at {@code at}. Thread-safe and allocation-free. */
    void pulse(Instant at) {
        pulses.incrementAndGet();
        lastPulse = at;
    }

    /** Pulses counted since the driver started. */
    long pulses() {
        return pulses.get();
    }

    boolean flowing() {
        return flowing;
    }

    /** What, if anything, to report at {@code now}. Called from one thread only. */
    Optional<Report> tick(Instant now) {
        long total = pulses.get();
        Instant last = lastPulse;
        if (!flowing) {
            if (total - reportedPulses >= startPulses) {
                flowing = true;
                return Optional.of(report(total, now, Event.FLOW_STARTED));
            }
            return Optional.empty();
        }
        if (last != null && Duration.between(last, now).compareTo(flowStop) >= 0) {
            flowing = false;
            return Optional.of(report(total, last, Event.FLOW_STOPPED));
        }
        if (Duration.between(lastReport, now).compareTo(interval) >= 0) {
            return Optional.of(report(total, now, Event.FLOWING));
        }
        return Optional.empty();
    }

    private Report report(long total, Instant at, Event event) {
        long millilitres = (long) Math.floor(total * 1000.0 / pulsesPerLitre);
        BigDecimal litres = BigDecimal.valueOf(millilitres - reportedMillilitres, 3).stripTrailingZeros();
        reportedMillilitres = millilitres;
        reportedPulses = total;
        lastReport = at;
        return new Report(litres.signum() == 0 ? BigDecimal.ZERO : litres, at, event);
    }
}
