package org.anxin.tools.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.anxin.driver.replay.ScenarioLine;
import org.anxin.driver.replay.ScenarioReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertersTest {

    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.ISO_8859_1);
    }

    /** A CIWS {@code Classified_Events.csv} of these rows, under its header. */
    private Path ciwsEvents(String rows) throws Exception {
        return file("events.csv", "StartTime,EndTime,Duration(min),Volume(gal),Flowrate(gpm),Peak_Value(gpm),Mode_Value(gpm),Label\n" + rows);
    }

    private static List<String> csv(List<ScenarioRow> rows) {
        List<ScenarioRow> sorted = new ArrayList<>(rows);
        sorted.sort(null);
        return sorted.stream().map(ScenarioRow::toCsv).toList();
    }

    @Test
    void ordonezSensorsBecomeMotionPresencePowerDoorsTheEntranceAndFlushes() throws Exception {
        Path in = file("OrdonezA_Sensors.txt", """
                Start time          \tEnd time            \tLocation\tType\t\tPlace
                --------------------\t--------------------\t--------\t--------\t-----
                2011-11-28 02:27:59\t\t2011-11-28 10:18:11\t\tBed\t\t\tPressure\tBedroom
                2011-11-28 10:21:44\t\t2011-11-28 10:23:31\t\tBasin\t\tPIR\t\t\tBathroom
                2011-11-28 10:23:02\t\t2011-11-28 10:23:36\t\tToilet\t\tFlush\t\tBathroom
                2011-11-28 10:38:00\t\t2011-11-28 10:42:41\t\tToaster\t\tElectric\tKitchen
                2011-11-28 10:38:33\t\t2011-11-28 10:38:40\t\tFridge\t\tMagnetic\tKitchen
                2011-11-28 13:09:31\t\t2011-11-28 13:09:35\t\tMaindoor\tMagnetic\tEntrance
                """);
        assertThat(csv(new OrdonezConverter().convert(in))).containsExactly(
                "2011-11-28T02:27:59,bedroom-bed,presence,on",
                "2011-11-28T10:18:11,bedroom-bed,presence,off",
                "2011-11-28T10:21:44,bathroom-basin,motion,on",
                "2011-11-28T10:23:02,bathroom-toilet,water,6",
                "2011-11-28T10:23:31,bathroom-basin,motion,off",
                "2011-11-28T10:38,kitchen-toaster,power,on",
                "2011-11-28T10:38:33,kitchen-fridge,door,open",
                "2011-11-28T10:38:40,kitchen-fridge,door,closed",
                "2011-11-28T10:42:41,kitchen-toaster,power,off",
                "2011-11-28T13:09:31,entrance-maindoor,entry_door,open",
                "2011-11-28T13:09:35,entrance-maindoor,entry_door,closed");
    }

    @Test
    void kasterenContactsBecomeDoorsTheFrontdoorTheEntranceAndTheFlushWater() throws Exception {
        Path in = file("kasterenSenseData.txt", """
                Start time          \tEnd time            \tID\tVal
                25-Feb-2008 09:37:51\t25-Feb-2008 09:37:52\t14\t1
                25-Feb-2008 09:49:27\t25-Feb-2008 09:49:28\t8\t1
                25-Feb-2008 10:19:28\t25-Feb-2008 10:19:32\t12\t1\r
                """);
        assertThat(csv(new KasterenConverter().convert(in))).containsExactly(
                "2008-02-25T09:37:51,toilet-flush,water,6",
                "2008-02-25T09:49:27,fridge,door,open",
                "2008-02-25T09:49:28,fridge,door,closed",
                "2008-02-25T10:19:28,frontdoor,entry_door,open",
                "2008-02-25T10:19:32,frontdoor,entry_door,closed");
    }

    @Test
    void ciwsEventsBecomeLitresPerMinuteFromTheHouseMeter() throws Exception {
        Path in = file("Classified_Events.csv", """
                StartTime,EndTime,Duration(min),Volume(gal),Flowrate(gpm),Peak_Value(gpm),Mode_Value(gpm),Label
                2020-07-21 09:44:00,2020-07-21 09:46:30,2.5,3,1.2,1.3,1.2,faucet
                """);
        assertThat(csv(new CiwsConverter().convert(in))).containsExactly(
                "2020-07-21T09:45,water-meter,water,3.79",
                "2020-07-21T09:46,water-meter,water,3.79",
                "2020-07-21T09:47,water-meter,water,3.79");
    }

    @Test
    void aDayWithoutIndoorWaterIsACiwsFamilyAwayWhateverTheSprinklerDoes() throws Exception {
        Path events = ciwsEvents("""
                2020-07-29 16:44:00,2020-07-29 16:45:00,1,0.58,0.5,0.5,0.5,faucet
                2020-07-30 03:45:00,2020-07-30 04:44:00,59,70.2,1.2,1.2,1.2,irrigation
                2020-07-31 11:05:00,2020-07-31 11:06:00,1,2.2,2.2,2.2,2.2,toilet
                2020-07-31 12:06:00,2020-07-31 12:07:00,1,2.9,2.9,2.9,2.9,toilet
                """);
        Spans away = Spans.ciwsOutings(events, java.time.Duration.ofHours(24));
        assertThat(away.intervals()).hasSize(1);
        assertThat(away.contains(java.time.LocalDateTime.parse("2020-07-30T04:00"))).as("only the sprinkler ran").isTrue();
        assertThat(away.contains(java.time.LocalDateTime.parse("2020-07-31T11:30"))).isFalse();
    }

    @Test
    void theCiwsSprinklerRunsAreTimerSpansToTheEndOfTheirLastMinute() throws Exception {
        Path events = ciwsEvents("""
                2020-07-30 03:45:00,2020-07-30 04:44:00,59.6,70.2,1.2,1.2,1.2,irrigation
                2020-07-30 10:37:00,2020-07-30 10:43:00,6.4,21.7,3.1,3.1,3.1,hose
                """);
        Spans timers = Spans.ciwsTimers(events);
        assertThat(timers.intervals()).hasSize(1);
        assertThat(timers.contains(java.time.LocalDateTime.parse("2020-07-30T04:45"))).as("the converter's 60th reading").isTrue();
        assertThat(timers.contains(java.time.LocalDateTime.parse("2020-07-30T04:46"))).isFalse();
        assertThat(timers.contains(java.time.LocalDateTime.parse("2020-07-30T10:40"))).as("a hose is held by a person").isFalse();
    }

    @Test
    void aBadLineNamesItsFileAndLine() throws Exception {
        Path in = file("kasterenSenseData.txt", "25-Feb-2008 09:37:51\t25-Feb-2008 09:37:52\t99\t1\n");
        assertThatThrownBy(() -> new KasterenConverter().convert(in))
                .isInstanceOf(DatasetFormatException.class).hasMessage("kasterenSenseData.txt:1: unknown sensor id 99");
        Path ordonez = file("OrdonezB_Sensors.txt", "2012-11-11 21:14:21\t2012-11-12\n");
        assertThatThrownBy(() -> new OrdonezConverter().convert(ordonez)).hasMessageContaining("OrdonezB_Sensors.txt:1:");
    }

    @Test
    void aConvertedHomeIsAScenarioTheReplayDriverReads() throws Exception {
        Path datasets = Path.of("../../../shared/datasets");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(datasets), "the shared datasets are not here");
        Path out = dir.resolve("kasteren-a.csv");
        ScenarioFiles.write(out, "test", new KasterenConverter().convert(datasets.resolve("kasteren/kasterenSenseData.txt")));
        int n = 0;
        try (ScenarioReader reader = ScenarioReader.open(out)) {
            while (reader.hasNext()) {
                ScenarioLine line = reader.next();
                assertThat(line.device()).isNotBlank();
                n++;
            }
        }
        assertThat(n).isGreaterThan(2000);
    }
}
