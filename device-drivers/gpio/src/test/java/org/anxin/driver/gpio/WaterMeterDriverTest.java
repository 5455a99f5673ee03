package org.anxin.driver.gpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WaterMeterDriverTest {

    private final MockBoard mock = new MockBoard();
    private final MockBoard.Sink sink = new MockBoard.Sink();
    private WaterMeterDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        mock.board.close();
    }

    private MockDigitalInput start(int intervalSeconds) {
        driver = new WaterMeterDriver(sink, new WaterMeterOptions("kitchen-tap", 27, PullResistance.PULL_UP, true, 450,
                Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(1), 3, Duration.ZERO), BoardSource.of(mock.board), Clock.systemUTC(),
                Duration.ofMillis(50));
        await().until(driver::attached);
        return mock.input("anxin-water-kitchen-tap");
    }

    private BigDecimal litres() {
        return sink.readings.stream().map(Reading::value).map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void everyPulseCountsAtSixHundredPulsesASecondAndTheLitresAddUp() {
        MockDigitalInput meter = start(1);
        // 1350 pulses paced at 600 Hz (2.25 s, 80 l/min): a tap fully open is about a tenth of that
        long period = 1_000_000_000L / 600;
        long next = System.nanoTime();
        for (int i = 0; i < 1350; i++) {
            meter.mockState(DigitalState.HIGH);
            meter.mockState(DigitalState.LOW);
            next += period;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !driver.flowing() && !sink.readings.isEmpty());
        assertThat(driver.pulses()).isEqualTo(1350);
        assertThat(sink.readings).allSatisfy(r -> assertThat(r.kind()).isEqualTo(ReadingKind.WATER));
        // start, at least one report per second while flowing, stop
        assertThat(sink.readings.size()).isGreaterThanOrEqualTo(3);
        assertThat(litres()).isEqualByComparingTo("3");
    }

    @Test
    void aBurstOfAHundredThousandPulsesLosesNone() {
        MockDigitalInput meter = start(60);
        for (int i = 0; i < 100_000; i++) {
            meter.mockState(DigitalState.HIGH);
            meter.mockState(DigitalState.LOW);
        }
        assertThat(driver.pulses()).isEqualTo(100_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> !driver.flowing() && sink.readings.size() >= 2);
        // floor(100000 / 450 l) to the millilitre
        assertThat(litres()).isEqualByComparingTo("222.222");
    }

    @Test
    void onlyEdgesIntoThePulseLevelCount() {
        MockDigitalInput meter = start(60);
        meter.mockState(DigitalState.HIGH);
        meter.mockState(DigitalState.HIGH);
        meter.mockState(DigitalState.LOW);
        assertThat(driver.pulses()).isEqualTo(1);
    }
}
