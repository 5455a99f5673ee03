package org.anxin.detection.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.api.HomeMode;
import org.anxin.driver.api.LocalAlarm;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionComponentTest {

    @TempDir
    Path dir;

    /** What the component appended to the outbox, in order. */
    private final RecordingOutbox recording = new RecordingOutbox();
    private final List<Body> appended = recording.appended;
    private final Outbox outbox = recording.outbox;

    /** A wall clock the test moves. */
    private List<Alert> alerts() {
        return appended.stream().filter(Alert.class::isInstance).map(Alert.class::cast).toList();
    }

    @Test
    void theTimerRaisesAlertsForSilenceAndStoresThemInTheOutbox() throws Exception {
        Instant start = Instant.parse("2026-11-23T08:00:00Z");
        MovableClock clock = new MovableClock(start);
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS,
                dir.resolve("detection.db"), clock, ZoneOffset.UTC, Duration.ofMillis(20));
        try {
            component.accept(new Reading("hall", ReadingKind.MOTION, "on", start));
            assertThat(appended).hasSize(1);
            clock.now = start.plus(Duration.ofHours(12)).plusSeconds(90);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (alerts().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(alerts()).extracting(Alert::type).contains(AlertType.NO_ACTIVITY);
        } finally {
            component.close();
        }
    }

    @Test
    void aReplayedPastDayIsJudgedInItsOwnTimeNotAsYearsOfSilence() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-23T08:00:00Z"));
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS,
                dir.resolve("detection.db"), clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            Instant past = Instant.parse("2024-03-04T06:30:00Z");
            component.acceptReplayed(new Reading("bed", ReadingKind.PRESENCE, "off", past));
            clock.now = clock.now.plusSeconds(60);
            component.tick();
            component.acceptReplayed(new Reading("tap", ReadingKind.WATER, "2", past.plusSeconds(600)));
            component.tick();
            assertThat(alerts()).isEmpty();
            assertThat(appended).extracting(b -> ((Reading) b).time()).containsExactly(past, past.plusSeconds(600));
            assertThat(component.readingsRestamped()).isZero();

            // and the replay's own silence still raises, in the replay's time
            clock.now = clock.now.plus(Duration.ofHours(13));
            component.tick();
            assertThat(alerts()).extracting(Alert::type).contains(AlertType.NO_ACTIVITY);
            assertThat(alerts()).allSatisfy(a -> assertThat(a.time()).isBefore(past.plus(Duration.ofDays(1))));
        } finally {
            component.close();
        }
    }

    @Test
    void modesAndResetAreServedAndTheRoutineIsKeptInTheDataDirectory() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-23T08:00:00Z"));
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS,
                dir.resolve("detection.db"), clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            component.accept(new Reading("hall", ReadingKind.MOTION, "on", clock.now));
            component.setMode(HomeMode.AWAY, clock.now.plus(Duration.ofDays(2)));
            clock.now = clock.now.plus(Duration.ofDays(1));
            component.tick();
            assertThat(alerts()).isEmpty();
            component.clearMode();
            component.resetLearning();
            assertThat(component.learnedDays()).isZero();
            assertThat(component.tickFailures()).isZero();
            assertThat(component.storeFailures()).isZero();
        } finally {
            component.close();
        }
        assertThat(dir.resolve("detection.db")).exists();
    }

    @Test
    void afterARestartTheTimerJudgesSilenceFromWhatWasStored() throws Exception {
        Instant start = Instant.parse("2026-11-23T08:00:00Z");
        MovableClock clock = new MovableClock(start);
        Path model = dir.resolve("detection.db");
        DetectionComponent before = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        before.accept(new Reading("hall", ReadingKind.MOTION, "on", start));
        before.close();

        DetectionComponent after = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            clock.now = start.plus(Duration.ofHours(11));
            after.tick();
            assertThat(alerts()).isEmpty();
            clock.now = start.plus(Duration.ofHours(13));
            after.tick();
            assertThat(alerts()).extracting(Alert::type).as("one silence, said once").containsExactly(AlertType.NO_ACTIVITY);
            assertThat(alerts()).filteredOn(a -> a.type() == AlertType.NO_ACTIVITY).singleElement()
                    .satisfies(a -> assertThat(a.reason()).contains("last: hall at 08:00"));
        } finally {
            after.close();
        }
    }

    @Test
    void aCorruptRoutineFileIsSetAsideAndDetectionStartsAndLearnsAfreshIntoANewFile() throws Exception {
        Instant start = Instant.parse("2026-11-23T08:00:00Z");
        MovableClock clock = new MovableClock(start);
        Path model = dir.resolve("detection.db");
        DetectionComponent first = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        first.accept(new Reading("kitchen", ReadingKind.MOTION, "on", start));
        first.close();
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(model.toFile(), "rw")) {
            raf.write("this is not a database, it was scribbled on".getBytes());
        }
        byte[] scribbled = java.nio.file.Files.readAllBytes(model);

        clock.now = start.plus(Duration.ofHours(1));
        DetectionComponent rescued = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            assertThat(dir.resolve("detection.db.corrupt-20261123T090000Z")).as("kept for inspection").hasBinaryContent(scribbled);
            assertThat(rescued.learnedDays()).isZero();
            rescued.accept(new Reading("call", ReadingKind.CALL, "pressed", clock.now));
            assertThat(alerts()).extracting(Alert::type).containsExactly(AlertType.EMERGENCY_CALL);
            rescued.accept(new Reading("hall", ReadingKind.MOTION, "on", clock.now));
        } finally {
            rescued.close();
        }

        // what was learned after the rescue is in the fresh file and survives a restart
        DetectionComponent after = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            clock.now = start.plus(Duration.ofHours(12));
            after.tick();
            assertThat(alerts()).filteredOn(a -> a.type() == AlertType.NO_ACTIVITY).isEmpty();
            clock.now = start.plus(Duration.ofHours(14));
            after.tick();
            assertThat(alerts()).filteredOn(a -> a.type() == AlertType.NO_ACTIVITY).singleElement()
                    .satisfies(a -> assertThat(a.reason()).contains("last: hall at 09:00"));
        } finally {
            after.close();
        }
    }

    @Test
    void anUnusableDataDirectoryCostsTheRoutineNotTheAlarms() throws Exception {
        Path notADirectory = java.nio.file.Files.writeString(dir.resolve("data"), "a file where the data directory should be");
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS,
                notADirectory.resolve("detection.db"), Clock.systemUTC(), ZoneOffset.UTC, Duration.ZERO);
        try {
            component.accept(new Reading("call", ReadingKind.CALL, "pressed", Instant.now()));
            assertThat(alerts()).extracting(Alert::type).containsExactly(AlertType.EMERGENCY_CALL);
        } finally {
            component.close();
        }
    }

    /** A siren that records what it was told. */
    private static final class RecordingAlarm implements LocalAlarm {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void sound(String reason) {
            calls.add("sound");
        }

        @Override
        public void silence() {
            calls.add("silence");
        }

        @Override
        public void test(Duration length) {
            calls.add("test");
        }
    }

    @Test
    void aFireOpenAtARestartSoundsTheSirenAgainAndTheDetectorsClearEndsItWithItsOwnId() throws Exception {
        Instant t = Instant.parse("2026-11-23T11:45:00Z");
        MovableClock clock = new MovableClock(t);
        Path model = dir.resolve("detection.db");
        RecordingAlarm siren = new RecordingAlarm();
        DetectionComponent before = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        before.setLocalAlarm(siren);
        before.accept(new Reading("kitchen-smoke", ReadingKind.SMOKE, "alarm", t));
        assertThat(siren.calls).containsExactly("sound");
        Alert raised = alerts().get(0);
        // no close: a power cut

        appended.clear();
        RecordingAlarm sirenAfter = new RecordingAlarm();
        DetectionComponent after = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            assertThat(alerts()).as("sent again with its own id, in case the outbox never had it").containsExactly(raised);
            after.setLocalAlarm(sirenAfter);
            assertThat(sirenAfter.calls).as("it was sounding before the restart").containsExactly("sound");

            clock.now = t.plusSeconds(300);
            after.accept(new Reading("kitchen-smoke", ReadingKind.SMOKE, "alarm", clock.now));
            assertThat(alerts()).as("still the same fire").containsExactly(raised);

            clock.now = t.plusSeconds(780);
            after.accept(new Reading("kitchen-smoke", ReadingKind.SMOKE, "clear", clock.now));
            assertThat(alerts()).hasSize(2);
            Alert cleared = alerts().get(1);
            assertThat(cleared.state()).isEqualTo(org.anxin.protocol.AlertState.CLEARED);
            assertThat(cleared.id()).isEqualTo(raised.id());
            assertThat(sirenAfter.calls).containsExactly("sound", "silence");
        } finally {
            after.close();
        }

        RecordingAlarm sirenLater = new RecordingAlarm();
        appended.clear();
        DetectionComponent later = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, model, clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            later.setLocalAlarm(sirenLater);
            assertThat(sirenLater.calls).as("nothing open any more").isEmpty();
            assertThat(alerts()).isEmpty();
        } finally {
            later.close();
        }
    }

    @Test
    void aClearedFireDoesNotSilenceTheSirenWhileTheGasDetectorIsStillInAlarm() throws Exception {
        Instant t = Instant.parse("2026-11-23T11:45:00Z");
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, dir.resolve("detection.db"),
                new MovableClock(t), ZoneOffset.UTC, Duration.ZERO);
        RecordingAlarm siren = new RecordingAlarm();
        component.setLocalAlarm(siren);
        try {
            component.accept(new Reading("kitchen-smoke", ReadingKind.SMOKE, "alarm", t));
            component.accept(new Reading("kitchen-gas", ReadingKind.GAS, "alarm", t.plusSeconds(10)));
            component.accept(new Reading("kitchen-smoke", ReadingKind.SMOKE, "clear", t.plusSeconds(60)));
            assertThat(siren.calls).containsExactly("sound", "sound");
            component.accept(new Reading("kitchen-gas", ReadingKind.GAS, "clear", t.plusSeconds(120)));
            assertThat(siren.calls).containsExactly("sound", "sound", "silence");
        } finally {
            component.close();
        }
    }

    @Test
    void aReadingFromTheYear9999IsTakenAtTheGatewaysTimeAndTheEngineClockStaysAtNow() throws Exception {
        Instant now = Instant.parse("2026-11-23T08:00:00Z");
        MovableClock clock = new MovableClock(now);
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, dir.resolve("detection.db"),
                clock, ZoneOffset.UTC, Duration.ZERO);
        try {
            component.accept(new Reading("meter", ReadingKind.WATER, "2", Instant.parse("9999-12-31T23:59:59Z")));
            component.accept(new Reading("hall", ReadingKind.MOTION, "on", Instant.parse("1970-01-01T00:00:00Z")));
            assertThat(appended).extracting(b -> ((Reading) b).time()).containsExactly(now, now);
            assertThat(component.readingsRestamped()).isEqualTo(2);
            assertThat(component.lastRestamped()).isEqualTo("hall at 1970-01-01T00:00:00Z");

            // the engine judges silence from now, not from year 9999
            clock.now = now.plus(Duration.ofHours(13));
            component.tick();
            assertThat(alerts()).extracting(Alert::type).contains(AlertType.NO_ACTIVITY);
            assertThat(alerts()).allSatisfy(a -> assertThat(a.time()).isBefore(now.plus(Duration.ofDays(1))));

            // a clock a few minutes off is a clock, and kept
            Instant slightlyFast = clock.now.plusSeconds(300);
            component.accept(new Reading("hall", ReadingKind.MOTION, "on", slightlyFast));
            assertThat(((Reading) appended.get(appended.size() - 1)).time()).isEqualTo(slightlyFast);
            assertThat(component.readingsRestamped()).isEqualTo(2);
        } finally {
            component.close();
        }
    }

    @Test
    void theSirenSoundsAndAcceptReturnsWhenTheOutboxRefusesTheAlert() throws Exception {
        Outbox full = (Outbox) Proxy.newProxyInstance(Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("append") && args[0] instanceof Alert) {
                        throw new org.anxin.store.StoreException("disk full", null);
                    }
                    if (method.getName().equals("append")) {
                        appended.add((Body) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        Instant t = Instant.parse("2026-11-23T11:45:00Z");
        DetectionComponent component = new DetectionComponent(full, DetectionOptions.DEFAULTS, dir.resolve("detection.db"),
                new MovableClock(t), ZoneOffset.UTC, Duration.ZERO);
        RecordingAlarm siren = new RecordingAlarm();
        component.setLocalAlarm(siren);
        try {
            component.accept(new Reading("call-1", ReadingKind.CALL, "pressed", t));
            assertThat(siren.calls).containsExactly("sound");
            assertThat(component.alertStoreFailures()).isEqualTo(1);
            assertThat(appended).singleElement().isInstanceOf(Reading.class);
        } finally {
            component.close();
        }
    }

    /** A routine store whose state writes wait, once armed, until the test lets them go. */
    private static final class StallingStore implements org.anxin.detection.RoutineStore {
        private final org.anxin.detection.RoutineStore memory = org.anxin.detection.RoutineStore.inMemory();
        volatile boolean armed;
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Override
        public java.util.SortedMap<java.time.LocalDate, short[]> loadDays(String signal) {
            return memory.loadDays(signal);
        }

        @Override
        public void saveDay(String signal, java.time.LocalDate day, short[] slots) {
        }

        @Override
        public void deleteDaysBefore(String signal, java.time.LocalDate day) {
        }

        @Override
        public java.util.Map<String, String> loadState() {
            return java.util.Map.of();
        }

        @Override
        public void saveState(java.util.Map<String, String> state) {
            if (armed) {
                armed = false;
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void clear() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aCallPressSoundsTheSirenAndIsStoredWhileAnotherDriverHoldsTheRoutineRules() throws Exception {
        Instant t = Instant.parse("2026-11-23T08:00:00Z");
        MovableClock clock = new MovableClock(t);
        StallingStore store = new StallingStore();
        DetectionComponent component = new DetectionComponent(outbox, DetectionOptions.DEFAULTS, store, clock, ZoneOffset.UTC, Duration.ZERO);
        RecordingAlarm siren = new RecordingAlarm();
        component.setLocalAlarm(siren);
        try {
            component.accept(new Reading("hall", ReadingKind.MOTION, "on", t));
            clock.now = t.plus(Duration.ofMinutes(45));
            store.armed = true;
            // thread A: a reading whose engine work reaches the half hour's routine write, and stalls there
            Thread a = new Thread(() -> component.accept(new Reading("kitchen", ReadingKind.MOTION, "on", clock.now)));
            a.start();
            store.entered.await();
            assertThat(a.getState()).isNotEqualTo(Thread.State.TERMINATED);

            java.util.concurrent.CompletableFuture<Void> call = java.util.concurrent.CompletableFuture.runAsync(
                    () -> component.accept(new Reading("call-1", ReadingKind.CALL, "pressed", clock.now)));
            call.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(siren.calls).containsExactly("sound");
            assertThat(alerts()).extracting(Alert::type).containsExactly(AlertType.EMERGENCY_CALL);
            assertThat(a.getState()).as("A still holds the routine rules").isNotEqualTo(Thread.State.TERMINATED);

            store.release.countDown();
            a.join();
            assertThat(appended).filteredOn(Reading.class::isInstance).extracting(b -> ((Reading) b).device())
                    .containsExactlyInAnyOrder("hall", "kitchen", "call-1");
        } finally {
            store.release.countDown();
            component.close();
        }
    }
}
