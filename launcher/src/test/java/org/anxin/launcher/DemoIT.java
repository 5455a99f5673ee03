package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoIT {

    @TempDir
    Path dir;

    @Test
    void theDemoShowsReadingsAlertsAndNotificationsThenASummaryAndExitsZero() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new Anxin()).execute("demo", "--speed", "36000", "--work-dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        original.println(output);
        assertThat(exit).isZero();
        assertThat(output).contains(
                "06:30:00  bed",
                "ALERT FIRE raised (critical)",
                "ALERT FIRE cleared",
                "ALERT EMERGENCY_CALL raised (critical)",
                "webhook notified",
                "Summary",
                "notifications  3 delivered, 0 failed");
    }
}
