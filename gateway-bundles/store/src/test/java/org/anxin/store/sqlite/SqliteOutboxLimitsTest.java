package org.anxin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoreStatus;
import org.anxin.store.StoredMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store at its limits: group commit, the capacity cap, a full disk, a corrupt file. */
class SqliteOutboxLimitsTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Reading water(int i) {
        return new Reading("meter", ReadingKind.WATER, Integer.toString(i), T.plusSeconds(i));
    }

    @Test
    void submittedReadingsAreCommittedTogetherInOrderAndSurviveReopening() {
        Path file = dir.resolve("o.db");
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            List<CompletableFuture<StoredMessage>> futures = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                futures.add(outbox.submit(water(i)));
            }
            List<Long> seqs = futures.stream().map(CompletableFuture::join).map(StoredMessage::seq).toList();
            assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(5000);
        }
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            assertThat(outbox.size()).isEqualTo(5000);
            assertThat(outbox.peek(1, Set.of()).get(0).body()).isEqualTo(water(0));
        }
    }

    @Test
    void atItsCapTheStoreDropsTheOldestReadingsAndKeepsEveryAlert() {
        long cap = 256 * 1024;
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), CLOCK, cap)) {
            List<CompletableFuture<StoredMessage>> futures = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                futures.add(outbox.submit(water(i)));
                if (i % 1000 == 0) {
                    futures.add(outbox.submit(Alert.raise(AlertType.WATER_LEAK, "leak-" + i, T, "leak " + i)));
                }
            }
            futures.forEach(CompletableFuture::join);
            StoreStatus status = outbox.status();
            assertThat(status.evictedTelemetry()).isPositive();
            assertThat(status.queuedAlerts()).isEqualTo(20);
            assertThat(status.bytesUsed()).isLessThanOrEqualTo(cap);
            assertThat(status.queued()).isEqualTo(20_000 + 20 - status.evictedTelemetry());
            List<StoredMessage> all = outbox.peek(30_000, Set.of());
            assertThat(all.stream().filter(m -> m.priority().isAlert())).hasSize(20);
            List<Reading> readings = all.stream().filter(m -> m.priority() == Priority.TELEMETRY)
                    .map(m -> (Reading) m.body()).toList();
            assertThat(readings).as("the newest readings are the ones kept").last().isEqualTo(water(19_999));
            assertThat(readings.get(0).value()).as("the oldest were dropped").isNotEqualTo("0");
        }
    }

    @Test
    void aFullDiskFailsTheAppendWithACounterAndTheStoreCarriesOn() {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), CLOCK)) {
            outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "smoke"));
            outbox.limitPages(outbox.status().bytesUsed() / 4096 + 2);
            // alerts only: nothing can be dropped to make room, so the disk stays full
            assertThatThrownBy(() -> {
                for (int i = 0; i < 2000; i++) {
                    outbox.append(Alert.raise(AlertType.GAS_LEAK, "gas-" + i, T, "x".repeat(500)));
                }
            }).isInstanceOf(StoreException.class).hasMessageContaining("disk full");
            StoreStatus status = outbox.status();
            assertThat(status.diskFullErrors()).isPositive();
            assertThat(status.writeFailures()).isPositive();
            long before = outbox.size();
            outbox.limitPages(1_000_000);
            StoredMessage after = outbox.append(Alert.raise(AlertType.FIRE, "smoke-2", T, "smoke"));
            assertThat(outbox.size()).as("what was stored before is still there").isEqualTo(before + 1);
            assertThat(after.seq()).isGreaterThan(1);
        }
    }

    @Test
    void aFullDiskMakesRoomByDroppingTheOldestReadingsBeforeRefusingAnAlert() {
        try (SqliteOutbox outbox = SqliteOutbox.open(dir.resolve("o.db"), CLOCK)) {
            for (int i = 0; i < 3000; i++) {
                outbox.submit(water(i));
            }
            outbox.append(water(3000));
            outbox.limitPages(outbox.status().bytesUsed() / 4096 + 1);
            StoredMessage alert = outbox.append(Alert.raise(AlertType.FIRE, "smoke", T, "x".repeat(20_000)));
            assertThat(alert.priority()).isEqualTo(Priority.LIFE_SAFETY);
            assertThat(outbox.status().evictedTelemetry()).isPositive();
            assertThat(outbox.status().diskFullErrors()).isPositive();
            assertThat(outbox.peek(1, Set.of()).get(0).seq()).isEqualTo(alert.seq());
        }
    }

    @Test
    void aCorruptFileIsKeptForInspectionAndAFreshStoreContinuesTheSequence() throws Exception {
        Path file = dir.resolve("o.db");
        long last;
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            for (int i = 0; i < 3000; i++) {
                outbox.submit(water(i));
            }
            last = outbox.append(water(3000)).seq();
        }
        byte[] original = Files.readAllBytes(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(0);
            raf.write("this is not a database, it was scribbled on".getBytes());
        }
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            StoreStatus status = outbox.status();
            assertThat(status.recoveredFrom()).isNotNull();
            Path kept = Path.of(status.recoveredFrom());
            assertThat(kept).exists().hasSize(original.length);
            assertThat(outbox.size()).isZero();
            assertThat(outbox.append(water(1)).seq())
                    .as("a fresh store never reuses a number the lost one may have sent").isGreaterThan(last);
        }
    }

    @Test
    void aTruncatedFileIsDetectedAtOpenAndReplacedByAFreshStore() throws Exception {
        Path file = dir.resolve("o.db");
        long last;
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            for (int i = 0; i < 3000; i++) {
                outbox.submit(water(i));
            }
            last = outbox.append(water(3000)).seq();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() / 2);
        }
        try (SqliteOutbox outbox = SqliteOutbox.open(file, CLOCK)) {
            assertThat(outbox.status().recoveredFrom()).isNotNull();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("o.db.corrupt-"));
            }
            assertThat(outbox.append(water(1)).seq()).isGreaterThan(last);
        }
    }
}
