package org.anxin.driver.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayDriverTest {

    @TempDir
    Path dir;

    private final List<Reading> delivered = new CopyOnWriteArrayList<>();
    private final ReadingSink sink = delivered::add;

    private Path press() throws Exception {
        return Files.writeString(dir.resolve("press.csv"), "time,device,kind,value\n2024-03-04T19:40:00,call-button,call,pressed\n");
    }

    @Test
    void aSpeedThatIsNotANumberFallsBackToRealTimeAndTheCallPressIsStillReplayed() throws Exception {
        ReplayDriver driver = new ReplayDriver(sink, Map.of("scenario", press().toString(), "speed", "fast", "zone", "UTC",
                "felix.fileinstall.filename", "file:/etc/anxin/org.anxin.driver.replay-press.cfg"));
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (delivered.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(delivered).singleElement().satisfies(r -> {
                assertThat(r.kind()).isEqualTo(ReadingKind.CALL);
                assertThat(r.time()).isEqualTo(Instant.parse("2024-03-04T19:40:00Z"));
            });
        } finally {
            driver.stop();
        }
    }

    @Test
    void aBadSpeedOrZoneFallsBackToItsDefaultAndTheScenarioIsKept() throws Exception {
        ReplayOptions options = ReplayOptions.fromLeniently(Map.of("scenario", press().toString(), "speed", "-3", "zone", "Mars/Olympus"));
        assertThat(options.speed()).isEqualTo(1.0);
        assertThat(options.zone()).as("the gateway's").isNull();
        assertThat(options.scenario()).isEqualTo(press());
        assertThat(ReplayOptions.fromLeniently(Map.of("scenario", press().toString(), "speed", 0, "zone", "UTC")).zone())
                .isEqualTo(java.time.ZoneId.of("UTC"));
    }

    @Test
    void aReplayThatNamesNoZonePlacesItsLocalTimesInTheGatewaysZone() throws Exception {
        ReadingSink inShanghai = new ReadingSink() {
            @Override
            public void accept(Reading reading) {
                delivered.add(reading);
            }

            @Override
            public java.time.ZoneId zone() {
                return java.time.ZoneId.of("Asia/Shanghai");
            }
        };
        ReplayDriver driver = new ReplayDriver(inShanghai, Map.of("scenario", press().toString(), "speed", 0));
        try {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (delivered.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(delivered).singleElement().satisfies(r -> assertThat(r.time()).isEqualTo(Instant.parse("2024-03-04T11:40:00Z")));
        } finally {
            driver.stop();
        }
    }

    @Test
    void aScenarioThatCannotBeReadHasNoDefaultAndKeepsThatReplayDownWithTheFileNamed() {
        Path missing = dir.resolve("missing.csv");
        assertThatThrownBy(() -> ReplayOptions.fromLeniently(Map.of("scenario", missing.toString(), "speed", "fast")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString(), "does not exist");
        assertThatThrownBy(() -> ReplayOptions.fromLeniently(Map.of("speed", "1")))
                .hasMessageContaining("'scenario' is required");
    }
}
