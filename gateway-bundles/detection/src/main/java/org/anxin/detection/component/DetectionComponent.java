package org.anxin.detection.component;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.detection.DetectionControl;
import org.anxin.detection.DetectionEngine;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.HomeMode;
import org.anxin.detection.RoutineStore;
import org.anxin.detection.SqliteRoutineStore;
import org.anxin.driver.api.LocalAlarm;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.Reading;
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
 * <p>The engine's clock follows the readings' own timeline and lets wall time run on between them:
 * a live device's readings are stamped now, so the clock is the wall clock; a replay driver plays
 * a recorded day, and the engine judges it in that day's time instead of calling it two years old.
 */
@Component(configurationPid = DetectionComponent.PID, service = {ReadingSink.class, DetectionControl.class}, immediate = true)
@Designate(ocd = DetectionConfig.class)
public class DetectionComponent implements ReadingSink, DetectionControl {

    public static final String PID = "org.anxin.detection";
    /** Framework or system property naming the gateway's data directory (as the store reads it). */
    public static final String DATA_DIR_PROPERTY = "anxin.data";
    public static final String MODEL_FILE = "detection.db";
    static final long TICK_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(DetectionComponent.class);

    private final Outbox outbox;
    private final DetectionEngine engine;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** Reading time minus wall time, the largest seen; null before the first reading. */
    private Duration timeline;
    private long tickFailures;
    private long engineFailures;

    private volatile LocalAlarm localAlarm;

    @Activate
    public DetectionComponent(@Reference Outbox outbox, BundleContext context, Map<String, Object> properties) {
        this(outbox, DetectionOptions.fromProperties(properties), dataDir(context).resolve(MODEL_FILE),
                Clock.systemUTC(), ZoneId.systemDefault(), Duration.ofSeconds(TICK_SECONDS));
    }

    /** For tests: a given clock, and a timer period (zero: no timer; call {@link #tick()}). */
    DetectionComponent(Outbox outbox, DetectionOptions options, Path modelFile, Clock clock, ZoneId zone, Duration tickEvery) {
        this.outbox = outbox;
        this.clock = clock;
        this.engine = DetectionEngine.create(options, zone, openStore(modelFile));
        LOG.info("detection: routine in {}, learned from {} days", modelFile, engine.learnedDays());
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
                outbox.append(open);
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

    void unsetLocalAlarm(LocalAlarm alarm) {
        if (localAlarm == alarm) {
            localAlarm = null;
        }
    }

    /** The first open life-safety episode's raise, or null. */
    private Alert openLifeSafety() {
        List<Alert> open;
        synchronized (engine) {
            open = engine.openAlerts();
        }
        return open.isEmpty() || !open.get(0).type().isLifeSafety() ? null : open.get(0);
    }

    /**
     * The routine's file, or memory when it cannot be opened: a broken data directory must cost
     * the learned routine, never the alarms.
     */
    private static RoutineStore openStore(Path modelFile) {
        try {
            return SqliteRoutineStore.open(modelFile);
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
        synchronized (engine) {
            engine.close();
        }
    }

    @Override
    public void accept(Reading reading) {
        List<Alert> alerts = List.of();
        synchronized (engine) {
            Duration ahead = Duration.between(clock.instant(), reading.time());
            if (timeline == null || ahead.compareTo(timeline) > 0) {
                timeline = ahead;
            }
            try {
                alerts = engine.onReading(reading);
            } catch (RuntimeException e) {
                // a fault in a rule must not cost the reading its place in the outbox
                engineFailures++;
                LOG.error("detection failed on a reading from {} ({} so far): {}", reading.device(), engineFailures, e.toString());
            }
        }
        deliver(alerts);
        outbox.append(reading);
    }

    /** Advances the engine to now on the readings' timeline; the timer calls it. */
    void tick() {
        try {
            List<Alert> alerts;
            synchronized (engine) {
                if (timeline == null && !engine.hasHistory()) {
                    // nothing read yet, now or before a restart: no clock to judge silence by
                    return;
                }
                alerts = engine.advanceTo(now());
            }
            deliver(alerts);
        } catch (RuntimeException e) {
            // the timer must survive whatever one tick meets, or silence would never be noticed again
            tickFailures++;
            LOG.error("detection tick failed ({} so far): {}", tickFailures, e.toString());
        }
    }

    private Instant now() {
        Instant wall = clock.instant();
        return timeline == null ? wall : wall.plus(timeline);
    }

    private void deliver(List<Alert> alerts) {
        for (Alert alert : alerts) {
            outbox.append(alert);
            LOG.warn("alert {} {} ({}): {}", alert.type(), alert.state().wireName(), alert.severity().wireName(), alert.reason());
            soundOrSilence(alert);
        }
    }

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

    @Override
    public void setMode(HomeMode mode, Instant until) {
        synchronized (engine) {
            engine.setMode(mode, until);
        }
        LOG.info("detection: {} mode until {}", mode, until);
    }

    @Override
    public void clearMode() {
        synchronized (engine) {
            engine.clearMode();
        }
        LOG.info("detection: mode cleared");
    }

    @Override
    public void resetLearning() {
        synchronized (engine) {
            engine.resetLearning();
        }
        LOG.info("detection: learned routine reset");
    }

    @Override
    public int learnedDays() {
        synchronized (engine) {
            return engine.learnedDays();
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
        synchronized (engine) {
            return engine.storeFailures();
        }
    }
}
