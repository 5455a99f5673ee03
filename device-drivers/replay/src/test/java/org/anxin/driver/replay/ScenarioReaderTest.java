package org.anxin.driver.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;

class ScenarioReaderTest {

    private static List<ScenarioLine> read(String text) {
        List<ScenarioLine> lines = new ArrayList<>();
        new ScenarioReader(new BufferedReader(new StringReader(text)), "test.csv").forEachRemaining(lines::add);
        return lines;
    }

    @Test
    void readsEveryKindSkippingCommentsAndBlankLines() {
        List<ScenarioLine> lines = read("""
                # a morning
                time,device,kind,value

                2024-03-01T07:15:00,kitchen-water,water,3.50
                2024-03-01T07:15:00,front,entry_door,open
                2024-03-01T07:16:00,call.btn_1,call,pressed
                2024-03-01T07:17:00,smoke1,smoke,ALARM
                2024-03-01T07:18:00,s1,battery,87
                2024-03-01T07:19:00,s1,heartbeat,ok
                """);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo(new ScenarioLine(4, LocalDateTime.parse("2024-03-01T07:15:00"),
                "kitchen-water", ReadingKind.WATER, "3.5"));
        assertThat(lines.get(3).value()).isEqualTo("alarm");
    }

    @Test
    void healthMeasurementsAreReadInCanonicalFormAndAnAbsurdOneStopsTheFileNamingItsLine() {
        List<ScenarioLine> lines = read("""
                time,device,kind,value
                2024-03-01T07:10:00,cuff,systolic,142.0
                2024-03-01T07:10:00,cuff,diastolic,88
                2024-03-01T07:10:00,cuff,heart_rate,71
                2024-03-01T07:20:00,oximeter,spo2,97
                2024-03-01T07:30:00,thermometer,body_temperature,36.60
                2024-03-01T07:35:00,scale,weight,61.4
                """);
        assertThat(lines).extracting(ScenarioLine::kind).containsExactly(ReadingKind.SYSTOLIC, ReadingKind.DIASTOLIC,
                ReadingKind.HEART_RATE, ReadingKind.SPO2, ReadingKind.BODY_TEMPERATURE, ReadingKind.WEIGHT);
        assertThat(lines).extracting(ScenarioLine::value).containsExactly("142", "88", "71", "97", "36.6", "61.4");
        assertThatThrownBy(() -> read("time,device,kind,value\n2024-03-01T07:30:00,thermometer,body_temperature,98.6\n"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("test.csv:2: body_temperature must be degrees Celsius from 25 to 45, got '98.6'");
    }

    @Test
    void aBadLineIsReportedWithItsNumberAndProblem() {
        String header = "time,device,kind,value\n";
        assertThatThrownBy(() -> read(header + "2024-03-01T07:15:00,d,water,1\nyesterday,d,water,1\n"))
                .isInstanceOf(ScenarioException.class).hasMessage("test.csv:3: time 'yesterday' is not an ISO-8601 local date-time like 2024-03-01T07:15:00");
        assertThatThrownBy(() -> read(header + "2024-03-01T07:15:00,d,teleport,1\n"))
                .hasMessageStartingWith("test.csv:2: unknown kind 'teleport'");
        assertThatThrownBy(() -> read(header + "2024-03-01T07:15:00,d,water,-2\n"))
                .hasMessageStartingWith("test.csv:2: water must be litres >= 0");
        assertThatThrownBy(() -> read(header + "2024-03-01T07:15:00,d d,door,open\n"))
                .hasMessageStartingWith("test.csv:2: device id 'd d'");
        assertThatThrownBy(() -> read(header + "2024-03-01T07:15:00,d,door\n"))
                .hasMessageStartingWith("test.csv:2: expected 4 fields");
        assertThatThrownBy(() -> read(header + "2024-03-01T07:15:00,d,door,open\n2024-03-01T07:14:00,d,door,closed\n"))
                .hasMessageContaining("test.csv:3:").hasMessageContaining("must not decrease");
        assertThatThrownBy(() -> read("2024-03-01T07:15:00,d,door,open\n"))
                .hasMessageStartingWith("test.csv:1: expected the header");
        assertThatThrownBy(() -> read("# only a comment\n"))
                .hasMessageContaining("empty");
    }
}
