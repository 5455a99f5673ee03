package org.anxin.diagnostics.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.anxin.protocol.GatewayHealth;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private final MovableClock clock = new MovableClock();
    private final Liveness liveness = new Liveness(clock, Duration.ofSeconds(15));
    private final Object engine = new Object();

    private void probe() {
        probe(engine);
    }

    private void probe(Object engine) {
        liveness.probeStarted(engine);
        liveness.probeAnswered();
    }

    private static GatewayHealth.SelfTest selfTest(boolean ok) {
        // its own time is deliberately far off: only when it changes counts
        return new GatewayHealth.SelfTest(Instant.parse("1970-01-01T00:00:00Z"), ok, ok ? "passed" : "outbox refused", 60);
    }

    @Test
    void anEngineThatAnswersIsAliveWhileItsFirstSelfTestIsDue() {
        probe();
        assertThat(liveness.judge(engine, null).alive()).isTrue();
    }

    @Test
    void noEngineIsNotAlive() {
        assertThat(liveness.judge(null, null)).extracting(Liveness.Verdict::alive, Liveness.Verdict::reason)
                .containsExactly(false, "the detection engine is not running");
    }

    @Test
    void anEngineThatHasNotAnsweredYetIsNotAlive() {
        liveness.probeStarted(engine);
        assertThat(liveness.judge(engine, null).reason()).isEqualTo("the detection engine has not answered yet");
    }

    @Test
    void aProbeUnansweredPastTheDeadlineMeansTheEngineIsStuck() {
        probe();
        assertThat(liveness.judge(engine, null).alive()).isTrue();
        clock.advance(Duration.ofSeconds(30));
        liveness.probeStarted(engine);
        clock.advance(Duration.ofSeconds(15));
        assertThat(liveness.judge(engine, null).alive()).as("at the deadline").isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(liveness.judge(engine, null)).extracting(Liveness.Verdict::alive, Liveness.Verdict::reason)
                .containsExactly(false, "the detection engine has not answered for 16 s (it is stuck)");
        liveness.probeAnswered();
        assertThat(liveness.judge(engine, null).alive()).as("answered at last").isTrue();
    }

    @Test
    void selfTestsThatStopComingMeanItsTimerIsStuck() {
        probe();
        GatewayHealth.SelfTest first = selfTest(true);
        assertThat(liveness.judge(engine, first).alive()).isTrue();
        clock.advance(Duration.ofMinutes(121));
        probe();
        assertThat(liveness.judge(engine, first).alive()).as("two periods and the slack").isTrue();
        clock.advance(Duration.ofSeconds(1));
        probe();
        assertThat(liveness.judge(engine, first)).extracting(Liveness.Verdict::alive, Liveness.Verdict::reason)
                .containsExactly(false, "the detection engine's last self-test was 121 min ago, every 60 min is due (its timer is stuck)");
        assertThat(liveness.judge(engine, selfTest(true)).alive()).as("a new one came").isTrue();
    }

    @Test
    void aFailedSelfTestStillFeedsTheWatchdogBecauseARestartWouldNotMendIt() {
        probe();
        assertThat(liveness.judge(engine, selfTest(false))).extracting(Liveness.Verdict::alive, Liveness.Verdict::reason)
                .containsExactly(true, "the detection engine answers; last self-test FAILED: outbox refused");
    }

    @Test
    void noFirstSelfTestWithinThreeMinutesIsNotAliveAndARestartedEngineGetsItsGraceAgain() {
        probe();
        assertThat(liveness.judge(engine, null).alive()).isTrue();
        clock.advance(Liveness.FIRST_SELF_TEST_WITHIN.plusSeconds(1));
        probe();
        assertThat(liveness.judge(engine, null).reason())
                .isEqualTo("the detection engine ran no self-test in its first 3 min (its timer is stuck)");

        Object restarted = new Object(); // detection re-activated with a new configuration
        assertThat(liveness.judge(restarted, null).reason()).as("the new one has not answered").contains("not answered yet");
        clock.advance(Duration.ofSeconds(1));
        probe(restarted);
        assertThat(liveness.judge(restarted, null).alive()).isTrue();
    }
}
