package org.anxin.driver.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlowCounterTest {

    private static final Instant T0 = Instant.parse("2024-03-01T07:00:00Z");
    private final FlowCounter counter = new FlowCounter(450, Duration.ofSeconds(60), Duration.ofSeconds(5), 3);

    private static Instant at(double seconds) {
        return T0.plusNanos((long) (seconds * 1e9));
    }

    @Test
    void flowStartIsReportedAtOnceThenEveryIntervalThenTheStopAtTheLastPulse() {
        List<FlowCounter.Report> reports = new ArrayList<>();
        // 7.5 pulses a second (1 l/min) for 150 s, reported every second as the driver's tick does
        double t = 0;
        for (int second = 0; second <= 160; second++) {
            while (t < second && t < 150) {
                counter.pulse(at(t));
                t += 1 / 7.5;
            }
            counter.tick(at(second)).ifPresent(reports::add);
        }
        assertThat(reports).extracting(FlowCounter.Report::event).containsExactly(FlowCounter.Event.FLOW_STARTED,
                FlowCounter.Event.FLOWING, FlowCounter.Event.FLOWING, FlowCounter.Event.FLOW_STOPPED);
        assertThat(reports.get(0).time()).isEqualTo(at(1));
        assertThat(reports.get(1).time()).isEqualTo(at(61));
        assertThat(reports.get(3).time()).isBetween(at(149.8), at(150));
        BigDecimal total = reports.stream().map(FlowCounter.Report::litres).reduce(BigDecimal.ZERO, BigDecimal::add);
        // 1125 pulses at 450 per litre
        assertThat(counter.pulses()).isEqualTo(1125);
        assertThat(total).isEqualByComparingTo("2.5");
        assertThat(counter.flowing()).isFalse();
    }

    @Test
    void roundingNeverLosesWaterOverManyReports() {
        FlowCounter fine = new FlowCounter(450, Duration.ofSeconds(1), Duration.ofSeconds(5), 1);
        BigDecimal total = BigDecimal.ZERO;
        for (int second = 0; second < 4500; second++) {
            fine.pulse(at(second));
            Optional<FlowCounter.Report> report = fine.tick(at(second + 0.5));
            if (report.isPresent()) {
                total = total.add(report.get().litres());
            }
        }
        // 4500 pulses are exactly 10 litres; each report alone is 0.002 or 0.003
        assertThat(total).isEqualByComparingTo("10");
    }

    @Test
    void aFewStrayPulsesDoNotStartAFlowButAreCountedInTheNextOne() {
        counter.pulse(at(0));
        counter.pulse(at(10));
        assertThat(counter.tick(at(20))).isEmpty();
        assertThat(counter.flowing()).isFalse();
        for (int i = 0; i < 448; i++) {
            counter.pulse(at(30 + i * 0.01));
        }
        FlowCounter.Report start = counter.tick(at(35)).orElseThrow();
        assertThat(start.event()).isEqualTo(FlowCounter.Event.FLOW_STARTED);
        assertThat(start.litres()).isEqualByComparingTo("1");
    }
}
