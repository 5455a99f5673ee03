package org.anxin.diagnostics.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.anxin.detection.api.DetectionControl;
import org.anxin.detection.api.HomeMode;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SystemdWatchdogTest {

    /** 400 ms: pings every 200 ms, a probe may take 100 ms. */
    private static final Map<String, String> SYSTEMD = Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "400000",
            "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid()));

    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final MovableClock clock = new MovableClock();
    private final Engine engine = new Engine();
    private SystemdWatchdog watchdog;

    /** The detection component as the watchdog sees it: its control and its self-test. */
    static final class Engine implements DetectionControl, HealthSource {
        volatile CountDownLatch wedged = new CountDownLatch(0);

        @Override
        public int learnedDays() {
            try {
                wedged.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 3;
        }

        @Override
        public GatewayHealth.SelfTest selfTest() {
            return null;
        }

        @Override
        public List<GatewayHealth.Problem> problems() {
            return List.of();
        }

        @Override
        public void setMode(HomeMode mode, Instant until) {
        }

        @Override
        public void clearMode() {
        }

        @Override
        public void resetLearning() {
        }
    }

    @AfterEach
    void stop() {
        engine.wedged.countDown();
        if (watchdog != null) {
            watchdog.stop();
        }
    }

    private SystemdWatchdog watchdog(Map<String, String> environment) {
        watchdog = new SystemdWatchdog(environment, socket -> sent::add, clock, false);
        return watchdog;
    }

    @Test
    void outsideSystemdNothingIsSentAndNoNotifierIsMade() {
        new SystemdWatchdog(Map.of("WATCHDOG_USEC", "400000"), socket -> {
            throw new AssertionError("no notifier without NOTIFY_SOCKET");
        }, clock, false).stop();
    }

    @Test
    void readyOnceThenAPingEachCheckWhileTheEngineAnswers() {
        SystemdWatchdog watchdog = watchdog(SYSTEMD);
        watchdog.setDetection(engine);
        watchdog.tick();
        watchdog.tick();
        assertThat(sent).containsExactly("STATUS=alive: the detection engine answers; its first self-test is due",
                "READY=1", "WATCHDOG=1", "WATCHDOG=1");
    }

    @Test
    void noReadyAndNoPingBeforeDetectionRuns() {
        SystemdWatchdog watchdog = watchdog(SYSTEMD);
        watchdog.tick();
        assertThat(sent).containsExactly("STATUS=not alive: the detection engine is not running");
    }

    @Test
    void aWedgedEngineStopsThePingsAndTheyResumeWhenItAnswers() {
        SystemdWatchdog watchdog = watchdog(SYSTEMD);
        watchdog.setDetection(engine);
        watchdog.tick();
        sent.clear();

        engine.wedged = new CountDownLatch(1); // e.g. a deadlock on the engine's lock
        clock.advance(Duration.ofMillis(200));
        assertThat(watchdog.tick().alive()).as("just sent, not yet late").isTrue();
        clock.advance(Duration.ofMillis(200));
        assertThat(watchdog.tick().reason()).isEqualTo("the detection engine has not answered for 0 s (it is stuck)");
        clock.advance(Duration.ofMillis(200));
        watchdog.tick();
        assertThat(sent).containsExactly("WATCHDOG=1", "STATUS=not alive: the detection engine has not answered for 0 s (it is stuck)");

        sent.clear();
        engine.wedged.countDown();
        clock.advance(Duration.ofMillis(200));
        watchdog.tick(); // the stuck probe has now answered
        watchdog.tick();
        assertThat(sent).contains("WATCHDOG=1").doesNotContain("READY=1");
    }

    @Test
    void theIntervalIsSystemdsForThisProcessOnly() {
        assertThat(SystemdWatchdog.watchdogInterval(SYSTEMD)).isEqualTo(Duration.ofMillis(400));
        assertThat(SystemdWatchdog.watchdogInterval(Map.of("WATCHDOG_USEC", "60000000"))).isEqualTo(Duration.ofSeconds(60));
        assertThat(SystemdWatchdog.watchdogInterval(Map.of("WATCHDOG_USEC", "400000", "WATCHDOG_PID", "1"))).isZero();
        assertThat(SystemdWatchdog.watchdogInterval(Map.of("WATCHDOG_USEC", "soon"))).isZero();
        assertThat(SystemdWatchdog.watchdogInterval(Map.of())).isZero();
    }
}
