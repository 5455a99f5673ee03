package org.anxin.bridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LogLimitTest {

    @Test
    void atMostNLinesAMinuteAndTheNextLineLetThroughSaysHowManyWereHeldBack() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T10:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        LogLimit limit = new LogLimit(3, clock);
        assertThat(limit.admit()).isZero();
        assertThat(limit.admit()).isZero();
        assertThat(limit.admit()).isZero();
        assertThat(limit.admit()).isEqualTo(-1);
        assertThat(limit.admit()).isEqualTo(-1);
        now.set(now.get().plus(Duration.ofSeconds(59)));
        assertThat(limit.admit()).as("still the same minute").isEqualTo(-1);
        now.set(now.get().plus(Duration.ofSeconds(1)));
        assertThat(limit.admit()).as("a new minute, and the three held back are told").isEqualTo(3);
        assertThat(limit.admit()).isZero();
    }
}
