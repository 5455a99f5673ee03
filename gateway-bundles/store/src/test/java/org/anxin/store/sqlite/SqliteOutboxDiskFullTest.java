package org.anxin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.anxin.store.StoreException;
import org.anxin.store.StoreStatus;
import org.anxin.store.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on a real 3 MB file system that fills up: alerts go on, readings wait for room. */
class SqliteOutboxDiskFullTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);
    private static final long RESERVE = 512 * 1024;

    @TempDir
    Path tmp;
    private SmallVolume volume;
    private Path file;

    @BeforeEach
    void mount() throws Exception {
        volume = SmallVolume.mount(tmp.resolve("vol"), 3);
        file = volume.dir().resolve("outbox.db");
    }

    @AfterEach
    void unmount() throws Exception {
        if (volume != null) {
            volume.close();
        }
    }

    private static Reading water(int i) {
        return new Reading("meter", ReadingKind.WATER, Integer.toString(i), T.plusSeconds(i));
    }

    private static List<Alert> diskFullAlerts(SqliteOutbox outbox) {
        return outbox.peek(10_000, Set.of()).stream().map(StoredMessage::body)
                .filter(b -> b instanceof Alert a && a.type() == AlertType.DISK_FULL).map(b -> (Alert) b).toList();
    }

    @Test
    void aSmokeAlarmIsAcceptedAndDurableOutOfTheReserveWhenTheDiskIsFull() throws Exception {
        Path filler;
        long seq;
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK, 0, RESERVE)) {
            outbox.append(water(1));
            filler = volume.fill("filler");
            seq = outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "smoke")).seq();
            assertThat(outbox.status().diskFull()).isTrue();
        }
        Files.delete(filler);
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK, 0, RESERVE)) {
            assertThat(outbox.peek(100, Set.of())).as("still there after a reopen")
                    .anySatisfy(m -> assertThat(m.seq()).isEqualTo(seq))
                    .anySatisfy(m -> assertThat(m.body()).isEqualTo(water(1)));
        }
    }

    @Test
    void readingsAreRefusedAndCountedWhileTheDiskIsFullAndADiskFullAlertIsStored() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK, 0, RESERVE)) {
            outbox.append(water(1));
            assertThat(outbox.status().reserveHeld()).isTrue();
            volume.fill("filler");
            assertThatThrownBy(() -> outbox.append(water(2))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("disk full");
            assertThatThrownBy(() -> outbox.append(water(3))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("disk full");
            outbox.append(Alert.raise(AlertType.EMERGENCY_CALL, "pendant", T, "pressed"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !diskFullAlerts(outbox).isEmpty());

            StoreStatus status = outbox.status();
            assertThat(status.diskFull()).isTrue();
            assertThat(status.refusedTelemetry()).isEqualTo(2);
            assertThat(status.diskFullErrors()).isPositive();
            assertThat(status.reserveHeld()).as("released to make room").isFalse();
            assertThat(status.freeBytes()).isLessThan(RESERVE * 2);
            List<Alert> raised = diskFullAlerts(outbox);
            assertThat(raised).as("raised once").hasSize(1);
            assertThat(raised.get(0).state()).isEqualTo(AlertState.RAISED);
            assertThat(raised.get(0).severity()).isEqualTo(Severity.MAINTENANCE);
            assertThat(outbox.size()).as("the reading from before, the call, DISK_FULL").isEqualTo(3);
        }
    }

    @Test
    void whenSpaceReturnsTheReserveIsBackReadingsAreAcceptedAndDiskFullIsCleared() throws Exception {
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK, 0, RESERVE)) {
            Path filler = volume.fill("filler");
            outbox.append(Alert.raise(AlertType.GAS_LEAK, "gas", T, "gas"));
            assertThatThrownBy(() -> outbox.append(water(1))).isInstanceOf(StoreException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> !diskFullAlerts(outbox).isEmpty());

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(10)).until(() -> !outbox.status().diskFull());
            assertThat(outbox.status().reserveHeld()).isTrue();
            assertThat(Files.size(volume.dir().resolve("outbox.db.reserve"))).isEqualTo(RESERVE);
            await().atMost(Duration.ofSeconds(10)).until(() -> diskFullAlerts(outbox).size() == 2);
            List<Alert> episode = diskFullAlerts(outbox);
            assertThat(episode).extracting(Alert::state).containsExactly(AlertState.RAISED, AlertState.CLEARED);
            assertThat(episode.get(1).id()).isEqualTo(episode.get(0).id());
            outbox.append(water(2));
            assertThat(outbox.status().refusedTelemetry()).isEqualTo(1);
        }
    }

    @Test
    void theWriteAheadLogDoesNotFillASmallDiskByItself() throws Exception {
        // measured before: on a 3 MB volume the WAL alone filled the disk after 238 readings
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK, 0, RESERVE)) {
            for (int i = 0; i < 3000; i++) {
                outbox.append(water(i));
            }
            assertThat(outbox.size()).isEqualTo(3000);
            assertThat(outbox.status().diskFull()).isFalse();
            assertThat(outbox.status().refusedTelemetry()).isZero();
        }
    }
}
