package org.anxin.driver.gpio;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DebouncerTest {

    private static final Instant T0 = Instant.parse("2024-03-01T07:00:00Z");

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    @Test
    void aLevelCountsOnlyOnceItHasHeldForTheDebounceTime() {
        Debouncer d = new Debouncer(Duration.ofMillis(50), false, T0);
        d.edge(true, at(100));
        assertThat(d.settle(at(149))).isEmpty();
        assertThat(d.pending(at(149))).contains(Duration.ofMillis(1));
        assertThat(d.settle(at(150))).contains(new Debouncer.Change(true, at(100)));
        assertThat(d.stable()).isTrue();
        assertThat(d.settle(at(500))).isEmpty();
    }

    @Test
    void aSpikeThatReturnsBeforeTheDebounceTimeIsNoChange() {
        Debouncer d = new Debouncer(Duration.ofMillis(50), false, T0);
        d.edge(true, at(100));
        d.edge(false, at(101));
        assertThat(d.settle(at(200))).isEmpty();
        assertThat(d.pending(at(200))).isEmpty();
        assertThat(d.stable()).isFalse();
    }

    @Test
    void eachBounceRestartsTheHoldTime() {
        Debouncer d = new Debouncer(Duration.ofMillis(50), false, T0);
        d.edge(true, at(100));
        d.edge(false, at(120));
        d.edge(true, at(140));
        assertThat(d.settle(at(160))).isEmpty();
        assertThat(d.settle(at(190))).contains(new Debouncer.Change(true, at(140)));
    }

    @Test
    void zeroDebounceTakesEveryLevelAtOnce() {
        Debouncer d = new Debouncer(Duration.ZERO, true, T0);
        d.edge(false, at(1));
        assertThat(d.settle(at(1))).contains(new Debouncer.Change(false, at(1)));
    }
}
