package org.anxin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Priority;
import org.anxin.store.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOutboxTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Reading water(double litres) {
        return new Reading("meter", ReadingKind.WATER, Double.toString(litres), T);
    }

    @Test
    void alertsLeaveBeforeEarlierTelemetry() {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), CLOCK)) {
            outbox.append(water(1));
            outbox.append(water(2));
            outbox.append(Alert.raise(AlertType.NO_WATER_USE, null, T, "no water"));
            outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "smoke alarm"));
            List<StoredMessage> next = outbox.peek(10, Set.of());
            assertThat(next).extracting(StoredMessage::seq).containsExactly(4L, 3L, 1L, 2L);
            assertThat(next).extracting(StoredMessage::priority)
                    .containsExactly(Priority.LIFE_SAFETY, Priority.ALERT, Priority.TELEMETRY, Priority.TELEMETRY);
        }
    }

    @Test
    void sequenceAndMessagesSurviveReopening() {
        Path file = dir.resolve("o.db");
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            outbox.append(water(1));
            outbox.append(water(2));
            outbox.remove(List.of(1L, 2L));
            outbox.append(water(3));
        }
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            assertThat(outbox.size()).isEqualTo(1);
            assertThat(outbox.lastSequence()).isEqualTo(3);
            assertThat(outbox.peek(10, Set.of()).get(0).body()).isEqualTo(water(3));
            assertThat(outbox.append(water(4)).seq()).as("sequence numbers are never reused").isEqualTo(4);
        }
    }

    @Test
    void peekLeavesOutMessagesInFlight() {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), CLOCK)) {
            for (int i = 0; i < 5; i++) {
                outbox.append(water(i));
            }
            assertThat(outbox.peek(2, Set.of(1L, 3L))).extracting(StoredMessage::seq).containsExactly(2L, 4L);
        }
    }

    @Test
    void anUndecodableRowIsQuarantinedNotSentNorLost() throws Exception {
        Path file = dir.resolve("o.db");
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            outbox.append(water(1));
            outbox.append(water(2));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("UPDATE outbox SET body = '{broken' WHERE seq = 1");
        }
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            assertThat(outbox.peek(10, Set.of())).extracting(StoredMessage::seq).containsExactly(2L);
            assertThat(outbox.size()).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT seq, body FROM quarantine");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("{broken");
        }
    }

    @Test
    void awaitMessagesWakesOnAppend() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), CLOCK)) {
            assertThat(outbox.awaitMessages(Duration.ofMillis(10))).isFalse();
            Thread writer = new Thread(() -> outbox.append(water(1)));
            writer.start();
            assertThat(outbox.awaitMessages(Duration.ofSeconds(10))).isTrue();
            writer.join();
        }
    }
}
