package org.anxin.detection.component;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.ReentrantLock;
import org.anxin.detection.DetectionEngine;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.RoutineStore;
import org.anxin.detection.SqliteRoutineStore;
import org.anxin.detection.api.DetectionControl;
import org.anxin.detection.api.HomeMode;
import org.anxin.driver.api.LocalAlarm;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
import org.anxin.protocol.MetricsSource;
import org.anxin.protocol.MetricsSource.Metric;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@link ReadingSink}: every reading goes through the engine, then alerts and the
 * reading go to the outbox. Alerts are stored first, so a full store cannot lose an alarm for a
 * reading it managed to keep. A timer advances the engine every {@value #TICK_SECONDS} s so that
 * silence raises alerts too. The learned routine lives in {@code detection.db} in the data
 * directory. Also published as {@link DetectionControl}: away and visit modes, resetting the
 * routine.
 *
 * <p>A life-safety reading (call, smoke, gas, leak) never waits behind the routine rules: its
 * rule runs under its own lock, the siren is driven first, then the alert is stored, then the
 * reading. The routine rules take it when the engine is free, on this thread or on the one that
 * holds the engine. An alert the outbox refuses (a full disk) is logged and counted, never thrown:
 * the siren has sounded, and the engine's episode is open.
 *
 * <p>The engine's clock follows the readings' own timeline and lets wall time run on between them:
 * a live device's readings are stamped now, so the clock is the gateway's own (below); a replay driver plays
 * a recorded day ({@link #acceptReplayed}), and the engine judges it in that day's time instead of
 * calling it two years old. A live device's own time is not trusted that far: one more than
 * {@code deviceClockAheadMinutes} ahead of the gateway's clock or {@code deviceClockBehindHours}
 * behind it is replaced by the gateway's time, and no live reading moves the timeline ahead of the
 * wall clock.
 *
 * <p>How long a silence lasted is measured on a monotonic clock, never on the wall clock, which a
 * Pi without a real-time clock has stepped by hours when NTP arrives ({@link GatewayTime}): a live
 * reading, stamped by its driver with the wall clock, is placed on the engine's clock with the
 * wall clock's present skew, and an alert leaves stamped with the trusted wall time. The home's
 * hours are read in the configured {@code zone}.
 *
 * <p>Every {@code selfTestMinutes} a self-test ({@link #runSelfTest}) drives a synthetic call press
 * through the life-safety rule, takes the siren decision without sounding it, and stores the alert,
 * marked as a test, in the outbox; the bridge records it and never notifies it. Its result, device
 * clocks re-stamped and alerts the outbox refused are this component's part of the heartbeat's
 * health ({@link HealthSource}).
 */
@Component(configurationPid = DetectionComponent.PID, service = {ReadingSink.class, DetectionControl.class, HealthSource.class,
        MetricsSource.class},
        immediate = true)
@Designate(ocd = DetectionConfig.class)
public class DetectionComponent implements ReadingSink, DetectionControl, HealthSource, MetricsSource {

    public static final String PID = "org.anxin.detection";
    /** Framework or system property naming the gateway's data directory (as the store reads it). */
    public static final String DATA_DIR_PROPERTY = "anxin.data";
    public static final String MODEL_FILE = "detection.db";
    static final long TICK_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(DetectionComponent.class);

    private final Outbox outbox;
    private final DetectionEngine engine;
    private final Clock clock;
    private final ZoneId zone;
    /** The engine's clock: monotonic, anchored to the wall clock at start. */
    private final GatewayTime time;
    private final ScheduledExecutorService timer;
    private final Duration clockAhead;
    private final Duration clockBehind;
    /** Held while the routine rules run; the life-safety rule has its own lock, in the engine. */
    private final ReentrantLock engineLock = new ReentrantLock();
    /** Keeps the life-safety rule and the siren in one order: a clear never silences a later alarm. */
    private final Object alarmLock = new Object();
    /** Life-safety readings the routine rules have yet to see; taken by whoever holds the engine next. */
    private final Queue<Pending> forRoutine = new ConcurrentLinkedQueue<>();

    private record Pending(Reading reading, boolean replayed) {
    }

    /** Reading time minus the engine's clock ({@link #time}), the largest seen; null before the first reading. */
    private Duration timeline;
    private long tickFailures;
    private long engineFailures;
    private final AtomicLong restamped = new AtomicLong();
    private volatile String lastRestamped;
    private final AtomicLong restampLogged = new AtomicLong();
    private volatile Instant restampLogAt;
    private final AtomicLong alertStoreFailures = new AtomicLong();
    private final AtomicLongArray readingsByKind = new AtomicLongArray(ReadingKind.values().length);
    private final AtomicLongArray raisedByType = new AtomicLongArray(AlertType.values().length);
    /** A re-stamp or a refused alert is a problem in the heartbeat for this long after the last one. */
    static final Duration RECENT = Duration.ofMinutes(10);
    private final HealthSource.RecentIncrease recentRestamps = new HealthSource.RecentIncrease(RECENT);
    private final HealthSource.RecentIncrease recentAlertFailures = new HealthSource.RecentIncrease(RECENT);
    private final HealthSource.RecentIncrease recentClockJumps = new HealthSource.RecentIncrease(RECENT);
    /** The synthetic devices of the self-test, taken in turn: a call button's presses within the re-arm window are one. */
    static final String[] SELF_TEST_DEVICES = {"SELFTEST-1", "SELFTEST-2"};
    /** The first self-test after start: soon, so "online" means "would alarm" from the first minutes. */
    static final Duration FIRST_SELF_TEST = Duration.ofMinutes(1);
    private final Duration selfTestEvery;
    private long selfTests;
    private volatile GatewayHealth.SelfTest lastSelfTest;

    private volatile LocalAlarm localAlarm;

    @Activate
    public DetectionComponent(@Reference Outbox outbox, BundleContext context, Map<String, Object> properties) {
        this(outbox, lenientOptions(properties), dataDir(context).resolve(MODEL_FILE),
                Clock.systemUTC(), System::nanoTime, Duration.ofSeconds(TICK_SECONDS));
    }

    /**
     * The settings, a bad one at its default: a typo in the detection file must cost that
     * setting, never the component, or no driver could deliver a call press or a smoke alarm.
     * Each fallback is logged with the file and counted (by the drivers' lenient reader, which
     * does the reading); the file's problems stay listed in {@code status.json} by the
     * configuration validator.
     */
    static DetectionOptions lenientOptions(Map<String, Object> properties) {
        return DetectionOptions.fromPropertiesLeniently(properties).options();
    }

    /**
     * For tests: a given wall clock and monotonic source (nanoseconds), the settings' zone, and a
     * timer period (zero: no timer; call {@link #tick()}).
     */
    DetectionComponent(Outbox outbox, DetectionOptions options, Path modelFile, Clock clock, LongSupplier monotonicNanos,
            Duration tickEvery) {
        this(outbox, options, openStore(modelFile, clock), clock, monotonicNanos, options.zone(), tickEvery);
        LOG.info("detection: routine in {}, learned from {} days; the home's hours in {}", modelFile, engine.learnedDays(),
                options.zone());
    }

    /** For tests: a given clock that is the monotonic one too (it never jumps), a zone, and a timer period. */
    DetectionComponent(Outbox outbox, DetectionOptions options, Path modelFile, Clock clock, ZoneId zone, Duration tickEvery) {
        this(outbox, options, openStore(modelFile, clock), clock, GatewayTime.wallAsMonotonic(clock), zone, tickEvery);
    }

    /** For tests: a given routine store too. */
    DetectionComponent(Outbox outbox, DetectionOptions options, RoutineStore store, Clock clock, ZoneId zone, Duration tickEvery) {
        this(outbox, options, store, clock, GatewayTime.wallAsMonotonic(clock), zone, tickEvery);
    }

    private DetectionComponent(Outbox outbox, DetectionOptions options, RoutineStore store, Clock clock, LongSupplier monotonicNanos,
            ZoneId zone, Duration tickEvery) {
        this.outbox = outbox;
        this.clock = clock;
        this.zone = zone;
        this.time = new GatewayTime(clock, monotonicNanos);
        this.clockAhead = options.deviceClockAhead();
        this.clockBehind = options.deviceClockBehind();
        this.selfTestEvery = options.selfTestEvery();
        this.engine = DetectionEngine.create(options, zone, store);
        redeliverOpenAlarms();
        if (tickEvery.isZero()) {
            this.timer = null;
        } else {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "anxin-detection-clock");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::tick, tickEvery.toMillis(), tickEvery.toMillis(), TimeUnit.MILLISECONDS);
            timer.scheduleWithFixedDelay(this::selfTestQuietly, FIRST_SELF_TEST.toMillis(), selfTestEvery.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A life-safety episode open before the restart is sent again, with its own id: the engine
     * saves an episode before the outbox has its raise, and a power cut between the two must not
     * leave an alarm the bridge never heard of and the engine will not raise again. The bridge
     * takes a raise it already has as the same episode.
     */
    private void redeliverOpenAlarms() {
        for (Alert open : engine.openAlerts()) {
            if (open.type().isLifeSafety()) {
                LOG.warn("alert {} {} was open before the restart and still is: {}", open.type(), open.id(), open.reason());
                store(open);
            }
        }
    }

    /**
     * The siren. One bound while a life-safety episode is open (after a restart, or a driver that
     * started late) sounds at once: it was sounding, and nothing has cleared the alarm since.
     */
    @Reference(name = "localAlarm", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            unbind = "unsetLocalAlarm")
    void setLocalAlarm(LocalAlarm alarm) {
        synchronized (alarmLock) {
            localAlarm = alarm;
            Alert open = openLifeSafety();
            if (open != null) {
                try {
                    alarm.sound(open.reason());
                } catch (RuntimeException e) {
                    LOG.error("local alarm failed for {}: {}", open.type(), e.toString());
                }
            }
        }
    }

    void unsetLocalAlarm(LocalAlarm alarm) {
        if (localAlarm == alarm) {
            localAlarm = null;
        }
    }

    /** The first open life-safety episode's raise, or null. */
    private Alert openLifeSafety() {
        List<Alert> open = engine.openLifeSafetyAlerts();
        return open.isEmpty() ? null : open.get(0);
    }

    /**
     * The routine's file, or memory when it cannot be opened: a broken data directory must cost
     * the learned routine, never the alarms. A corrupt file is set aside by the store itself and a
     * fresh one learns afresh, so the next start does not lose the routine again.
     */
    private static RoutineStore openStore(Path modelFile, Clock clock) {
        try {
            return SqliteRoutineStore.open(modelFile, clock);
        } catch (IllegalStateException e) {
            LOG.error("detection: {}; the routine is kept in memory only until the next start", e.getMessage());
            return RoutineStore.inMemory();
        }
    }

    private static Path dataDir(BundleContext context) {
        String dir = context.getProperty(DATA_DIR_PROPERTY);
        return Path.of(dir == null ? "data" : dir);
    }

    @Deactivate
    void close() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
        engineLock.lock();
        try {
            engine.setWallOffset(time.trustedSkew());
            engine.close();
        } finally {
            engineLock.unlock();
        }
    }

    @Override
    public void accept(Reading reading) {
        accept(reading, false);
    }

    /** The home's zone (the {@code zone} setting): a replay that names none places its local times in it. */
    @Override
    public ZoneId zone() {
        return zone;
    }

    /** A replayed reading keeps its recorded time, and the engine judges it on the replay's timeline. */
    @Override
    public void acceptReplayed(Reading reading) {
        accept(reading, true);
    }

    private void accept(Reading received, boolean replayed) {
        readingsByKind.incrementAndGet(received.kind().ordinal());
        Reading reading = replayed ? received : trusted(received);
        Reading judged = replayed ? reading : onEngineClock(reading);
        if (DetectionEngine.isLifeSafety(reading.kind())) {
            List<Alert> alerts;
            synchronized (alarmLock) {
                alerts = engine.onImmediate(judged, this::soundOrSilence);
            }
            alerts.forEach(this::log);
            alerts.forEach(this::store);
            forRoutine.add(new Pending(judged, replayed));
            try {
                outbox.append(reading);
            } finally {
                routineWhenFree();
            }
            return;
        }
        List<Alert> alerts = List.of();
        engineLock.lock();
        try {
            alerts = routine(judged, replayed);
            alerts = withPending(alerts);
        } finally {
            engineLock.unlock();
        }
        try {
            deliver(alerts);
            outbox.append(reading);
        } finally {
            routineWhenFree();
        }
    }

    /**
     * The reading as the engine may take it: a device's time far from the gateway's clock (a
     * clock never set, a battery swapped, a forged time) is replaced by the gateway's. Trusted, it
     * would move the engine's clock years ahead, or swallow a call press as a repeat of one "later".
     */
    private Reading trusted(Reading reading) {
        Instant wall = clock.instant();
        Duration off = Duration.between(wall, reading.time());
        if (off.compareTo(clockAhead) <= 0 && off.negated().compareTo(clockBehind) <= 0) {
            return reading;
        }
        long n = restamped.incrementAndGet();
        lastRestamped = reading.device() + " at " + reading.time();
        Instant logged = restampLogAt;
        // one line a minute at most: a device with a wrong clock sends every reading with it
        if (logged == null || !wall.isBefore(logged.plus(RESTAMP_LOG_EVERY))) {
            restampLogAt = wall;
            long since = n - restampLogged.getAndSet(n);
            LOG.warn("reading from {} stamped {}, {} the gateway's clock ({}): taken at the gateway's time ({} so, {} since the last line)",
                    reading.device(), reading.time(), off.isNegative() ? "too far behind" : "too far ahead", wall, n, since);
        }
        return new Reading(reading.device(), reading.kind(), reading.value(), wall);
    }

    private static final Duration RESTAMP_LOG_EVERY = Duration.ofMinutes(1);

    /**
     * A live reading on the engine's clock: its driver stamped it with the wall clock, which may
     * have jumped since the engine's clock was anchored; the outbox keeps the reading as stamped.
     */
    private Reading onEngineClock(Reading reading) {
        Instant at = time.fromWall(reading.time());
        return at.equals(reading.time()) ? reading : new Reading(reading.device(), reading.kind(), reading.value(), at);
    }

    /** The routine rules over one reading; the caller holds the engine. */
    private List<Alert> routine(Reading reading, boolean replayed) {
        Duration ahead = Duration.between(time.now(), reading.time());
        if (!replayed && ahead.compareTo(Duration.ZERO) > 0) {
            // a device's clock a few minutes fast must not put the whole home's clock ahead for good
            ahead = Duration.ZERO;
        }
        if (timeline == null || ahead.compareTo(timeline) > 0) {
            timeline = ahead;
        }
        try {
            return engine.onRoutineReading(reading);
        } catch (RuntimeException e) {
            // a fault in a rule must not cost the reading its place in the outbox
            engineFailures++;
            LOG.error("detection failed on a reading from {} ({} so far): {}", reading.device(), engineFailures, e.toString());
            return List.of();
        }
    }

    /** Adds what the waiting life-safety readings give the routine rules; the caller holds the engine. */
    private List<Alert> withPending(List<Alert> alerts) {
        Pending waiting = forRoutine.poll();
        if (waiting == null) {
            return alerts;
        }
        List<Alert> all = new ArrayList<>(alerts);
        for (; waiting != null; waiting = forRoutine.poll()) {
            all.addAll(routine(waiting.reading(), waiting.replayed()));
        }
        return all;
    }

    /**
     * Gives the routine rules the life-safety readings left for them, if nobody holds the engine.
     * Every holder calls it after letting go, so none is left behind: a reading queued while the
     * holder was finishing is taken by the holder here, or by its own thread once the holder let go.
     */
    private void routineWhenFree() {
        while (!forRoutine.isEmpty() && engineLock.tryLock()) {
            List<Alert> alerts;
            try {
                alerts = withPending(List.of());
            } finally {
                engineLock.unlock();
            }
            deliver(alerts);
        }
    }

    /** Advances the engine to now on the readings' timeline; the timer calls it. */
    void tick() {
        try {
            List<Alert> alerts = new ArrayList<>();
            // every tick compares the wall clock with the monotonic one, so a jump settles with no reading coming
            time.observe();
            engineLock.lock();
            try {
                engine.setWallOffset(time.trustedSkew());
                alerts.addAll(withPending(List.of()));
                // before anything is read, now or before a restart, there is no clock to judge silence by
                if (timeline != null || engine.hasHistory()) {
                    alerts.addAll(engine.advanceTo(now()));
                }
            } finally {
                engineLock.unlock();
            }
            deliver(alerts);
            routineWhenFree();
        } catch (RuntimeException e) {
            // the timer must survive whatever one tick meets, or silence would never be noticed again
            tickFailures++;
            LOG.error("detection tick failed ({} so far): {}", tickFailures, e.toString());
        }
    }

    private Instant now() {
        Instant monotonic = time.now();
        return timeline == null ? monotonic : monotonic.plus(timeline);
    }

    /** The routine rules' alerts: none is life-safety, but a clear may be, from a replay's engine. */
    private void deliver(List<Alert> alerts) {
        for (Alert alert : alerts) {
            if (alert.type().isLifeSafety()) {
                synchronized (alarmLock) {
                    soundOrSilence(alert);
                }
            }
            log(alert);
            store(alert);
        }
    }

    private void log(Alert alert) {
        LOG.warn("alert {} {} ({}): {}", alert.type(), alert.state().wireName(), alert.severity().wireName(), alert.reason());
    }

    /**
     * Stores an alert; a refusal is logged and counted, not thrown: the siren has sounded already,
     * and the reading that raised it must still be offered to the outbox.
     */
    private void store(Alert alert) {
        if (alert.state() == AlertState.RAISED) {
            raisedByType.incrementAndGet(alert.type().ordinal());
        }
        try {
            outbox.append(onWall(alert));
        } catch (RuntimeException e) {
            long n = alertStoreFailures.incrementAndGet();
            LOG.error("alert {} {} could not be stored ({} so far): {}", alert.type(), alert.id(), n, e.toString());
        }
    }

    /** The alert stamped with the trusted wall time instead of the engine's clock; its id stays. */
    private Alert onWall(Alert alert) {
        Instant wall = time.toWall(alert.time());
        return wall.equals(alert.time()) ? alert : new Alert(alert.id(), alert.type(), alert.state(), alert.severity(),
                alert.device(), wall, alert.reason(), alert.test());
    }

    /** Drives the siren for a life-safety alert; the caller holds {@link #alarmLock}. */
    private void soundOrSilence(Alert alert) {
        LocalAlarm alarm = localAlarm;
        if (alarm == null || !alert.type().isLifeSafety()) {
            return;
        }
        try {
            if (alert.state() == AlertState.RAISED) {
                alarm.sound(alert.reason());
            } else if (openLifeSafety() == null) {
                // a fire cleared while the gas detector is still in alarm: keep sounding
                alarm.silence();
            }
        } catch (RuntimeException e) {
            LOG.error("local alarm failed for {}: {}", alert.type(), e.toString());
        }
    }

    private void selfTestQuietly() {
        try {
            runSelfTest();
        } catch (RuntimeException e) {
            // the timer must survive, or the self-tests would stop and the bridge call the gateway degraded
            LOG.error("self-test failed to run: {}", e.toString());
        }
    }

    /**
     * One self-test: a synthetic call press from a {@code SELFTEST-} device through the real
     * life-safety rule (the one every driver's call press takes), the siren decision taken and
     * checked but not carried out, and the alert stored in the outbox as a test
     * ({@link Alert#asSelfTest}), which is the only place a test mark is set. The press is not
     * given to the routine rules (it is no sign of life) nor stored as a reading.
     */
    GatewayHealth.SelfTest runSelfTest() {
        // pressed on the engine's clock: a wall clock stepped back must not make it a repeat of the last one
        Instant pressed = time.now();
        Instant now = time.toWall(pressed);
        String device = SELF_TEST_DEVICES[(int) (selfTests++ % SELF_TEST_DEVICES.length)];
        Reading press = new Reading(device, ReadingKind.CALL, "pressed", pressed);
        boolean[] wouldSound = {false};
        List<Alert> alerts;
        String siren;
        GatewayHealth.SelfTest result;
        try {
            synchronized (alarmLock) {
                alerts = engine.onImmediate(press, alert -> wouldSound[0] |= alert.state() == AlertState.RAISED
                        && alert.type().isLifeSafety());
                siren = sirenState();
            }
            Alert call = alerts.stream().filter(a -> a.state() == AlertState.RAISED).findFirst().orElse(null);
            if (call == null) {
                result = new GatewayHealth.SelfTest(now, false, "the life-safety rule raised nothing for a call press from "
                        + device, selfTestEvery.toMinutes());
            } else if (!wouldSound[0]) {
                result = new GatewayHealth.SelfTest(now, false, "the siren decision for " + call.type() + " was not to sound",
                        selfTestEvery.toMinutes());
            } else {
                long seq = outbox.append(onWall(call.asSelfTest())).seq();
                result = new GatewayHealth.SelfTest(now, true, call.type() + " raised for " + device + ", the siren would sound ("
                        + siren + ", not driven), stored as seq " + seq, selfTestEvery.toMinutes());
            }
        } catch (RuntimeException e) {
            result = new GatewayHealth.SelfTest(now, false, "the self-test's alert was not stored: " + e.getMessage(),
                    selfTestEvery.toMinutes());
        }
        lastSelfTest = result;
        if (result.ok()) {
            LOG.info("self-test passed: {}", result.detail());
        } else {
            LOG.error("self-test FAILED: {}", result.detail());
        }
        return result;
    }

    private String sirenState() {
        LocalAlarm alarm = localAlarm;
        if (alarm == null) {
            return "no siren bound";
        }
        try {
            return "siren " + alarm.state().name().toLowerCase(java.util.Locale.ROOT);
        } catch (RuntimeException e) {
            return "siren unreadable";
        }
    }

    @Override
    public List<GatewayHealth.Problem> problems() {
        Instant now = time.now();
        List<GatewayHealth.Problem> problems = new ArrayList<>();
        if (recentRestamps.rose(readingsRestamped(), now)) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.DEVICE_CLOCK_REFUSED, lastRestamped(),
                    readingsRestamped() + " readings stamped too far from the gateway's clock since start were taken at"
                            + " the gateway's time; the last within " + RECENT.toMinutes() + " min"));
        }
        if (recentClockJumps.rose(clockJumps(), now) || !time.trusted()) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.GATEWAY_CLOCK_JUMPED, time.lastJump(),
                    clockJumps() + " jumps of the wall clock since start; silence is timed on the monotonic clock"
                            + (time.trusted() ? ", and the wall clock is trusted again"
                            : "; alerts keep the last trusted wall time until the new one holds for " + GatewayTime.SETTLE.toMinutes() + " min")));
        }
        if (recentAlertFailures.rose(alertStoreFailures(), now)) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.ALERT_NOT_STORED, "detection",
                    alertStoreFailures() + " alerts the outbox refused since start (the siren was driven first);"
                            + " the last within " + RECENT.toMinutes() + " min"));
        }
        return problems;
    }

    @Override
    public GatewayHealth.SelfTest selfTest() {
        return lastSelfTest;
    }

    @Override
    public void setMode(HomeMode mode, Instant until) {
        engineLock.lock();
        try {
            // the end is a wall time (the bridge's); the engine's clock may be off it by a jump
            engine.setMode(mode, time.fromWall(until));
        } finally {
            engineLock.unlock();
        }
        LOG.info("detection: {} mode until {}", mode, until);
    }

    @Override
    public void clearMode() {
        engineLock.lock();
        try {
            engine.clearMode();
        } finally {
            engineLock.unlock();
        }
        LOG.info("detection: mode cleared");
    }

    @Override
    public void resetLearning() {
        engineLock.lock();
        try {
            engine.resetLearning();
        } finally {
            engineLock.unlock();
        }
        LOG.info("detection: learned routine reset");
    }

    @Override
    public int learnedDays() {
        engineLock.lock();
        try {
            return engine.learnedDays();
        } finally {
            engineLock.unlock();
        }
    }

    /** Ticks that failed; each was logged. */
    long tickFailures() {
        return tickFailures;
    }

    /** Readings the engine failed on; each was logged and still stored. */
    long engineFailures() {
        return engineFailures;
    }

    /** Routine-store writes that failed (a full disk); the engine kept going on its memory. */
    long storeFailures() {
        engineLock.lock();
        try {
            return engine.storeFailures();
        } finally {
            engineLock.unlock();
        }
    }

    /** Readings whose device time was replaced by the gateway's (too far ahead or behind); each is logged, one line a minute. */
    public long readingsRestamped() {
        return restamped.get();
    }

    /** The last reading re-stamped: its device and the time it came with; null when none was. */
    public String lastRestamped() {
        return lastRestamped;
    }

    /** Detection's part of the metrics file (docs/metrics.md): readings by kind, alerts raised by type, re-stamps. */
    @Override
    public List<Metric> metrics() {
        List<Metric> metrics = new ArrayList<>();
        for (ReadingKind kind : ReadingKind.values()) {
            metrics.add(Metric.counter("anxin_gateway_readings_total", "readings from devices, by kind",
                    Map.of("kind", kind.wireName()), readingsByKind.get(kind.ordinal())));
        }
        for (AlertType type : AlertType.values()) {
            metrics.add(Metric.counter("anxin_gateway_alerts_raised_total", "alerts raised by detection, by type",
                    Map.of("type", type.name()), raisedByType.get(type.ordinal())));
        }
        metrics.add(Metric.counter("anxin_gateway_readings_restamped_total",
                "readings whose device time was replaced by the gateway's", readingsRestamped()));
        metrics.add(Metric.counter("anxin_gateway_clock_jumps_total",
                "jumps of the wall clock against the monotonic clock detection times silence on", clockJumps()));
        metrics.add(Metric.counter("anxin_gateway_alert_store_failures_total",
                "alerts the outbox refused (the siren was driven before)", alertStoreFailures()));
        return metrics;
    }

    /** Jumps of the wall clock (NTP arriving late, a clock set by hand) seen since start; each was logged. */
    public long clockJumps() {
        return time.jumps();
    }

    /** Alerts the outbox refused (a full disk); each was logged, the siren driven before. */
    public long alertStoreFailures() {
        return alertStoreFailures.get();
    }
}
