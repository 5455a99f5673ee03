package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.anxin.detection.api.HomeMode;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * Runs every rule over each reading, and over time: {@link #advanceTo} moves the engine's clock
 * minute by minute so that silence raises alerts too. The gateway calls it from a timer with the
 * wall clock; {@code ./anxin replay} with a virtual clock, as fast as it goes.
 *
 * <p>One caller at a time feeds it, except for the life-safety path: {@link #onImmediate} and
 * {@link #openLifeSafetyAlerts} may be called from any thread at any time, while another thread is
 * inside the routine rules, so that a call press never waits for them. The routine store is used
 * by both, one write at a time.
 */
public final class DetectionEngine implements AutoCloseable {

    private static final Duration TICK = Duration.ofMinutes(1);
    private static final int SLOT_MINUTES = 30;
    /**
     * The shortest gap fast-forwarded (see {@link #advanceTo}): longer than any rule's threshold at
     * the defaults, and longer than the 48 h past the last reading that replays and the benchmark
     * run the clock on, so their ticks are the same minute by minute.
     */
    static final Duration MIN_FAST_FORWARD = Duration.ofHours(72);

    private final List<Rule> rules;
    private final HomeState home;
    private final Routine routine;
    private final RoutineStore store;
    /** The life-safety rule, run under its own lock; null in an engine of given rules. */
    private final ImmediateAlarmRule immediate;
    private final Duration fastForwardAfter;
    /** The routine rules' open episodes as last saved, for the life-safety path to save beside its own. */
    private volatile List<Episode> routineOpen = List.of();
    private long fastForwards;
    private Instant now;
    private volatile Duration wallOffset = Duration.ZERO;
    private InactivityRule waterRule;
    private InactivityRule activityRule;
    private CheckInRule checkIn;
    private HealthRule health;

    /** An engine of just these rules, with no routine: for tests of a rule. */
    public DetectionEngine(List<Rule> rules) {
        this(rules, null, null, new GuardedStore(RoutineStore.inMemory()), null, MIN_FAST_FORWARD);
    }

    private DetectionEngine(List<Rule> rules, HomeState home, Routine routine, RoutineStore store,
            ImmediateAlarmRule immediate, Duration fastForwardAfter) {
        this.rules = List.copyOf(rules);
        this.home = home;
        this.routine = routine;
        this.store = store;
        this.immediate = immediate;
        this.fastForwardAfter = fastForwardAfter;
    }

    /**
     * The full engine with the routine kept in memory, local times read as UTC whatever the
     * settings' {@code zone} (the rules' tests and the benchmark, whose scenario times are UTC).
     */
    public static DetectionEngine create(DetectionOptions options) {
        return create(options, GapPrior.SHIPPED);
    }

    /** As {@link #create(DetectionOptions)}, with the population prior given (the benchmark's leave-one-home-out). */
    public static DetectionEngine create(DetectionOptions options, GapPrior prior) {
        return create(options, ZoneOffset.UTC, RoutineStore.inMemory(), prior);
    }

    /**
     * The full engine: every rule, the home's routine learned in {@code zone}'s days and kept in
     * {@code store}, resuming what the store already holds.
     */
    public static DetectionEngine create(DetectionOptions options, ZoneId zone, RoutineStore routineStore) {
        return create(options, zone, routineStore, GapPrior.SHIPPED);
    }

    /** As {@link #create(DetectionOptions, ZoneId, RoutineStore)}, with the population prior given. */
    public static DetectionEngine create(DetectionOptions options, ZoneId zone, RoutineStore routineStore, GapPrior prior) {
        GuardedStore store = new GuardedStore(routineStore);
        HomeState home = new HomeState(zone, options);
        Routine routine = Routine.open(zone, store);
        InactivityRule water = new InactivityRule(InactivityRule.Signal.WATER, options, home, routine, prior);
        InactivityRule activity = new InactivityRule(InactivityRule.Signal.ACTIVITY, options, home, routine, prior);
        ImmediateAlarmRule immediate = new ImmediateAlarmRule(options.callRearm());
        CheckInRule checkIn = new CheckInRule(options, home);
        HealthRule health = new HealthRule(options.health(), home);
        List<Rule> rules = List.of(
                immediate,
                activity,
                water,
                new AwayRule(options, home),
                new WaterFlowRule(options, home),
                new NightDoorRule(options, home),
                new EntranceRule(home),
                checkIn,
                health,
                new DeviceHealthRule(options));
        DetectionEngine engine = new DetectionEngine(rules, home, routine, store, immediate, fastForwardAfter(options));
        // activity ticks first: a silence of the whole home is said once, by NO_ACTIVITY
        water.heldBackWhileOpen(activity);
        engine.waterRule = water;
        engine.activityRule = activity;
        engine.checkIn = checkIn;
        engine.health = health;
        Map<String, String> state = store.loadState();
        engine.restore(state);
        engine.restoreEpisodes(state);
        return engine;
    }

    /**
     * Longer than any threshold these settings give a rule: a gap that long is fast-forwarded
     * past, each rule having already seen every minute in which it could raise.
     */
    private static Duration fastForwardAfter(DetectionOptions o) {
        Duration longest = MIN_FAST_FORWARD;
        for (Duration d : List.of(o.noWaterPeriod(), o.noActivityPeriod(), o.learnedMaximum(), o.notReturnedAfter(),
                o.mainsSilent(), o.batterySilent(), o.continuousFlow())) {
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest;
    }

    /** The alerts this reading raises or clears (and any that time raised up to it), life-safety first. */
    public List<Alert> onReading(Reading reading) {
        return read(reading, true);
    }

    /**
     * As {@link #onReading}, leaving out the life-safety rule: the gateway runs that one first, on
     * its own, through {@link #onImmediate}.
     */
    public List<Alert> onRoutineReading(Reading reading) {
        return read(reading, false);
    }

    private List<Alert> read(Reading reading, boolean withImmediate) {
        List<Alert> alerts = new ArrayList<>(advanceTo(reading.time()));
        if (home != null) {
            if (home.start == null) {
                home.start = reading.time();
            }
            home.observe(reading);
        }
        List<Alert> read = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule != immediate) {
                read.addAll(rule.onReading(reading));
            } else if (withImmediate) {
                synchronized (immediate) {
                    read.addAll(rule.onReading(reading));
                }
            }
        }
        saveIfEpisodesChanged(read);
        if (checkIn != null && checkIn.takeChanged()) {
            // a press must outlive a power cut a minute later, or the window would be called missed
            store.saveState(state());
        }
        if (health != null && health.takeChanged()) {
            // a weighing or the day's measurement must outlive a restart, as a press does
            store.saveState(state());
        }
        alerts.addAll(read);
        return lifeSafetyFirst(alerts);
    }

    /** Whether readings of this kind can raise a life-safety alarm (call, smoke, gas, leak). */
    public static boolean isLifeSafety(ReadingKind kind) {
        return ImmediateAlarmRule.alarmType(kind) != null;
    }

    /**
     * The life-safety rule alone, on any thread, never waiting for the routine rules: the alarms
     * (or clears) this reading raises. {@code first} gets each of them before anything is written
     * (the siren); then an episode opened or closed is saved, before the caller stores the alert,
     * so that a power cut between the two leaves an episode to send again, never an alarm the
     * engine forgot. The routine rules still need the reading, through {@link #onRoutineReading}.
     */
    public List<Alert> onImmediate(Reading reading, Consumer<Alert> first) {
        if (immediate == null) {
            throw new IllegalStateException("this engine has no life-safety rule of its own");
        }
        List<Alert> alerts;
        synchronized (immediate) {
            alerts = immediate.onReading(reading);
            alerts.forEach(first);
        }
        if (home != null && alerts.stream().anyMatch(a -> a.type() != AlertType.EMERGENCY_CALL)) {
            saveEpisodes();
        }
        return alerts;
    }

    /** The raises of the life-safety episodes open now; from any thread. */
    public List<Alert> openLifeSafetyAlerts() {
        List<Alert> open = new ArrayList<>();
        for (Episode episode : immediateOpen()) {
            open.add(episode.alert());
        }
        return open;
    }

    private List<Episode> immediateOpen() {
        List<Episode> open = new ArrayList<>();
        if (immediate != null) {
            synchronized (immediate) {
                immediate.collectOpen(open);
            }
        }
        return open;
    }

    /** Both paths' open episodes, written as one set; one write at a time so the last has both. */
    private void saveEpisodes() {
        synchronized (store) {
            List<Episode> all = immediateOpen();
            all.addAll(routineOpen);
            store.saveEpisodes(all);
        }
    }

    /**
     * Moves the engine's clock to {@code time}, minute by minute, and returns what time alone
     * raised or cleared on the way. A time before the clock changes nothing: the clock never goes
     * back, so a late reading is judged when it arrives.
     *
     * <p>The work is bounded whatever the gap (a clock set to year 9999 must not hold the engine
     * for hours): beyond the longest threshold any rule has (at least {@value #MIN_FAST_FORWARD_HOURS}
     * h), the rest of the gap is skipped, and the rules see one more tick, at its end. Every alert
     * that silence raises within that threshold was raised on its minute; what the skipped span
     * would still have raised, the last tick raises. The routine learns nothing from the span, as
     * after a restart: a gap that long is no home's routine.
     */
    public List<Alert> advanceTo(Instant time) {
        if (now == null) {
            now = time;
            return List.of();
        }
        if (!time.isAfter(now)) {
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES).plus(TICK);
        Instant stepUntil = now.plus(fastForwardAfter);
        Instant lastMinute = time.truncatedTo(ChronoUnit.MINUTES);
        while (!minute.isAfter(time)) {
            if (minute.isAfter(stepUntil) && minute.isBefore(lastMinute)) {
                fastForwards++;
                tick(lastMinute, alerts, false);
                break;
            }
            tick(minute, alerts, true);
            minute = minute.plus(TICK);
        }
        now = time;
        saveIfEpisodesChanged(alerts);
        return lifeSafetyFirst(alerts);
    }

    private static final long MIN_FAST_FORWARD_HOURS = 72;

    /** Gaps {@link #advanceTo} skipped the end of, being longer than any rule needs. */
    public long fastForwards() {
        return fastForwards;
    }

    private void tick(Instant minute, List<Alert> alerts, boolean learn) {
        if (home != null && home.start != null) {
            home.tick(minute);
            if (learn && minute.atZone(home.zone).getMinute() % SLOT_MINUTES == 0) {
                record(minute);
            }
        }
        for (Rule rule : rules) {
            alerts.addAll(rule.onTick(minute));
        }
    }

    /**
     * Learns the half hour that ends now. Not while the elder is out or a mode is set, and not a
     * signal whose alert is open: a gap judged abnormal (an incident, or an absence the sensors
     * could not see) must not teach the routine that such a silence is normal at this hour, or
     * the days after it would wait far longer to alert. A habit that really changed is still
     * learned: the half hours before the alert are, and each day's threshold grows from them.
     */
    private void record(Instant slotEnd) {
        boolean held = home.held();
        boolean waterHeld = held || waterRule.isOpen();
        boolean activityHeld = held || activityRule.isOpen();
        routine.water().record(slotEnd, waterHeld ? -1 : Duration.between(home.gapStart(home.lastWaterUse), slotEnd).toMinutes());
        long activityGap = activityHeld ? -1 : Duration.between(home.gapStart(home.lastActivity), slotEnd).toMinutes();
        routine.activity().record(slotEnd, activityGap);
        boolean resting = home.resting();
        routine.activityUp().record(slotEnd, resting ? -1 : activityGap);
        routine.activityResting().record(slotEnd, resting ? activityGap : -1);
        store.saveState(state());
    }

    /** Writes to the routine store that failed (a full disk, say); the engine kept going on its memory. */
    public long storeFailures() {
        return store instanceof GuardedStore g ? g.failures : 0;
    }

    /**
     * A routine store whose failed writes are counted rather than thrown: losing a half hour of
     * learning must never stop the engine from raising an alert.
     */
    private static final class GuardedStore implements RoutineStore {
        private final RoutineStore delegate;
        long failures;
        String lastFailure;

        GuardedStore(RoutineStore delegate) {
            this.delegate = delegate;
        }

        private synchronized void guard(Runnable write) {
            try {
                write.run();
            } catch (RuntimeException e) {
                failures++;
                lastFailure = e.getMessage();
            }
        }

        @Override
        public synchronized java.util.SortedMap<java.time.LocalDate, short[]> loadDays(String signal) {
            return delegate.loadDays(signal);
        }

        @Override
        public synchronized void saveDay(String signal, java.time.LocalDate day, short[] slots) {
            guard(() -> delegate.saveDay(signal, day, slots));
        }

        @Override
        public synchronized void deleteDaysBefore(String signal, java.time.LocalDate day) {
            guard(() -> delegate.deleteDaysBefore(signal, day));
        }

        @Override
        public synchronized Map<String, String> loadState() {
            return delegate.loadState();
        }

        @Override
        public synchronized void saveState(Map<String, String> state) {
            guard(() -> delegate.saveState(state));
        }

        /** Episodes that cannot be read are counted: the engine must start and raise alerts without them. */
        @Override
        public synchronized List<Episode> loadEpisodes() {
            try {
                return delegate.loadEpisodes();
            } catch (RuntimeException e) {
                failures++;
                lastFailure = e.getMessage();
                return List.of();
            }
        }

        @Override
        public synchronized void saveEpisodes(java.util.Collection<Episode> open) {
            guard(() -> delegate.saveEpisodes(open));
        }

        @Override
        public synchronized void clear() {
            guard(delegate::clear);
        }

        @Override
        public synchronized void close() {
            guard(delegate::close);
        }
    }

    /** Whether the engine has seen a reading, now or before a restart (from its store). */
    public boolean hasHistory() {
        return home != null && home.start != null;
    }

    /** The engine's clock: the latest reading or time it was advanced to; null before either. */
    public Instant now() {
        return now;
    }

    /** Sets a mode until {@code until}; see {@link HomeMode}. */
    public void setMode(HomeMode mode, Instant until) {
        requireHome();
        if (now != null && !until.isAfter(now)) {
            throw new IllegalArgumentException("the mode's end " + until + " is not after now (" + now + ")");
        }
        home.mode = mode;
        home.modeUntil = until;
        store.saveState(state());
    }

    public void clearMode() {
        requireHome();
        if (home.mode != null) {
            home.mode = null;
            home.resumedAt = now;
            store.saveState(state());
        }
    }

    public HomeMode mode() {
        return home == null ? null : home.mode;
    }

    /** Whether the engine thinks the elder is out (the entrance, then silence). */
    public boolean isAway() {
        return home != null && home.awaySince != null;
    }

    /** Forgets the learned routine and timers; the fixed rules apply until it is learned again. */
    public void resetLearning() {
        requireHome();
        routine.clear();
        home.timers.clear();
        store.clear();
        store.saveState(state());
    }

    /** The activity routine's learned days, each the gap at the end of its 48 half hours (-1: not observed): to fit a {@link GapPrior}. */
    public List<short[]> activityDays() {
        requireHome();
        return routine.activity().profiles();
    }

    /** As {@link #activityDays()}, for the half hours spent resting (on a bed or chair mat); -1 elsewhere. */
    public List<short[]> restingDays() {
        requireHome();
        return routine.activityResting().profiles();
    }

    /** Complete days the activity routine was learned from, as of the engine's clock. */
    public int learnedDays() {
        return home == null || now == null ? 0 : routine.activity().learnedDays(now);
    }

    @Override
    public void close() {
        if (home != null && home.start != null) {
            store.saveState(state());
        }
        store.close();
    }

    private void requireHome() {
        if (home == null) {
            throw new IllegalStateException("this engine has no routine rules");
        }
    }

    private Map<String, String> state() {
        Map<String, String> s = new HashMap<>();
        put(s, "start", home.start);
        put(s, "lastActivity", home.lastActivity);
        put(s, "lastWaterUse", home.lastWaterUse);
        put(s, "awaySince", home.awaySince);
        put(s, "resumedAt", home.resumedAt);
        put(s, "modeUntil", home.modeUntil);
        if (home.mode != null) {
            s.put("mode", home.mode.name());
        }
        putText(s, "awayDoor", home.awayDoor);
        putText(s, "lastActivityDevice", home.lastActivityDevice);
        putText(s, "lastWaterDevice", home.lastWaterDevice);
        if (home.seesMoreThanWater) {
            s.put("seesMoreThanWater", "true");
        }
        if (!home.occupied.isEmpty()) {
            s.put("occupied", String.join(",", home.occupied));
        }
        if (!home.timers.isEmpty()) {
            s.put("timerFlows", home.timers.save());
        }
        home.coverage.save(s);
        checkIn.save(s);
        health.save(s);
        return onWallClock(s);
    }

    /**
     * The state's times in wall time: the engine's clock may run off the wall clock by a jump
     * (see {@link #setWallOffset}), and the next start's clock begins on the wall clock.
     */
    private Map<String, String> onWallClock(Map<String, String> s) {
        Duration offset = wallOffset;
        if (!offset.isZero()) {
            s.replaceAll((key, value) -> {
                try {
                    return Instant.parse(value).plus(offset).toString();
                } catch (java.time.format.DateTimeParseException notATime) {
                    return value;
                }
            });
        }
        return s;
    }

    /**
     * Wall time minus the engine's clock, as the gateway trusts it: after the wall clock jumped,
     * the engine's clock stays on real elapsed time, and its saved state is moved by this much so
     * that a restart, whose clock starts on the wall clock, resumes the same gaps.
     */
    public void setWallOffset(Duration offset) {
        wallOffset = offset;
    }

    private void restore(Map<String, String> s) {
        home.start = get(s, "start");
        home.lastActivity = get(s, "lastActivity");
        home.lastWaterUse = get(s, "lastWaterUse");
        home.awaySince = get(s, "awaySince");
        home.resumedAt = get(s, "resumedAt");
        home.modeUntil = get(s, "modeUntil");
        home.mode = s.containsKey("mode") && home.modeUntil != null ? HomeMode.valueOf(s.get("mode")) : null;
        home.awayDoor = s.get("awayDoor");
        home.lastActivityDevice = s.get("lastActivityDevice");
        home.lastWaterDevice = s.get("lastWaterDevice");
        home.seesMoreThanWater = s.containsKey("seesMoreThanWater");
        if (s.containsKey("occupied")) {
            home.occupied.addAll(List.of(s.get("occupied").split(",")));
        }
        home.timers.restore(s.getOrDefault("timerFlows", ""));
        home.coverage.restore(s);
        checkIn.restore(s);
        health.restore(s);
    }

    /**
     * Hands each episode open before the restart back to its rule, so that its clear keeps its id
     * and its cause, still there, does not open it again. An episode no rule takes (a type this
     * version no longer raises) is dropped.
     */
    private void restoreEpisodes(Map<String, String> state) {
        List<Episode> stored = new ArrayList<>(store.loadEpisodes());
        boolean legacy = false;
        for (AlertType type : List.of(AlertType.NO_WATER_USE, AlertType.NO_ACTIVITY, AlertType.NOT_RETURNED)) {
            Episode old = OpenEpisodes.legacy(state, type);
            if (old != null && stored.stream().noneMatch(e -> e.alert().type() == type)) {
                stored.add(old);
                legacy = true;
            }
        }
        for (Episode episode : stored) {
            for (Rule rule : rules) {
                if (rule instanceof OpenEpisodes episodes && episodes.restore(episode)) {
                    break;
                }
            }
        }
        routineOpen = routineEpisodes();
        if (legacy) {
            // an earlier version kept them in the state, which the next save no longer writes them to
            saveEpisodes();
        }
    }

    private List<Episode> openEpisodes() {
        List<Episode> open = immediateOpen();
        open.addAll(routineEpisodes());
        return open;
    }

    private List<Episode> routineEpisodes() {
        List<Episode> open = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule instanceof OpenEpisodes episodes && rule != immediate) {
                episodes.collectOpen(open);
            }
        }
        return open;
    }

    /**
     * The raises of the episodes open now, life-safety first: after a restart, those open before
     * it. An emergency call has no episode and is not among them.
     */
    public List<Alert> openAlerts() {
        List<Alert> open = new ArrayList<>();
        for (Episode episode : openEpisodes()) {
            open.add(episode.alert());
        }
        return lifeSafetyFirst(open);
    }

    private static void putText(Map<String, String> s, String key, String value) {
        if (value != null) {
            s.put(key, value);
        }
    }

    private static void put(Map<String, String> s, String key, Instant value) {
        if (value != null) {
            s.put(key, value.toString());
        }
    }

    private static Instant get(Map<String, String> s, String key) {
        String v = s.get(key);
        return v == null ? null : Instant.parse(v);
    }

    /**
     * An episode raised or cleared is saved at once, so a restart neither repeats nor orphans it;
     * the state with it, so that what ended an episode (the elder back home) is not undone either.
     */
    private void saveIfEpisodesChanged(List<Alert> alerts) {
        if (home == null) {
            return;
        }
        for (Alert a : alerts) {
            if (a.type() != AlertType.EMERGENCY_CALL) {
                routineOpen = routineEpisodes();
                saveEpisodes();
                store.saveState(state());
                return;
            }
        }
    }

    private static List<Alert> lifeSafetyFirst(List<Alert> alerts) {
        if (alerts.size() > 1) {
            alerts.sort((a, b) -> Boolean.compare(b.type().isLifeSafety(), a.type().isLifeSafety()));
        }
        return alerts;
    }
}
