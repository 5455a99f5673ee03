package org.anxin.detection.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.api.HomeMode;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wall clock of a Pi with no real-time clock jumps by hours when NTP arrives late: detection
 * times silence on the monotonic clock, so a jump neither raises an alert nor postpones one, and
 * the alerts leave with the wall time once it is trusted.
 */
class ClockJumpTest {

    private static final Instant START = Instant.parse("2026-11-23T08:00:00Z");

    @TempDir
    Path dir;

    private final RecordingOutbox recording = new RecordingOutbox();
    private final List<Body> appended = recording.appended;
    private final Outbox outbox = recording.outbox;
    private final MovableClock wall = new MovableClock(START);
    private final AtomicLong monotonic = new AtomicLong(42_000_000_000L);
    private DetectionComponent component;

    @BeforeEach
    void start() {
        component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, dir.resolve("detection.db"), wall, monotonic::get,
                Duration.ZERO);
    }

    @AfterEach
    void stop() throws Exception {
        component.close();
    }

    /** Real time passes: both clocks move, the timer ticks every 30 s of it. */
    private void pass(Duration real) {
        for (Duration left = real; !left.isNegative() && !left.isZero(); left = left.minusSeconds(30)) {
            Duration step = left.compareTo(Duration.ofSeconds(30)) < 0 ? left : Duration.ofSeconds(30);
            wall.now = wall.now.plus(step);
            monotonic.addAndGet(step.toNanos());
            component.tick();
        }
    }

    /** The wall clock is stepped (NTP arriving), no time passes. */
    private void jump(Duration by) {
        wall.now = wall.now.plus(by);
        component.tick();
    }

    private List<Alert> raised(AlertType type) {
        return appended.stream().filter(Alert.class::isInstance).map(Alert.class::cast)
                .filter(a -> a.type() == type && a.state() == AlertState.RAISED).toList();
    }

    @Test
    void aForwardJumpOf13HoursRaisesNoNoActivityAndTheAlertComesAfter12RealHoursStampedWithTheNewWallTime() {
        component.accept(new Reading("hall", ReadingKind.MOTION, "on", wall.now));
        pass(Duration.ofMinutes(5));

        jump(Duration.ofHours(13));
        pass(Duration.ofHours(11));
        assertThat(raised(AlertType.NO_ACTIVITY)).as("13 h on the wall clock, 11 h 5 min of real silence").isEmpty();
        assertThat(component.clockJumps()).isEqualTo(1);
        assertThat(component.metrics()).filteredOn(m -> m.name().equals("anxin_gateway_clock_jumps_total"))
                .singleElement().satisfies(m -> assertThat(m.value()).isEqualTo(1));

        jump(Duration.ZERO);
        assertThat(component.problems()).as("said in the heartbeat while it settles")
                .anySatisfy(p -> {
                    assertThat(p.code()).isEqualTo(GatewayHealth.Code.GATEWAY_CLOCK_JUMPED);
                    assertThat(p.subject()).contains("ahead by 13 h 0 min");
                });

        pass(Duration.ofHours(1));
        List<Alert> alerts = raised(AlertType.NO_ACTIVITY);
        assertThat(alerts).hasSize(1);
        // raised at 12 h of real silence, stamped with the wall time the jump settled on
        Instant due = START.plus(Duration.ofHours(12 + 13));
        assertThat(alerts.get(0).time()).isBetween(due, due.plus(Duration.ofMinutes(2)));
    }

    @Test
    void aBackwardJumpOf5HoursDoesNotPostponeAnAlertThatIsDueByRealElapsedTime() {
        component.accept(new Reading("hall", ReadingKind.MOTION, "on", wall.now));
        pass(Duration.ofHours(1));

        jump(Duration.ofHours(-5));
        pass(Duration.ofHours(10).plusMinutes(50));
        assertThat(raised(AlertType.NO_ACTIVITY)).isEmpty();

        // on the wall clock only 6 h 50 min have passed since the last activity; really 12 h and a bit
        pass(Duration.ofMinutes(12));
        assertThat(raised(AlertType.NO_ACTIVITY)).hasSize(1);
        assertThat(raised(AlertType.NO_ACTIVITY).get(0).reason()).contains("no activity for 12 h");
    }

    @Test
    void activityStampedWithTheJumpedWallClockIsActivityNowAndRestartsTheSilence() {
        component.accept(new Reading("hall", ReadingKind.MOTION, "on", wall.now));
        pass(Duration.ofHours(6));
        jump(Duration.ofHours(-5));
        // a driver stamps with the wall clock, 5 h behind: still activity now, not 11 h ago
        component.accept(new Reading("kitchen", ReadingKind.MOTION, "on", wall.now));
        pass(Duration.ofHours(11).plusMinutes(50));
        assertThat(raised(AlertType.NO_ACTIVITY)).isEmpty();
        pass(Duration.ofMinutes(15));
        assertThat(raised(AlertType.NO_ACTIVITY)).hasSize(1);
        // the readings themselves go to the outbox as their drivers stamped them (UTC instants)
        assertThat(appended).filteredOn(Reading.class::isInstance).extracting(b -> ((Reading) b).time())
                .containsExactly(START, START.plus(Duration.ofHours(1)));
    }

    @Test
    void aSecondCallPressTwoRealHoursLaterIsANewEmergencyThoughTheWallClockWentBackFiveHoursBetween() {
        component.accept(new Reading("call", ReadingKind.CALL, "pressed", wall.now));
        pass(Duration.ofHours(2));
        jump(Duration.ofHours(-5));
        component.accept(new Reading("call", ReadingKind.CALL, "pressed", wall.now));
        assertThat(raised(AlertType.EMERGENCY_CALL)).hasSize(2);
    }

    @Test
    void aModesEndGivenInWallTimeEndsTheModeAfterTheRealTimeToItThoughTheClockHadJumped() {
        component.accept(new Reading("hall", ReadingKind.MOTION, "on", wall.now));
        jump(Duration.ofHours(8));
        // the bridge's end, in wall time: two real hours from now
        component.setMode(HomeMode.VISIT, wall.now.plus(Duration.ofHours(2)));
        // the gaps start again at the mode's end: 12 h of silence after it
        pass(Duration.ofHours(14).minusMinutes(5));
        assertThat(raised(AlertType.NO_ACTIVITY)).isEmpty();
        pass(Duration.ofMinutes(10));
        assertThat(raised(AlertType.NO_ACTIVITY)).hasSize(1);
    }

    @Test
    void aWallClockThatKeepsMovingIsNotTrustedAndAlertsKeepTheLastTrustedTime() {
        component.accept(new Reading("hall", ReadingKind.MOTION, "on", wall.now));
        pass(Duration.ofMinutes(1));
        // set by hand, a few minutes at a time, never settling for 10 min
        for (int i = 0; i < 110; i++) {
            jump(Duration.ofHours(-1));
            pass(Duration.ofMinutes(7));
        }
        List<Alert> alerts = raised(AlertType.NO_ACTIVITY);
        assertThat(alerts).hasSize(1);
        assertThat(component.clockJumps()).isEqualTo(110);
        // raised 12 h after the reading by the monotonic clock, stamped on the wall time trusted at start
        Instant due = START.plus(Duration.ofHours(12));
        assertThat(alerts.get(0).time()).isBetween(due, due.plus(Duration.ofMinutes(2)));
    }

    @Test
    void aRestartAfterASettledJumpResumesTheRealGapNotOneLongerByTheJump() throws Exception {
        component.accept(new Reading("hall", ReadingKind.MOTION, "on", wall.now));
        pass(Duration.ofMinutes(5));
        jump(Duration.ofHours(13));
        pass(Duration.ofMinutes(15));
        component.close();

        // the next start's clock begins on the (now right) wall clock; a fresh monotonic source
        monotonic.set(7L);
        component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, dir.resolve("detection.db"), wall, monotonic::get,
                Duration.ZERO);
        pass(Duration.ofHours(11).plusMinutes(30));
        assertThat(raised(AlertType.NO_ACTIVITY)).as("20 min before the restart and 11 h 30 min after it").isEmpty();
        pass(Duration.ofMinutes(15));
        assertThat(raised(AlertType.NO_ACTIVITY)).hasSize(1);
    }
}
