package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.Test;
import org.anxin.launcher.Cli.Result;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

    @TempDir
    Path dir;

    private Result replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void writesOneJsonObjectPerAlertAndNothingElseToStdout() throws Exception {
        Path scenario = Path.of("../scenarios/sample-home.csv");
        Result result = replay("--scenario", scenario.toString());
        assertThat(result.exit()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.out().strip().split("\n")) {
            lines.add(MessageCodec.mapper().readTree(line));
        }
        assertThat(lines).extracting(n -> n.get("type").asText() + " " + n.get("state").asText())
                .containsExactly("FIRE raised", "FIRE cleared", "EMERGENCY_CALL raised");
        JsonNode fire = lines.get(0);
        assertThat(fire.get("time").asText()).isEqualTo("2024-03-04T11:45");
        assertThat(fire.get("severity").asText()).isEqualTo("critical");
        assertThat(fire.get("device").asText()).isEqualTo("kitchen-smoke");
        assertThat(fire.get("reason").asText()).isNotBlank();
    }

    @Test
    void aBadLineStopsTheReplayWithItsNumber() throws Exception {
        Path scenario = Files.writeString(dir.resolve("bad.csv"),
                "time,device,kind,value\n2024-03-04T06:30:00,call,call,pressed\n2024-03-04T06:31:00,bed,presence,maybe\n");
        Result result = replay("--scenario", scenario.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("bad.csv:3:", "'maybe'");
        assertThat(result.out()).as("alerts before the bad line are still written").contains("EMERGENCY_CALL");
    }

    @Test
    void aBadConfigFileIsRefusedWithItsProblem() throws Exception {
        Path config = Files.writeString(dir.resolve("d.cfg"), "callRearmSeconds=soon\n");
        Result result = replay("--scenario", "../scenarios/sample-home.csv", "--config", config.toString());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("d.cfg", "callRearmSeconds", "soon");
    }

    private static List<JsonNode> json(String out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (!line.isBlank()) {
                lines.add(MessageCodec.mapper().readTree(line));
            }
        }
        return lines;
    }

    @Test
    void untilKeepsTheVirtualClockRunningSoASilentHomeRaisesAlerts() throws Exception {
        Result result = replay("--scenario", "../scenarios/sample-home.csv", "--until", "2024-03-05T12:00:00");
        assertThat(result.exit()).isZero();
        List<JsonNode> lines = json(result.out());
        assertThat(lines).extracting(n -> n.get("type").asText() + " " + n.get("state").asText())
                .startsWith("FIRE raised", "FIRE cleared", "EMERGENCY_CALL raised")
                // one silence of the whole home is one alert: the water rule waits while NO_ACTIVITY is open
                .contains("NO_ACTIVITY raised").doesNotContain("NO_WATER_USE raised");
        JsonNode noActivity = lines.stream().filter(n -> n.get("type").asText().equals("NO_ACTIVITY")).findFirst().orElseThrow();
        assertThat(noActivity.get("time").asText()).isEqualTo("2024-03-05T07:47");
        assertThat(noActivity.get("severity").asText()).isEqualTo("warning");
        assertThat(noActivity.get("reason").asText()).contains("no activity for 12 h");
        assertThat(noActivity.has("device")).as("a home-wide alert names no device").isFalse();
        assertThat(lines).allSatisfy(n -> assertThat(n.get("time").asText()).isLessThanOrEqualTo("2024-03-05T12:00"));
    }

    @Test
    void untilBeforeTheLastReadingIsAWarningOnStderrOnly() throws Exception {
        Result result = replay("--scenario", "../scenarios/sample-home.csv", "--until", "2024-03-04T12:00:00");
        assertThat(result.exit()).isZero();
        assertThat(result.err()).contains("--until", "before the last reading");
        assertThat(json(result.out())).hasSize(3);
    }

    @Test
    void aBadUntilOrAMissingScenarioIsRefused() {
        assertThat(replay("--scenario", "../scenarios/sample-home.csv", "--until", "tomorrow").err()).contains("'tomorrow'");
        Result missing = replay("--scenario", dir.resolve("none.csv").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
    }

    @Test
    void aMissedDailyCheckInIsRaisedAtTheWindowsEndAndClearedByTheLaterPressWhileTheCallStaysAnEmergency() throws Exception {
        Result result = replay("--scenario", "../scenarios/check-in.csv", "--config", "../scenarios/check-in.cfg");
        assertThat(result.exit()).isZero();
        List<JsonNode> lines = json(result.out());
        assertThat(lines).extracting(n -> n.get("type").asText() + " " + n.get("state").asText())
                .containsExactly("CHECK_IN_MISSED raised", "CHECK_IN_MISSED cleared", "EMERGENCY_CALL raised");
        JsonNode missed = lines.get(0);
        assertThat(missed.get("time").asText()).isEqualTo("2024-03-05T10:00");
        assertThat(missed.get("severity").asText()).isEqualTo("warning");
        assertThat(missed.get("reason").asText()).contains("between 07:00 and 10:00", "last activity: bed at 2024-03-05T03:08");
        assertThat(lines.get(1).get("time").asText()).isEqualTo("2024-03-05T10:20");
        assertThat(lines.get(1).get("reason").asText()).contains("checked in", "pendant-ok");
        assertThat(lines.get(1).get("id").asText()).isEqualTo(missed.get("id").asText());
        assertThat(lines.get(2).get("device").asText()).isEqualTo("pendant");

        assertThat(json(replay("--scenario", "../scenarios/check-in.csv").out()))
                .as("the check-in is off by default").extracting(n -> n.get("type").asText()).containsExactly("EMERGENCY_CALL");
    }

    @Test
    void aMissedMorningBloodPressureAndTheHighOneMeasuredLateAreRaisedAndClearedEndToEnd() throws Exception {
        Result result = replay("--scenario", "../scenarios/health.csv", "--config", "../scenarios/health.cfg");
        assertThat(result.exit()).isZero();
        List<JsonNode> lines = json(result.out());
        assertThat(lines).extracting(n -> n.get("time").asText() + " " + n.get("type").asText() + " " + n.get("state").asText())
                .containsExactly("2024-03-05T09:00 MEASUREMENT_MISSED raised", "2024-03-05T09:30 MEASUREMENT_MISSED cleared",
                        "2024-03-05T09:30 HEALTH_READING_CRITICAL raised", "2024-03-05T09:30 HEALTH_READING_WARNING raised",
                        "2024-03-05T18:00 HEALTH_READING_CRITICAL cleared", "2024-03-05T18:00 HEALTH_READING_WARNING cleared");
        assertThat(lines.get(0).get("severity").asText()).isEqualTo("warning");
        assertThat(lines.get(0).get("reason").asText()).isEqualTo("no systolic measured today by 09:00 (last: 2024-03-04T07:10)");
        JsonNode critical = lines.get(2);
        assertThat(critical.get("severity").asText()).isEqualTo("critical");
        assertThat(critical.get("device").asText()).isEqualTo("cuff");
        assertThat(critical.get("reason").asText()).contains("systolic 186 mmHg", "at or above the critical threshold 180 mmHg");
        assertThat(lines.get(3).get("reason").asText()).contains("diastolic 104 mmHg", "warning threshold 90 mmHg");
        assertThat(lines.get(4).get("id").asText()).isEqualTo(critical.get("id").asText());

        assertThat(json(replay("--scenario", "../scenarios/health.csv").out()))
                .as("no measurement is scheduled by default; the thresholds still apply")
                .extracting(n -> n.get("type").asText() + " " + n.get("state").asText())
                .containsExactly("HEALTH_READING_CRITICAL raised", "HEALTH_READING_WARNING raised",
                        "HEALTH_READING_CRITICAL cleared", "HEALTH_READING_WARNING cleared");
    }

    @Test
    void aConfigFileChangesTheRulesWithTheMetaTypeNames() throws Exception {
        Path config = Files.writeString(dir.resolve("d.cfg"), "noActivityHours=1\nnoWaterUseEnabled=false\n");
        Result result = replay("--scenario", "../scenarios/sample-home.csv", "--config", config.toString());
        assertThat(result.exit()).isZero();
        assertThat(json(result.out())).extracting(n -> n.get("type").asText() + " " + n.get("state").asText())
                .contains("NO_ACTIVITY raised", "NO_ACTIVITY cleared").doesNotContain("NO_WATER_USE raised");
    }

    @Test
    void aTwoWeekScenarioWithASilentEndReplaysThroughTheSameEngine() throws Exception {
        StringBuilder csv = new StringBuilder("time,device,kind,value\n");
        java.time.LocalDateTime t = java.time.LocalDateTime.parse("2024-03-04T07:00:00");
        for (int day = 0; day < 14; day++) {
            for (int h = 7; h <= 22; h++) {
                csv.append(t.plusDays(day).withHour(h)).append(",hall,motion,on\n");
                csv.append(t.plusDays(day).withHour(h).plusMinutes(30)).append(",tap,water,2\n");
            }
        }
        Path scenario = Files.writeString(dir.resolve("two-weeks.csv"), csv);
        Result result = replay("--scenario", scenario.toString(), "--until", "2024-03-18T12:00:00");
        assertThat(result.exit()).isZero();
        JsonNode noActivity = json(result.out()).stream()
                .filter(n -> n.get("type").asText().equals("NO_ACTIVITY")).reduce((a, b) -> b).orElseThrow();
        assertThat(noActivity.get("reason").asText()).as("learned, not the fixed rule").contains("usually at most");
        // no entrance reports here, so a silence while up might be an outing; but on 14 days alike
        // this home was never quiet for over 30 min by day, and its own days outweigh both the
        // population prior and the outing it never showed: sooner than the fixed rule's 12 h
        // after the last reading (22:30), where it waited 13 h 26 before
        assertThat(noActivity.get("time").asText()).isGreaterThan("2024-03-18T06:30").isLessThan("2024-03-18T10:30");
    }

    private String noActivityTime(Result result) throws Exception {
        assertThat(result.exit()).as(result.err()).isZero();
        return json(result.out()).stream().filter(n -> n.get("type").asText().equals("NO_ACTIVITY"))
                .findFirst().orElseThrow().get("time").asText();
    }

    @Test
    void theScenarioIsPlayedInTheHomesZoneSoTwelveHoursAcrossTheSpringForwardNightEndAnHourLaterOnTheClock() throws Exception {
        // Berlin moves its clocks from 02:00 to 03:00 in the night of 31 March 2024
        Path scenario = Files.writeString(dir.resolve("dst.csv"), "time,device,kind,value\n2024-03-30T20:00:00,hall,motion,on\n");
        String until = "2024-03-31T12:00:00";
        assertThat(noActivityTime(replay("--scenario", scenario.toString(), "--until", until)))
                .as("the default, Asia/Shanghai, has no summer time").isEqualTo("2024-03-31T08:00");
        assertThat(noActivityTime(replay("--scenario", scenario.toString(), "--until", until, "--zone", "Europe/Berlin")))
                .isEqualTo("2024-03-31T09:00");
        Path config = Files.writeString(dir.resolve("berlin.cfg"), "zone=Europe/Berlin\n");
        assertThat(noActivityTime(replay("--scenario", scenario.toString(), "--until", until, "--config", config.toString())))
                .as("the config file's zone").isEqualTo("2024-03-31T09:00");
        assertThat(noActivityTime(replay("--scenario", scenario.toString(), "--until", until, "--config", config.toString(),
                "--zone", "Asia/Shanghai"))).as("--zone over the file's").isEqualTo("2024-03-31T08:00");
    }

    @Test
    void aZoneThatIsNoZoneIsRefusedNamingIt() {
        Result result = replay("--scenario", "../scenarios/sample-home.csv", "--zone", "Mars/Olympus");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("--zone", "'Mars/Olympus' is not a time zone id");
        assertThat(result.out()).isEmpty();
    }
}
