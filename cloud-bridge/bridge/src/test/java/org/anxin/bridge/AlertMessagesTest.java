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
}
