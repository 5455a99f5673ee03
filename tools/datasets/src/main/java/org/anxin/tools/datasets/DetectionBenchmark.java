package org.anxin.tools.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.anxin.detection.DetectionEngine;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.GapPrior;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The detection benchmark (not a test): replays each home through the real engine on a virtual
 * clock from its first reading, counts the routine alerts raised on the real data (nothing
 * happened in these homes: each is a false alarm, unless it is an absence alert, see
 * {@link AbsenceAlerts}), then injects incidents, all activity stopping at a moment while the
 * resident is at home, devices still checking in every 30 min, and measures how long the engine
 * takes to raise NO_ACTIVITY, NO_WATER_USE or NOT_RETURNED, beside how long until the resident's
 * next real activity (what no detector can beat). The fixed 12-hour water rule runs on the same
 * data beside it. Every day counts, the first week included (a family hears those alarms too);
 * the figures after the first 7 days are given apart. The robustness suite ({@link Variant})
 * replays each home again as real installations change it.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measures false alarms and time to detect on the real homes and their variants, beside the fixed 12-hour rule.")
final class DetectionBenchmark implements Callable<Integer> {

    private static final Set<AlertType> ROUTINE = Set.of(AlertType.NO_WATER_USE, AlertType.NO_ACTIVITY, AlertType.NOT_RETURNED);
    private static final Duration HORIZON = Duration.ofHours(48);
    private static final Duration CHECK_IN = Duration.ofMinutes(30);
    private static final int FIRST_WEEK_DAYS = 7;

    @Option(names = "--datasets", paramLabel = "DIR", defaultValue = "../shared/datasets",
            description = "the datasets folder (default: ${DEFAULT-VALUE})")
    Path datasets;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "tools/datasets/target/scenarios",
            description = "where the converted scenario files are written (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "detection settings (.cfg); default: the defaults")
    Path config;

    @Option(names = "--incidents-per-day", defaultValue = "4", description = "incident moments per day (default: ${DEFAULT-VALUE})")
    int perDay;

    @Option(names = "--verbose", description = "list every false alarm and absence alert, and every detected incident with its delay and alert, on stderr")
    boolean verbose;

    @Option(names = "--seed", defaultValue = "20241123", description = "seed of the incident moments and the variants (default: ${DEFAULT-VALUE})")
    long seed;

    /** Where incidents strike: at any moment, or while the resident is doing something. */
    enum Moments { UNIFORM, ACTIVITY }

    @Option(names = "--moments", defaultValue = "activity",
            description = "activity: right after a random real activity reading (falls happen while moving; the headline); "
                    + "uniform: at random moments of the day (a third of them strike a sleeping resident) (default: ${DEFAULT-VALUE})")
    Moments moments = Moments.ACTIVITY;

    @Option(names = "--prior", defaultValue = "LEAVE_ONE_OUT",
            description = "the engine's population prior: LEAVE_ONE_OUT (each home judged by a prior fitted on the other homes),"
                    + " SHIPPED (the engine's, fitted on all of them), NONE (the fixed rules until the routine is learned) (default: ${DEFAULT-VALUE})")
    PriorChoice priorChoice = PriorChoice.LEAVE_ONE_OUT;

    enum PriorChoice { LEAVE_ONE_OUT, SHIPPED, NONE }

    @Option(names = "--variants", split = ",", defaultValue = "AS_RECORDED,NO_ENTRANCE,NO_MATS,WATER_ONLY,CHATTERING_MATS,DEAD_THIRD,HALF_WATER,SHIFTED,HALF_DROPPED",
            description = "the robustness suite's variants to replay (default: all): ${COMPLETION-CANDIDATES}")
    List<Variant> variants;

    /** What one home (or variant) gave. */
    private static final class Tally {
        double days;
        double daysAfterWeek;
        final Map<AlertType, Integer> falseAlarms = new EnumMap<>(AlertType.class);
        int falseAfterWeek;
        int absenceAlerts;
        int fixedFalse;
        int fixedFalseAfterWeek;
        int fixedAbsence;
        final List<Duration> detect = new ArrayList<>();
        /** Incidents struck after the first 7 days, when a learned routine may judge them. */
        final List<Duration> detectAfterWeek = new ArrayList<>();
        final Map<AlertType, Integer> detectedBy = new EnumMap<>(AlertType.class);
        int missed;
        int alreadyOpen;
        final List<Duration> fixedDetect = new ArrayList<>();
        int fixedMissed;
        int fixedAlreadyOpen;
        /** From each incident to the resident's next real activity: what no detector can beat. */
        final List<Duration> nextActivity = new ArrayList<>();
        final List<Duration> hindsight = new ArrayList<>();
        long replayMillis;
        int readings;

