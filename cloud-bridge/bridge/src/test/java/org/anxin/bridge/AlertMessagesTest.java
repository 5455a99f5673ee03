package org.anxin.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.anxin.bridge.store.TestMessages;
import org.anxin.protocol.Alert;
import org.junit.jupiter.api.Test;

/** What people read: what happened, where, when (in their time zone), and how to acknowledge. */
class AlertMessagesTest {

    private static final Directory.Home HOME = new Directory.Home("h1", "Wang Lan", "Wuchang", "Zhongnan",
            "Shuiguohu", "Building 3, 2-201", "living_alone", "c1", List.of("gw-1"), List.of());

    @Test
    void aMessageSaysWhatWhereWhenAndHowToAcknowledge() {
        Alert fire = TestMessages.fire();
        String body = AlertMessages.body("gw-1", fire, HOME, "https://bridge.example/ack/t0k3n",
                "https://bridge.example/api/incidents/", ZoneId.of("Asia/Shanghai"));
        assertThat(body).isEqualTo("Critical alert: fire at Shuiguohu, Zhongnan, Wuchang, Building 3, 2-201"
                + " (home h1, device kitchen-smoke), 2024-03-01 15:15 Asia/Shanghai. Smoke detected in the kitchen."
                + " Acknowledge: https://bridge.example/ack/t0k3n (or POST"
                + " https://bridge.example/api/incidents/gw-1/FIRE/kitchen-smoke/1709277300000/ack)");
        assertThat(AlertMessages.subject(fire)).isEqualTo("[Anxin] Critical: fire");
    }

    @Test
    void aClearNoticeSaysTheAlertIsOver() {
        Alert fire = TestMessages.fire();
        Alert cleared = fire.clear(fire.time().plusSeconds(600), "smoke cleared");
        assertThat(AlertMessages.clearedBody("gw-1", cleared, HOME, ZoneOffset.UTC)).isEqualTo("Cleared: fire at"
                + " Shuiguohu, Zhongnan, Wuchang, Building 3, 2-201 (home h1, device kitchen-smoke), 2024-03-01 07:25 UTC."
                + " Smoke cleared. The alert is over; no further messages will be sent about it.");
    }

    @Test
    void aMissedCheckInIsWordedForPeopleInEnglishAndChinese() {
        Alert missed = Alert.raise(org.anxin.protocol.AlertType.CHECK_IN_MISSED, null,
                java.time.Instant.parse("2024-03-01T02:00:00Z"), "no check-in and no sign of being up between 07:00 and 10:00");
        assertThat(AlertMessages.subject(missed)).isEqualTo("[Anxin] Warning: daily check-in missed, 今日未报平安");
        assertThat(AlertMessages.body("gw-1", missed, HOME, "https://bridge.example/ack/t0k3n",
                "https://bridge.example/api/incidents/", ZoneId.of("Asia/Shanghai")))
                .startsWith("Warning alert: daily check-in missed, 今日未报平安 at Shuiguohu, Zhongnan, Wuchang, Building 3, 2-201"
                        + " (home h1), 2024-03-01 10:00 Asia/Shanghai. No check-in and no sign of being up between 07:00 and 10:00.");
        assertThat(AlertMessages.clearedSubject(missed.clear(missed.time().plusSeconds(600), "checked in: pendant at 10:10")))
                .isEqualTo("[Anxin] Cleared: daily check-in missed, 今日未报平安");
    }

    @Test
    void aHealthMeasurementOutOfRangeAndAMissedOneAreWordedForPeopleInEnglishAndChinese() {
        Alert high = Alert.raise(org.anxin.protocol.AlertType.HEALTH_READING_CRITICAL, "cuff",
                java.time.Instant.parse("2024-03-05T01:30:00Z"), "systolic 186 mmHg (cuff at 09:30), at or above the critical threshold 180 mmHg");
        assertThat(AlertMessages.subject(high)).isEqualTo("[Anxin] Critical: health measurement out of range, 健康指标异常");
        assertThat(AlertMessages.body("gw-1", high, HOME, "https://bridge.example/ack/t0k3n",
                "https://bridge.example/api/incidents/", ZoneId.of("Asia/Shanghai")))
                .startsWith("Critical alert: health measurement out of range, 健康指标异常 at Shuiguohu, Zhongnan, Wuchang,"
                        + " Building 3, 2-201 (home h1, device cuff), 2024-03-05 09:30 Asia/Shanghai. Systolic 186 mmHg (cuff at"
                        + " 09:30), at or above the critical threshold 180 mmHg.");
        Alert warning = Alert.raise(org.anxin.protocol.AlertType.HEALTH_READING_WARNING, "oximeter",
                java.time.Instant.parse("2024-03-05T01:30:00Z"), "spo2 92 %");
        assertThat(AlertMessages.subject(warning)).isEqualTo("[Anxin] Warning: health measurement out of range, 健康指标异常");
        Alert missed = Alert.raise(org.anxin.protocol.AlertType.MEASUREMENT_MISSED, null,
                java.time.Instant.parse("2024-03-05T01:00:00Z"), "no systolic measured today by 09:00");
        assertThat(AlertMessages.subject(missed)).isEqualTo("[Anxin] Warning: daily health measurement missed, 今日未测量");
        assertThat(AlertMessages.clearedSubject(missed.clear(missed.time().plusSeconds(1800), "systolic measured")))
                .isEqualTo("[Anxin] Cleared: daily health measurement missed, 今日未测量");
    }
}
