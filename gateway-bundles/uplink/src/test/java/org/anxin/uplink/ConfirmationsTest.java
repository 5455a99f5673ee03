package org.anxin.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Receipt;
import org.junit.jupiter.api.Test;

class ConfirmationsTest {

    private Instant now = Instant.parse("2026-12-04T03:00:00Z");
    private final Clock clock = new Clock() {
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
            return now;
        }
    };
    private final Confirmations confirmations = new Confirmations(Duration.ofSeconds(60), clock);

    private static Receipt receipt(long... seqs) {
        return new Receipt("gw-1", Receipt.runs(seqs), Instant.EPOCH);
    }

    @Test
    void aMessageTheBrokerAcknowledgedWaitsForTheBridgeAndIsDeletedOnlyOnItsReceipt() {
        for (long seq = 1; seq <= 5; seq++) {
            confirmations.acknowledged(seq);
        }
        assertThat(confirmations.awaiting()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(confirmations.confirm(receipt(2, 3, 4), Set.of())).containsExactly(2L, 3L, 4L);
        assertThat(confirmations.awaiting()).containsExactly(1L, 5L);
        assertThat(confirmations.confirmed()).isEqualTo(3);
        // the same receipt again (a replay, or two bridge instances) deletes nothing more
        assertThat(confirmations.confirm(receipt(2, 3, 4), Set.of())).isEmpty();
    }

    @Test
    void whatTheBridgeHasNotConfirmedWithinTheWaitIsSentAgainAndWaitsAnew() {
        confirmations.acknowledged(1);
        now = now.plusSeconds(30);
        confirmations.acknowledged(2);
        now = now.plusSeconds(29);
        assertThat(confirmations.expire()).isZero();
        now = now.plusSeconds(1);
        assertThat(confirmations.expire()).as("1 waited 60 s, 2 only 30 s").isEqualTo(1);
        assertThat(confirmations.awaiting()).containsExactly(2L);
        assertThat(confirmations.resent()).isEqualTo(1);
        // 1 is sent again, acknowledged again: its wait starts over
        confirmations.acknowledged(1);
        now = now.plusSeconds(30);
        assertThat(confirmations.expire()).isEqualTo(1);
        assertThat(confirmations.awaiting()).containsExactly(1L);
        assertThat(confirmations.confirm(receipt(1), Set.of())).containsExactly(1L);
        now = now.plusSeconds(3600);
        assertThat(confirmations.expire()).as("nothing waits").isZero();
    }

    @Test
    void aReceiptThatOvertakesTheBrokersAcknowledgementDeletesTheRowAndTheLateAcknowledgementStartsNoWait() {
        assertThat(confirmations.confirm(receipt(7), Set.of(7L))).containsExactly(7L);
        confirmations.acknowledged(7);
        assertThat(confirmations.awaiting()).isEmpty();
        now = now.plusSeconds(120);
        assertThat(confirmations.expire()).isZero();
    }

    @Test
    void aReceiptNeverDeletesARowThisUplinkDidNotSend() {
        confirmations.acknowledged(10);
        // numbers never published here: a forged receipt, or one for what an earlier process sent
        assertThat(confirmations.confirm(receipt(1, 2, 3, 11, 12), Set.of())).isEmpty();
        List<Long> deleted = confirmations.confirm(new Receipt("gw-1", List.of(new Receipt.Run(1, 1_000_000_000L)),
                Instant.EPOCH), Set.of(20L));
        assertThat(deleted).as("a huge run is walked by what is outstanding, not number by number").containsExactlyInAnyOrder(10L, 20L);
    }

    @Test
    void whatWaitsForTheBridgeOutlivesAReconnectButAnEarlyConfirmationDoesNot() {
        confirmations.acknowledged(1);
        confirmations.confirm(receipt(2), Set.of(2L)); // 2 confirmed in flight, then the connection drops
        confirmations.newConnection();
        assertThat(confirmations.awaiting()).containsExactly(1L);
        confirmations.acknowledged(2); // a copy of 2 sent on the new connection (it was deleted, so it is not; but if it were)
        assertThat(confirmations.awaiting()).containsExactly(1L, 2L);
    }

    @Test
    void aWaitThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new Confirmations(Duration.ZERO, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