        void add(Tally o) {
            days += o.days;
            daysAfterWeek += o.daysAfterWeek;
            o.falseAlarms.forEach((k, v) -> falseAlarms.merge(k, v, Integer::sum));
            falseAfterWeek += o.falseAfterWeek;
            absenceAlerts += o.absenceAlerts;
            fixedFalse += o.fixedFalse;
            fixedFalseAfterWeek += o.fixedFalseAfterWeek;
            fixedAbsence += o.fixedAbsence;
            detect.addAll(o.detect);
            detectAfterWeek.addAll(o.detectAfterWeek);
            o.detectedBy.forEach((k, v) -> detectedBy.merge(k, v, Integer::sum));
            missed += o.missed;
            alreadyOpen += o.alreadyOpen;
            fixedDetect.addAll(o.fixedDetect);
            fixedMissed += o.fixedMissed;
            fixedAlreadyOpen += o.fixedAlreadyOpen;
            nextActivity.addAll(o.nextActivity);
            hindsight.addAll(o.hindsight);
        }

        int falseAlarmCount() {
            return falseAlarms.values().stream().mapToInt(Integer::intValue).sum();
        }

        double perDay() {
            return falseAlarmCount() / days;
        }

        double fixedPerDay() {
            return fixedFalse / days;
        }
    }

