package org.anxin.driver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Backoff FIVE_SECONDS_TO_FIVE_MINUTES = Backoff.doubling(Duration.ofSeconds(5), Duration.ofMinutes(5));

    @Test
    void waitsDoubleFromTheInitialUpToTheMaxAndStayThere() {
        Backoff.Schedule schedule = FIVE_SECONDS_TO_FIVE_MINUTES.schedule();

        List<Long> seconds = IntStream.range(0, 9).mapToObj(i -> schedule.next().toSeconds()).toList();

        assertThat(seconds).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
    }

    @Test
    void aResetStartsAgainFromTheInitialWait() {
        Backoff.Schedule schedule = FIVE_SECONDS_TO_FIVE_MINUTES.schedule();
        schedule.next();
        schedule.next();
        schedule.next();

        schedule.reset();

        assertThat(schedule.retries()).isZero();
        assertThat(schedule.next()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aMultiplierOtherThanTwoGrowsByItself() {
        Backoff threeTimes = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3, 0);

        assertThat(List.of(threeTimes.delay(1), threeTimes.delay(2), threeTimes.delay(3), threeTimes.delay(4)))
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofMillis(900), Duration.ofSeconds(1));
    }

    @Test
    void aThousandRetriesStillWaitTheMaxRatherThanOverflow() {
        assertThat(FIVE_SECONDS_TO_FIVE_MINUTES.delay(1000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(FIVE_SECONDS_TO_FIVE_MINUTES.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void halfJitterDrawsEachWaitBetweenHalfAndAllOfIt() {
        Backoff.Schedule schedule = Backoff.doubling(Duration.ofSeconds(1), Duration.ofSeconds(1)).withJitter(0.5)
                .schedule(new SplittableRandom(19));
        Set<Long> drawn = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            long millis = schedule.next().toMillis();
            assertThat(millis).isBetween(500L, 1000L);
            drawn.add(millis);
        }

        assertThat(drawn).as("the waits are spread, not one value").hasSizeGreaterThan(100);
    }

    @Test
    void theSameSeedDrawsTheSameWaits() {
        Backoff jittered = FIVE_SECONDS_TO_FIVE_MINUTES.withJitter(1);
        Backoff.Schedule one = jittered.schedule(new SplittableRandom(7));
        Backoff.Schedule other = jittered.schedule(new SplittableRandom(7));

        for (int i = 0; i < 10; i++) {
            assertThat(one.next()).isEqualTo(other.next());
        }
    }

    @Test
    void aJitteredBackoffWithoutARandomSourceIsRefused() {
        assertThatThrownBy(() -> FIVE_SECONDS_TO_FIVE_MINUTES.withJitter(0.5).schedule())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("random source");
    }

    @Test
    void impossiblePoliciesAreRefusedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> Backoff.doubling(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial wait must be positive");
        assertThatThrownBy(() -> Backoff.doubling(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than the initial");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier must be at least 1, not 0.5");
        assertThatThrownBy(() -> FIVE_SECONDS_TO_FIVE_MINUTES.withJitter(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter must be 0 to 1, not 1.5");
        assertThatThrownBy(() -> FIVE_SECONDS_TO_FIVE_MINUTES.delay(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 1");
    }
}
