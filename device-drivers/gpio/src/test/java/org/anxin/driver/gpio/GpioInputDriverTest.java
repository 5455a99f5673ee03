package org.anxin.driver.gpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.PullResistance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GpioInputDriverTest {

    private final MockBoard mock = new MockBoard();
    private final MockBoard.Sink sink = new MockBoard.Sink();
    private GpioInputDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        mock.board.close();
    }

    private GpioInputDriver start(String device, ReadingKind kind, boolean activeHigh, int debounceMillis) {
        return start(sink, device, kind, activeHigh, debounceMillis);
    }

    private GpioInputDriver start(org.anxin.driver.api.ReadingSink sink, String device, ReadingKind kind, boolean activeHigh, int debounceMillis) {
        driver = new GpioInputDriver(sink, new GpioInputOptions(device, kind, 17, PullResistance.PULL_DOWN, activeHigh,
                Duration.ofMillis(debounceMillis), Duration.ZERO), BoardSource.of(mock.board), Clock.systemUTC());
        await().until(driver::attached);
        return driver;
    }

    @Test
    void aDoorContactReportsItsStateAtStartThenEachChangeDatedAtTheEdge() throws Exception {
        start("front", ReadingKind.ENTRY_DOOR, true, 20);
        assertThat(sink.values()).containsExactly("closed");

        Instant before = Instant.now();
        mock.set("anxin-in-front", true);
        await().until(() -> sink.readings.size() == 2);
        assertThat(sink.readings.get(1).kind()).isEqualTo(ReadingKind.ENTRY_DOOR);
        assertThat(sink.readings.get(1).value()).isEqualTo("open");
        // dated when the door opened, not when the debounce time had passed
        assertThat(Duration.between(before, sink.readings.get(1).time())).isLessThan(Duration.ofMillis(15));

        mock.set("anxin-in-front", false);
        await().until(() -> sink.readings.size() == 3);
        assertThat(sink.values()).containsExactly("closed", "open", "closed");
    }

    @Test
    void bouncesShorterThanTheDebounceTimeNeverBecomeReadings() throws Exception {
        start("bedroom-door", ReadingKind.DOOR, true, 100);
        for (int i = 0; i < 20; i++) {
            mock.set("anxin-in-bedroom-door", true);
            mock.set("anxin-in-bedroom-door", false);
        }
        Thread.sleep(250);
        assertThat(sink.values()).containsExactly("closed");

        // a contact that bounces, then holds
        for (int i = 0; i < 5; i++) {
            mock.set("anxin-in-bedroom-door", true);
            mock.set("anxin-in-bedroom-door", false);
        }
        mock.set("anxin-in-bedroom-door", true);
        await().until(() -> sink.readings.size() == 2);
        Thread.sleep(150);
        assertThat(sink.values()).containsExactly("closed", "open");
    }

    @Test
    void aSmokeDetectorRelayAlreadyInAlarmWhenThePinOpensIsReported() {
        // the mock line starts low; the relay pulls it low in alarm
        start("kitchen-smoke", ReadingKind.SMOKE, false, 0);
        assertThat(sink.readings).singleElement().satisfies(r -> {
            assertThat(r.kind()).isEqualTo(ReadingKind.SMOKE);
            assertThat(r.value()).isEqualTo("alarm");
        });
        mock.set("anxin-in-kitchen-smoke", true);
        await().until(() -> sink.values().equals(List.of("alarm", "clear")));
    }

    @Test
    void theCallButtonReportsPressesAndNothingOnRelease() throws Exception {
        start("call-1", ReadingKind.CALL, true, 10);
        assertThat(sink.readings).isEmpty();
        press("anxin-in-call-1", 3);
        await().until(() -> sink.readings.size() == 3);
        Thread.sleep(50);
        assertThat(sink.values()).containsExactly("pressed", "pressed", "pressed");
    }

    @Test
    void aCheckInKeyReportsEachPressAsACheckInNeverAsACallAndNothingOnRelease() throws Exception {
        start("pendant-ok", ReadingKind.CHECK_IN, true, 10);
        assertThat(sink.readings).isEmpty();
        press("anxin-in-pendant-ok", 2);
        await().until(() -> sink.readings.size() == 2);
        Thread.sleep(50);
        assertThat(sink.readings).allSatisfy(r -> {
            assertThat(r.kind()).isEqualTo(ReadingKind.CHECK_IN);
            assertThat(r.value()).isEqualTo("pressed");
            assertThat(r.device()).isEqualTo("pendant-ok");
        });
        assertThat(sink.readings).hasSize(2);
    }

    /** Presses a button wired active high {@code times} times, each held and released longer than the debounce. */
    private void press(String line, int times) throws InterruptedException {
        for (int press = 0; press < times; press++) {
            mock.set(line, true);
            Thread.sleep(40);
            mock.set(line, false);
            Thread.sleep(40);
        }
    }

    @Test
    void aCheckInKeyIsConfiguredByItsKindName() {
        GpioInputOptions options = GpioInputOptions.fromLeniently(Map.of("device", "pendant-ok", "kind", "check_in", "pin", "6"));
        assertThat(options.kind()).isEqualTo(ReadingKind.CHECK_IN);
        assertThat(options.value(true)).contains("pressed");
        assertThat(options.value(false)).isEmpty();
    }

    @Test
    void aPinThatCannotBeOpenedIsAHealthFaultAndIsRetriedUntilItOpens() {
        AtomicInteger attempts = new AtomicInteger();
        GpioBoard flaky = new GpioBoard() {
            @Override
            public DigitalInput openInput(String id, int bcmPin, PullResistance pull) {
                if (attempts.incrementAndGet() == 1) {
                    throw new IllegalStateException("/dev/gpiochip0: no such device");
                }
                return mock.board.openInput(id, bcmPin, pull);
            }

            @Override
            public DigitalOutput openOutput(String id, int bcmPin, boolean activeHigh) {
                return mock.board.openOutput(id, bcmPin, activeHigh);
            }

            @Override
            public void close(String id) {
                mock.board.close(id);
            }
        };
        List<DeviceHealth> health = new CopyOnWriteArrayList<>();
        driver = new GpioInputDriver(sink, new GpioInputOptions("hall-door", ReadingKind.DOOR, 22, PullResistance.PULL_UP, true,
                Duration.ZERO, Duration.ZERO), BoardSource.of(flaky), Clock.systemUTC());
        // bound after the fault, as Declarative Services binds listeners after the driver started: told all the same
        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() >= 1);
        driver.addHealthListener(health::add);

        await().atMost(Duration.ofSeconds(10)).until(driver::attached);
        assertThat(attempts).hasValue(2);
        assertThat(health.get(0).fault()).hasValueSatisfying(f -> assertThat(f).contains("no such device", "retrying in 5 s"));
        assertThat(health).anySatisfy(h -> assertThat(h.healthy()).isTrue());
        assertThat(sink.values()).containsExactly("closed");
    }

    @Test
    void aPinHeldOpenChecksInWithHeartbeatsAndAFailedOneFallsSilent() {
        AtomicInteger opens = new AtomicInteger();
        GpioBoard closesAfterAWhile = new GpioBoard() {
            @Override
            public DigitalInput openInput(String id, int bcmPin, PullResistance pull) {
                if (opens.incrementAndGet() > 1) {
                    throw new IllegalStateException("/dev/gpiochip0 is gone");
                }
                return mock.board.openInput(id, bcmPin, pull);
            }

            @Override
            public DigitalOutput openOutput(String id, int bcmPin, boolean activeHigh) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close(String id) {
                mock.board.close(id);
            }
        };
        driver = new GpioInputDriver(sink, new GpioInputOptions("bed-mat", ReadingKind.PRESENCE, 5, PullResistance.PULL_DOWN, true,
                Duration.ZERO, Duration.ofMillis(40)), BoardSource.of(closesAfterAWhile), Clock.systemUTC());
        await().until(() -> sink.readings.stream().filter(r -> r.kind() == ReadingKind.HEARTBEAT).count() >= 3);
        assertThat(sink.readings.get(0).value()).isEqualTo("off");
        assertThat(sink.readings).filteredOn(r -> r.kind() == ReadingKind.HEARTBEAT)
                .allSatisfy(r -> assertThat(r.value()).isEqualTo("ok")).allSatisfy(r -> assertThat(r.device()).isEqualTo("bed-mat"));

        // the chip goes away: the pin is given back, reopening fails, and the heartbeats stop
        mock.board.close("anxin-in-bed-mat");
        driver.worker.execute(() -> driver.failed("the GPIO chip went away", null));
        await().until(() -> !driver.attached());
        int count = sink.readings.size();
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        assertThat(sink.readings).hasSize(count);
    }

    /** A store that is down for its first {@code refusals} attempts, then takes everything. */
    static final class RefusingSink extends MockBoard.Sink {
        final AtomicInteger refusalsLeft;
        final AtomicInteger attempts = new AtomicInteger();

        RefusingSink(int refusals) {
            this.refusalsLeft = new AtomicInteger(refusals);
        }

        @Override
        public void accept(org.anxin.protocol.Reading reading) {
            attempts.incrementAndGet();
            if (refusalsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("store is down");
            }
            super.accept(reading);
        }
    }

    @Test
    void aCallTheStoreRefusesIsRetriedUntilTakenAndArrivesOnce() throws Exception {
        RefusingSink refusing = new RefusingSink(4);
        start(refusing, "call-2", ReadingKind.CALL, true, 10);
        mock.set("anxin-in-call-2", true);
        Thread.sleep(40);
        mock.set("anxin-in-call-2", false);
        // four refusals: 100 + 200 + 400 + 800 ms of backoff
        await().atMost(Duration.ofSeconds(10)).until(() -> refusing.readings.size() == 1);
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(refusing.values()).containsExactly("pressed");
        assertThat(refusing.attempts).hasValue(5);
        assertThat(driver.refused()).isEqualTo(4);
        assertThat(driver.dropped()).isZero();
        assertThat(driver.waiting()).isZero();
    }

    @Test
    void aNewerSmokeReadingWaitsBehindARefusedOneAndBothArriveInOrder() {
        RefusingSink refusing = new RefusingSink(3);
        // the mock line starts low; NO relay, active low: the detector is in alarm when the pin opens
        start(refusing, "hall-smoke", ReadingKind.SMOKE, false, 0);
        // the alarm is being retried when the detector clears; the clear must not overtake it
        mock.set("anxin-in-hall-smoke", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> refusing.readings.size() == 2);
        assertThat(refusing.values()).containsExactly("alarm", "clear");
        assertThat(refusing.readings.get(0).time()).isBeforeOrEqualTo(refusing.readings.get(1).time());
        assertThat(driver.refused()).isEqualTo(3);
        assertThat(driver.dropped()).isZero();
        assertThat(driver.waiting()).isZero();
    }

    @Test
    void aSmokeAlarmIsNeverGivenUpWhileTelemetryIsAfterAFewAttempts() {
        RefusingSink refusing = new RefusingSink(Integer.MAX_VALUE);
        start(refusing, "shed-door", ReadingKind.DOOR, true, 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> driver.dropped() == 1);
        assertThat(refusing.attempts).hasValue(PinDriver.TELEMETRY_ATTEMPTS);
        assertThat(driver.waiting()).isZero();
        driver.close();

        RefusingSink down = new RefusingSink(Integer.MAX_VALUE);
        start(down, "attic-smoke", ReadingKind.SMOKE, true, 0);
        // 100 + 200 + 400 + 800 + 1600 ms: well past the telemetry's attempts, still waiting
        await().atMost(Duration.ofSeconds(10)).until(() -> down.attempts.get() >= PinDriver.TELEMETRY_ATTEMPTS + 3);
        assertThat(driver.dropped()).isZero();
        assertThat(driver.waiting()).isEqualTo(1);
        down.refusalsLeft.set(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> down.readings.size() == 1);
        assertThat(down.values()).containsExactly("clear");
        assertThat(driver.waiting()).isZero();
    }

    @Test
    void aDebounceThatIsNotANumberFallsBackToItsDefaultAndTheSensorStillReports() {
        GpioInputOptions options = GpioInputOptions.fromLeniently(Map.of("device", "front", "kind", "entry_door", "pin", "17",
                "debounceMillis", "fast", "pull", "sideways", "heartbeatMinutes", "-1"));
        assertThat(options.debounce()).isEqualTo(Duration.ofMillis(50));
        assertThat(options.pull()).isEqualTo(PullResistance.PULL_UP);
        assertThat(options.heartbeat()).isEqualTo(Duration.ofMinutes(30));
        driver = new GpioInputDriver(sink, options, BoardSource.of(mock.board), Clock.systemUTC());
        await().until(driver::attached);
        assertThat(sink.readings).singleElement().satisfies(r -> assertThat(r.kind()).isEqualTo(ReadingKind.ENTRY_DOOR));
        boolean wasOpen = sink.values().get(0).equals("open");
        mock.set("anxin-in-front", wasOpen); // active low: high is closed
        await().until(() -> sink.readings.size() == 2);
        assertThat(sink.values().get(1)).isEqualTo(wasOpen ? "closed" : "open");
    }

    @Test
    void aPinKindOrDeviceThatCannotBeReadHasNoDefaultAndKeepsOnlyThatSensorDownWithTheReason() {
        assertThatThrownBy(() -> GpioInputOptions.fromLeniently(Map.of("device", "front", "kind", "entry_door", "pin", "seventeen",
                "debounceMillis", "fast")))
                .hasMessageContaining("'pin': 'seventeen' is not a whole number; it is required and has no default");
        assertThatThrownBy(() -> GpioInputOptions.fromLeniently(Map.of("device", "front", "kind", "contact", "pin", "17")))
                .hasMessageContaining("'kind' contact is not a GPIO input");
        assertThatThrownBy(() -> GpioInputOptions.fromLeniently(Map.of("kind", "call", "pin", "25")))
                .hasMessageContaining("'device' is required and not set");
    }

    @Test
    void aBadConfigurationIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> new GpioInputOptions("front", ReadingKind.WATER, 17, PullResistance.PULL_UP, false, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("'kind' water is not a GPIO input");
        assertThatThrownBy(() -> new GpioInputOptions("front", ReadingKind.DOOR, 40, PullResistance.PULL_UP, false, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("'pin' must be a BCM GPIO number 0..27, got 40");
        assertThatThrownBy(() -> PinPull.parse("pull", "sideways")).hasMessageContaining("'pull' must be up, down or off");
        assertThatThrownBy(() -> new GpioInputOptions("front door", ReadingKind.DOOR, 17, PullResistance.PULL_UP, false, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("does not match");
    }
}