    @Override
    public Integer call() throws IOException {
        DetectionOptions options = DetectionOptions.DEFAULTS;
        if (config != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(config)) {
                p.load(in);
            }
            options = DetectionOptions.fromProperties(p);
        }
        Map<String, List<ScenarioRow>> converted = Datasets.convertAll(datasets);
        Map<String, Spans> outings = Datasets.outings(datasets);
        Map<String, Spans> timers = Datasets.timers(datasets);
        Files.createDirectories(out);
        Map<String, HomeData> homes = new LinkedHashMap<>();
        for (Map.Entry<String, List<ScenarioRow>> home : converted.entrySet()) {
            ScenarioFiles.write(out.resolve(home.getKey() + ".csv"), "converted by tools/datasets for the detection benchmark",
                    home.getValue());
            homes.put(home.getKey(), new HomeData(home.getValue(), outings.get(home.getKey()),
                    timers.getOrDefault(home.getKey(), Spans.NONE)));
        }
        long started = System.nanoTime();
        Map<String, Profiles> profiles = activityProfiles(homes, options);
        GapPrior everyHome = fit(profiles, name -> true);
        System.out.printf(Locale.ROOT, "Population prior (%s): fitted on %s, %s the engine's shipped prior.%n", priorChoice,
                profiles.keySet(), java.util.Arrays.equals(everyHome.minutes(), GapPrior.SHIPPED.minutes())
                        && java.util.Arrays.equals(everyHome.restingMinutes(), GapPrior.SHIPPED.restingMinutes()) ? "the same as" : "NOT the same as");
        Map<String, GapPrior> priors = new HashMap<>();
        for (String name : homes.keySet()) {
            priors.put(name, switch (priorChoice) {
                case NONE -> GapPrior.NONE;
                case SHIPPED -> GapPrior.SHIPPED;
                case LEAVE_ONE_OUT -> fit(profiles, other -> !other.equals(name));
            });
        }
        StringBuilder summary = new StringBuilder();
        summary.append("| variant | homes | false alarms/day (count) | after day 7 | absence alerts | fixed 12 h rule: false alarms/day (count)"
                + " | incidents | mean time to detect (after day 7) | worst | missed in 48 h | fixed 12 h rule: mean, worst, missed | homes with more false alarms than the fixed rule |\n");
        summary.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Variant variant : variants) {
            Tally all = new Tally();
            StringBuilder table = new StringBuilder();
            table.append("| home | days | false alarms/day (count: types) | after day 7 | absence alerts | fixed 12 h rule: false alarms/day (count)"
                    + " | incidents | mean time to detect (after day 7) | worst | missed in 48 h | next real activity | thresholds in hindsight"
                    + " | fixed 12 h rule: mean, worst, missed |\n");
            table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            List<String> worseThanFixed = new ArrayList<>();
            int n = 0;
            for (Map.Entry<String, HomeData> home : homes.entrySet()) {
                HomeData data = variant.apply(home.getValue(), new Random(seed ^ home.getKey().hashCode() ^ variant.ordinal()));
                if (data == null) {
                    continue;
                }
                n++;
                Tally t = evaluate(home.getKey() + (variant == Variant.AS_RECORDED ? "" : " / " + variant.label), data, options,
                        priors.get(home.getKey()));
                all.add(t);
                row(table, home.getKey(), t);
                if (t.falseAlarmCount() > t.fixedFalse) {
                    worseThanFixed.add(home.getKey());
                }
                System.err.printf(Locale.ROOT, "%s / %s: %d readings, one replay %d ms; false alarms %s, absence alerts %d%n",
                        variant.label, home.getKey(), t.readings, t.replayMillis, t.falseAlarms, t.absenceAlerts);
            }
            row(table, "**all**", all);
            System.out.printf(Locale.ROOT, "%n### %s (incidents: %s)%n%n", variant.label, moments.name().toLowerCase(Locale.ROOT));
            System.out.print(table);
            System.out.printf(Locale.ROOT, "%nDetected by: %s. Incidents under an open routine alert when injected (left out): %d;"
                    + " under an open alert of the fixed rule (left out of its figures): %d.%n", all.detectedBy, all.alreadyOpen, all.fixedAlreadyOpen);
            summary.append(String.format(Locale.ROOT, "| %s | %d | %.3f (%d) | %.3f | %d | %.3f (%d) | %d | %s (%s) | %s | %d | %s, %s, %d | %s |%n",
                    variant.label, n, all.perDay(), all.falseAlarmCount(), all.falseAfterWeek / all.daysAfterWeek, all.absenceAlerts,
                    all.fixedPerDay(), all.fixedFalse, all.detect.size() + all.missed, hm(mean(all.detect)), hm(mean(all.detectAfterWeek)), hm(max(all.detect)), all.missed,
                    hm(mean(all.fixedDetect)), hm(max(all.fixedDetect)), all.fixedMissed,
                    worseThanFixed.isEmpty() ? "none" : String.join(", ", worseThanFixed)));
        }
        System.out.printf(Locale.ROOT, "%n### Summary (incidents: %s, seed %d)%n%n", moments.name().toLowerCase(Locale.ROOT), seed);
        System.out.print(summary);
        System.err.printf(Locale.ROOT, "benchmark: %d s wall time%n", (System.nanoTime() - started) / 1_000_000_000);
        return 0;
    }

    /**
     * Each home's learned activity days, as recorded, for fitting the population prior: only the
     * homes that see more than water (in a home with only a meter, NO_ACTIVITY is not raised).
     */
    static Map<String, Profiles> activityProfiles(Map<String, HomeData> homes, DetectionOptions options) {
        Map<String, Profiles> profiles = new LinkedHashMap<>();
        for (Map.Entry<String, HomeData> home : homes.entrySet()) {
            List<ScenarioRow> rows = new ArrayList<>(home.getValue().rows());
            if (rows.stream().allMatch(r -> r.kind() == ReadingKind.WATER || !r.kind().isActivity())) {
                continue;
            }
            rows.sort(null);
            List<Reading> readings = rows.stream().map(r -> new Reading(r.device(), r.kind(), r.value(), r.time().toInstant(ZoneOffset.UTC))).toList();
            Set<String> devices = rows.stream().map(ScenarioRow::device).collect(Collectors.toCollection(TreeSet::new));
            Instant end = readings.get(readings.size() - 1).time();
            try (DetectionEngine engine = DetectionEngine.create(options, GapPrior.NONE)) {
                for (Reading r : withCheckIns(readings, devices, Map.of(), readings.get(0).time(), end)) {
                    engine.onReading(r);
                }
                engine.advanceTo(end);
                profiles.put(home.getKey(), new Profiles(engine.activityDays(), engine.restingDays()));
            }
        }
        return profiles;
    }

    /** One home's learned days, over all its hours and while resting. */
    record Profiles(List<short[]> whole, List<short[]> resting) {
    }

    /** A prior fitted on the homes {@code use} takes. */
    static GapPrior fit(Map<String, Profiles> profiles, Predicate<String> use) {
        List<short[]> whole = new ArrayList<>();
        List<short[]> resting = new ArrayList<>();
        profiles.forEach((name, p) -> {
            if (use.test(name)) {
                whole.addAll(p.whole());
                resting.addAll(p.resting());
            }
        });
        return GapPrior.fit(whole, resting);
    }

    private Tally evaluate(String name, HomeData home, DetectionOptions options, GapPrior prior) {
        List<ScenarioRow> sorted = new ArrayList<>(home.rows());
        sorted.sort(null);
        List<Reading> readings = new ArrayList<>(sorted.size());
        Set<Reading> timed = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Reading> noise = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> devices = new TreeSet<>(home.deadFrom().keySet());
        for (ScenarioRow r : sorted) {
            Reading reading = new Reading(r.device(), r.kind(), r.value(), r.time().toInstant(ZoneOffset.UTC));
            readings.add(reading);
            if (r.kind() == ReadingKind.WATER && home.timers().contains(r.time())) {
                timed.add(reading);
            }
            if (home.noise().contains(r)) {
                noise.add(reading);
            }
            devices.add(r.device());
        }
        Instant start = readings.get(0).time();
        Instant end = readings.get(readings.size() - 1).time();
        List<Reading> stream = withCheckIns(readings, devices, home.deadFrom(), start, end.plus(HORIZON));
        Tally t = new Tally();
        t.readings = readings.size();
        LocalDateTime from = local(start);
        LocalDateTime to = local(end);
        LocalDateTime weekOver = from.toLocalDate().plusDays(FIRST_WEEK_DAYS).atStartOfDay();
        t.days = Duration.between(from, to).toMinutes() / 1440.0;
        t.daysAfterWeek = Math.max(0, Duration.between(weekOver, to).toMinutes() / 1440.0);

        Predicate<Reading> resident = r -> isMovement(r) && !timed.contains(r) && !noise.contains(r);
        boolean waterOnly = readings.stream().allMatch(r -> !isMovement(r) || r.kind() == ReadingKind.WATER);
        List<Reading> activity = readings.stream()
                .filter(r -> waterOnly ? resident.test(r) && Double.parseDouble(r.value()) >= 0.5 : resident.test(r)).toList();
        List<LocalDateTime> activityTimes = activity.stream().map(r -> local(r.time())).toList();
        Set<LocalDateTime> entrance = activity.stream().filter(r -> r.kind() == ReadingKind.ENTRY_DOOR)
                .map(r -> local(r.time())).collect(Collectors.toSet());

        long replayStarted = System.nanoTime();
        List<Alert> baseline = run(stream, end, options, prior);
        t.replayMillis = (System.nanoTime() - replayStarted) / 1_000_000;
        AbsenceAlerts absences = new AbsenceAlerts(activityTimes, entrance, HORIZON, options.notReturnedAfter());
        for (Alert a : baseline) {
            if (!ROUTINE.contains(a.type()) || a.state() != AlertState.RAISED) {
                continue;
            }
            LocalDateTime at = local(a.time());
            boolean absence = absences.claim(a.type(), at);
            if (absence) {
                t.absenceAlerts++;
            } else {
                t.falseAlarms.merge(a.type(), 1, Integer::sum);
                if (!at.isBefore(weekOver)) {
                    t.falseAfterWeek++;
                }
            }
            if (verbose) {
                System.err.println("  " + (absence ? "absence alert " : "false alarm ") + name + " " + at + " " + a.type() + ": " + a.reason());
            }
        }
        List<Reading> water = readings.stream().filter(r -> r.kind() == ReadingKind.WATER).toList();
        AbsenceAlerts fixedAbsences = new AbsenceAlerts(activityTimes, entrance, HORIZON, options.notReturnedAfter());
        for (Instant raised : FixedTwelveHourRule.raises(water, end)) {
            if (fixedAbsences.claim(AlertType.NO_WATER_USE, local(raised))) {
                t.fixedAbsence++;
            } else {
                t.fixedFalse++;
                if (!local(raised).isBefore(weekOver)) {
                    t.fixedFalseAfterWeek++;
                }
            }
        }

        HindsightThresholds ideal = new HindsightThresholds(activityTimes, home.out(), from, to);
        List<LocalDateTime> incidentMoments = incidentMoments(name, readings, resident, start, end, home.out());
        // each incident is a replay from the start; they are independent, so they share the cores
        List<Result> results = incidentMoments.parallelStream()
                .map(m -> incident(stream, water, timed, noise, m.toInstant(ZoneOffset.UTC), options, prior)).toList();
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            LocalDateTime moment = incidentMoments.get(i);
            Duration d = ideal.timeToDetect(moment, HORIZON);
            if (r.alreadyOpen) {
                t.alreadyOpen++;
            } else {
                if (d != null) {
                    t.hindsight.add(d);
                }
                if (r.next != null) {
                    t.nextActivity.add(r.next);
                }
                if (r.detected == null) {
                    t.missed++;
                    if (verbose) {
                        System.err.println("  MISSED " + name + " " + moment);
                    }
                } else {
                    Duration took = Duration.between(moment.toInstant(ZoneOffset.UTC), r.detected.time());
                    t.detect.add(took);
                    if (!moment.isBefore(weekOver)) {
                        t.detectAfterWeek.add(took);
                    }
                    t.detectedBy.merge(r.detected.type(), 1, Integer::sum);
                    if (verbose) {
                        System.err.println("  incident " + name + " " + moment + " detected after " + hm(took) + " by "
                                + r.detected.type() + " (next real activity after " + hm(r.next) + "): " + r.detected.reason());
                    }
                }
            }
            if (r.fixedAlreadyOpen) {
                t.fixedAlreadyOpen++;
            } else if (r.fixed == null) {
                t.fixedMissed++;
            } else {
                t.fixedDetect.add(r.fixed);
            }
        }
        return t;
    }

    /**
     * {@code perDay} moments per day while the resident is at home: one second after real activity
     * readings drawn at random (the resident was doing something), or uniform over the day.
     */
    private List<LocalDateTime> incidentMoments(String name, List<Reading> readings, Predicate<Reading> resident,
                                                Instant from, Instant end, Spans out) {
        Random random = new Random(seed ^ name.hashCode());
        List<LocalDateTime> moments = new ArrayList<>();
        if (this.moments == Moments.UNIFORM) {
            for (LocalDateTime day = local(from).toLocalDate().atStartOfDay();
                 day.toInstant(ZoneOffset.UTC).isBefore(end); day = day.plusDays(1)) {
                for (int k = 0; k < perDay; k++) {
                    LocalDateTime moment = day.plusSeconds(random.nextInt(86_400));
                    Instant at = moment.toInstant(ZoneOffset.UTC);
                    if (at.isAfter(from) && !at.isAfter(end) && !out.contains(moment)) {
                        moments.add(moment);
                    }
                }
            }
            return moments;
        }
        List<LocalDateTime> candidates = new ArrayList<>();
        for (Reading r : readings) {
            LocalDateTime at = local(r.time().plusSeconds(1));
            if (resident.test(r) && r.time().isBefore(end) && !out.contains(at)) {
                candidates.add(at);
            }
        }
        int n = (int) Math.round(perDay * Duration.between(from, end).toMinutes() / 1440.0);
        Collections.shuffle(candidates, random);
        moments.addAll(candidates.subList(0, Math.min(n, candidates.size())));
        moments.sort(null);
        return moments;
    }

    /** One incident: the engine's first routine alert after it, the fixed rule's delay, the next real activity. */
    private record Result(boolean alreadyOpen, Alert detected, Duration next, boolean fixedAlreadyOpen, Duration fixed) {
    }

    private static Result incident(List<Reading> stream, List<Reading> water, Set<Reading> timed, Set<Reading> noise, Instant t0,
                                   DetectionOptions options, GapPrior prior) {
        Map<String, Alert> open = new HashMap<>();
        Alert[] detected = {null};
        Instant until = t0.plus(HORIZON);
        java.util.function.Consumer<List<Alert>> judge = alerts -> {
            for (Alert a : alerts) {
                if (!ROUTINE.contains(a.type())) {
                    continue;
                }
                if (a.time().isBefore(t0)) {
                    if (a.state() == AlertState.RAISED) {
                        open.put(a.id(), a);
                    } else {
                        open.remove(a.id());
                    }
                } else if (a.state() == AlertState.RAISED && detected[0] == null) {
                    detected[0] = a;
                }
            }
        };
        try (DetectionEngine engine = DetectionEngine.create(options, prior)) {
            for (Reading r : stream) {
                if (r.time().isAfter(until) || detected[0] != null) {
                    break;
                }
                if (!r.time().isBefore(t0) && r.kind() != ReadingKind.HEARTBEAT && !timed.contains(r)) {
                    continue;
                }
                judge.accept(engine.advanceTo(r.time()));
                if (detected[0] == null) {
                    judge.accept(engine.onReading(r));
                }
            }
            for (Instant at = t0; detected[0] == null && at.isBefore(until); ) {
                at = at.plus(CHECK_IN).isAfter(until) ? until : at.plus(CHECK_IN);
                judge.accept(engine.advanceTo(at));
            }
        }
        boolean alreadyOpen = !open.isEmpty();
        Duration next = stream.stream().filter(r -> r.time().isAfter(t0) && isMovement(r) && !timed.contains(r) && !noise.contains(r))
                .findFirst().map(r -> Duration.between(t0, r.time())).orElse(null);
        // the city's rule reads the meter's volume alone, so a timer's water after the incident counts for it
        List<Reading> metered = water.stream().filter(r -> r.time().isBefore(t0) || timed.contains(r)).toList();
        List<FixedTwelveHourRule.Episode> episodes = FixedTwelveHourRule.episodes(metered, until);
        boolean fixedOpen = episodes.stream().anyMatch(e -> e.raised().isBefore(t0) && e.openAt(t0));
        Duration fixed = episodes.stream().map(FixedTwelveHourRule.Episode::raised)
                .filter(i -> !i.isBefore(t0)).findFirst().map(i -> Duration.between(t0, i)).orElse(null);
        return new Result(alreadyOpen, detected[0], next, fixedOpen, fixed);
    }

    private static Alert firstRaise(List<Alert> alerts, Instant t0) {
        return alerts.stream().filter(a -> ROUTINE.contains(a.type()) && a.state() == AlertState.RAISED && !a.time().isBefore(t0))
                .findFirst().orElse(null);
    }

    /** A reading that shows someone doing something (a motion sensor going quiet does not). */
    private static boolean isMovement(Reading r) {
        return r.kind().isActivity() && !(r.kind() == ReadingKind.MOTION && r.value().equals("off"));
    }

    /** Replays {@code stream} whole, to {@code until}; a faulty sensor's noise goes in as the engine would get it. */
    private static List<Alert> run(List<Reading> stream, Instant until, DetectionOptions options, GapPrior prior) {
        List<Alert> alerts = new ArrayList<>();
        try (DetectionEngine engine = DetectionEngine.create(options, prior)) {
            for (Reading r : stream) {
                if (r.time().isAfter(until)) {
                    break;
                }
                alerts.addAll(engine.onReading(r));
            }
            alerts.addAll(engine.advanceTo(until));
        }
        return alerts;
    }

    /** Every device checks in every 30 min, as the gateway's devices do; a dead one no longer does. */
    private static List<Reading> withCheckIns(List<Reading> readings, Set<String> devices, Map<String, LocalDateTime> deadFrom,
                                              Instant from, Instant to) {
        List<Reading> all = new ArrayList<>(readings);
        for (Instant h = from.truncatedTo(ChronoUnit.HOURS).plus(CHECK_IN); !h.isAfter(to); h = h.plus(CHECK_IN)) {
            for (String d : devices) {
                LocalDateTime dead = deadFrom.get(d);
                if (dead == null || local(h).isBefore(dead)) {
                    all.add(new Reading(d, ReadingKind.HEARTBEAT, "ok", h));
                }
            }
        }
        all.sort(Comparator.comparing(Reading::time));
        return all;
    }

    private static void row(StringBuilder table, String name, Tally t) {
        table.append(String.format(Locale.ROOT, "| %s | %.1f | %.3f (%d: %s) | %.3f | %d | %.3f (%d) | %d | %s (%s) | %s | %d | %s | %s | %s, %s, %d |%n",
                name, t.days, t.perDay(), t.falseAlarmCount(), t.falseAlarms, t.daysAfterWeek == 0 ? 0 : t.falseAfterWeek / t.daysAfterWeek,
                t.absenceAlerts, t.fixedPerDay(), t.fixedFalse,
                t.detect.size() + t.missed, hm(mean(t.detect)), hm(mean(t.detectAfterWeek)), hm(max(t.detect)), t.missed, hm(mean(t.nextActivity)), hm(mean(t.hindsight)),
                hm(mean(t.fixedDetect)), hm(max(t.fixedDetect)), t.fixedMissed));
    }

    /** Scenario times are local and kept as UTC instants, so this gives back the home's wall-clock time. */
    private static LocalDateTime local(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static Duration mean(List<Duration> ds) {
        return ds.isEmpty() ? null : Duration.ofSeconds((long) ds.stream().mapToLong(Duration::toSeconds).average().orElse(0));
    }

    private static Duration max(List<Duration> ds) {
        return ds.stream().max(Duration::compareTo).orElse(null);
    }

    private static String hm(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%d h %02d", d.toHours(), d.toMinutesPart());
    }
}
