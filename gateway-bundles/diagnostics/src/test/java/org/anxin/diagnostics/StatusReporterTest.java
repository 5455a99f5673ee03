package org.anxin.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusReporterTest {

    @TempDir
    Path dir;

    private static GatewayStatus siren(String state) {
        return new GatewayStatus(Instant.parse("2026-12-03T10:00:00Z"),
                List.of(new GatewayStatus.ComponentState("org.anxin.driver.gpio.alarm", "org.anxin.driver.gpio", "active", null)),
                List.of(), state);
    }

    private String sirenInFile(Path file) throws Exception {
        return MessageCodec.mapper().readTree(file.toFile()).path("siren").asText();
    }

    @Test
    void aStatusThatCouldNotBeWrittenIsWrittenOnceItCanBeNotLeftAtTheOldOne() throws Exception {
        Path data = dir.resolve("data");
        Path file = data.resolve("status.json");
        AtomicReference<GatewayStatus> now = new AtomicReference<>(siren("silent"));
        StatusReporter reporter = new StatusReporter(file, now::get);
        reporter.report();
        assertThat(sirenInFile(file)).isEqualTo("silent");

        // the disk refuses the write (here: the temporary file's place is taken by a directory)
        Path tmp = Files.createDirectories(data.resolve("status.json.tmp"));
        Files.writeString(tmp.resolve("filler"), "x");
        now.set(siren("sounding"));
        reporter.report();
        assertThat(sirenInFile(file)).isEqualTo("silent");

        // room again: the next period writes the siren sounding, though the status has not changed since
        Files.delete(tmp.resolve("filler"));
        Files.delete(tmp);
        reporter.report();
        assertThat(sirenInFile(file)).isEqualTo("sounding");
        assertThat(data.resolve("status.json.tmp")).doesNotExist();
    }
}
