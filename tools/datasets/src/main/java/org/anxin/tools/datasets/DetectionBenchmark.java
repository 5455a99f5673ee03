package org.anxin.tools.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
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
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The detection benchmark (not a test): replays each home through the real engine on a virtual
 * clock, counts the routine alerts raised on the real data (every one is false: nothing happened
 * in these homes), then injects incidents, all activity stopping at a random moment while the
 * resident is at home, devices still checking in every hour, and measures how long the engine
 * takes to raise NO_ACTIVITY, NO_WATER_USE or NOT_RETURNED, beside how long until the resident's
 * next real activity (what no detector can beat). A false alarm raised while the labels say nobody
 * was home is counted, and counted apart too. The fixed 12-hour water rule runs on the same data
 * beside it, and {@link HindsightThresholds} give the bound of a time-of-day threshold set knowing
 * the days it is judged on. Figures are taken from the day the engine judges by the learned routine
 * ({@code learningDays} complete days learned; days mostly out do not count).
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measures false alarms and time to detect on the four real homes, beside the fixed 12-hour rule.")
final class DetectionBenchmark implements Callable<Integer> {

    private static final Set<AlertType> ROUTINE = Set.of(AlertType.NO_WATER_USE, AlertType.NO_ACTIVITY, AlertType.NOT_RETURNED);
    private static final Duration HORIZON = Duration.ofHours(48);

    @Option(names = "--datasets", paramLabel = "DIR", defaultValue = "../shared/datasets",
            description = "the datasets folder (default: ${DEFAULT-VALUE})")
    Path datasets;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "tools/datasets/target/scenarios",
            description = "where the converted scenario files are written (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "detection settings (.cfg); default: the defaults")
    Path config;

    @Option(names = "--incidents-per-day", defaultValue = "4", description = "random incident moments per evaluated day (default: ${DEFAULT-VALUE})")
    int perDay;

    @Option(names = "--verbose", description = "list every false alarm, and every detected incident with its delay and alert, on stderr")
    boolean verbose;

    @Option(names = "--seed", defaultValue = "20241123", description = "seed of the incident moments (default: ${DEFAULT-VALUE})")
    long seed;

    /** Where incidents strike: at any moment, or while the resident is doing something. */
    enum Moments { UNIFORM, ACTIVITY }

    @Option(names = "--moments", defaultValue = "uniform",
            description = "uniform: incidents at random moments of the day (a third of them strike a sleeping resident); "
                    + "activity: right after a random real activity reading (falls happen while moving) (default: ${DEFAULT-VALUE})")
    Moments moments = Moments.UNIFORM;

    /** What one home gave. */
    private static final class Tally {
        double days;
        final Map<AlertType, Integer> falseAlarms = new EnumMap<>(AlertType.class);
        /** False alarms raised while the labels say nobody was home (a real absence the sensors could not see). */
        int falseAlarmsAway;
        /** False alarms every detector that misses nothing within 48 h must raise here: see {@link UnavoidableAlarms}. */
        int unavoidable;
        int fixedFalseAlarms;
        final List<Duration> detect = new ArrayList<>();
        final List<Duration> detectDay = new ArrayList<>();
        final List<Duration> detectNight = new ArrayList<>();
        final Map<AlertType, Integer> detectedBy = new EnumMap<>(AlertType.class);
        int missed;
        int alreadyOpen;
        final List<Duration> fixedDetect = new ArrayList<>();
        /** From each incident to the resident's next real activity: what no detector can beat. */
        final List<Duration> nextActivity = new ArrayList<>();
        /** The same incidents under thresholds set in hindsight: see {@link HindsightThresholds}. */
        final List<Duration> hindsight = new ArrayList<>();
        int fixedMissed;
        int fixedAlreadyOpen;
        long replayMillis;
        int readings;

        void add(Tally o) {
            days += o.days;
            o.falseAlarms.forEach((k, v) -> falseAlarms.merge(k, v, Integer::sum));
            falseAlarmsAway += o.falseAlarmsAway;
            unavoidable += o.unavoidable;
            fixedFalseAlarms += o.fixedFalseAlarms;
            detect.addAll(o.detect);
            detectDay.addAll(o.detectDay);
            detectNight.addAll(o.detectNight);
            o.detectedBy.forEach((k, v) -> detectedBy.merge(k, v, Integer::sum));
            missed += o.missed;
            alreadyOpen += o.alreadyOpen;
            fixedDetect.addAll(o.fixedDetect);
            nextActivity.addAll(o.nextActivity);
            hindsight.addAll(o.hindsight);
            fixedMissed += o.fixedMissed;
            fixedAlreadyOpen += o.fixedAlreadyOpen;
        }

        int falseAlarmCount() {
            return falseAlarms.values().stream().mapToInt(Integer::intValue).sum();
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
        Map<String, List<ScenarioRow>> homes = Datasets.convertAll(datasets);
        Map<String, Spans> outings = Datasets.outings(datasets);
        Map<String, Spans> timers = Datasets.timers(datasets);
        Files.createDirectories(out);
        Tally all = new Tally();
        StringBuilder table = new StringBuilder();
        table.append("| home | days judged | false alarms/day (NO_WATER_USE, NO_ACTIVITY, NOT_RETURNED) | of them while nobody was home"
                + " | unavoidable false alarms/day | fixed 12 h rule: false alarms/day | incidents | mean time to detect (day / night) | worst | missed in 48 h"
                + " | next real activity | thresholds in hindsight | fixed 12 h rule: mean, worst, missed |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<ScenarioRow>> home : homes.entrySet()) {
            ScenarioFiles.write(out.resolve(home.getKey() + ".csv"), "converted by tools/datasets for the detection benchmark",
                    home.getValue());
            Tally t = evaluate(home.getKey(), home.getValue(), outings.get(home.getKey()),
                    timers.getOrDefault(home.getKey(), Spans.NONE), options);
            all.add(t);
            row(table, home.getKey(), t);
            System.err.printf(Locale.ROOT, "%s: %d readings replayed in %d ms; false alarms %s%n",
                    home.getKey(), t.readings, t.replayMillis, t.falseAlarms);
        }
        row(table, "**all**", all);
        System.out.print(table);
        System.out.printf(Locale.ROOT, "%nIncident moments: %s. Detected by: %s. Incidents already under an open routine alert when injected"
                + " (left out): %d; under an open alert of the fixed rule (left out of its figures): %d. Next real activity: from"
                + " each incident moment to the resident's next activity in the real data, the mean (no detector can be faster).%n",
                moments.name().toLowerCase(Locale.ROOT), all.detectedBy, all.alreadyOpen, all.fixedAlreadyOpen);
        return 0;
    }

    private Tally evaluate(String name, List<ScenarioRow> rows, Spans out, Spans timers, DetectionOptions options) {
        List<ScenarioRow> sorted = new ArrayList<>(rows);
        sorted.sort(null);
        List<Reading> readings = new ArrayList<>(sorted.size());
        Set<Reading> timed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<String> devices = new TreeSet<>();
        for (ScenarioRow r : sorted) {
            Reading reading = new Reading(r.device(), r.kind(), r.value(), r.time().toInstant(ZoneOffset.UTC));
            readings.add(reading);
            if (r.kind() == ReadingKind.WATER && timers.contains(r.time())) {
                timed.add(reading);
            }
            devices.add(r.device());
        }
        Instant start = readings.get(0).time();
        Instant end = readings.get(readings.size() - 1).time();
        List<Reading> stream = withHourlyCheckIns(readings, devices, start, end.plus(HORIZON));
        Tally t = new Tally();
        t.readings = readings.size();
        long started = System.nanoTime();
        Replay baseline = run(stream, null, timed, end, options);
        t.replayMillis = (System.nanoTime() - started) / 1_000_000;
        // with learning off, the same days as with it on: from the end of the learningDays-th complete day
        LocalDateTime firstDay = local(start.minusNanos(1)).toLocalDate().plusDays(1).atStartOfDay();
        Instant judgedFrom = baseline.learnedFrom() != null ? baseline.learnedFrom()
                : firstDay.plusDays(options.learningDays()).toInstant(ZoneOffset.UTC);
        t.days = Duration.between(judgedFrom, end).toMinutes() / 1440.0;
        for (Alert a : baseline.alerts()) {
            if (ROUTINE.contains(a.type()) && a.state() == AlertState.RAISED && !a.time().isBefore(judgedFrom)) {
                t.falseAlarms.merge(a.type(), 1, Integer::sum);
                boolean away = out.contains(local(a.time()));
                if (away) {
                    t.falseAlarmsAway++;
                }
                if (verbose) {
                    System.err.println("  false alarm " + name + " " + local(a.time())
                            + " " + a.type() + (away ? " (nobody home)" : "") + ": " + a.reason());
                }
            }
        }
        List<Reading> water = readings.stream().filter(r -> r.kind() == ReadingKind.WATER).toList();
        t.fixedFalseAlarms = (int) FixedTwelveHourRule.raises(water, end).stream().filter(i -> !i.isBefore(judgedFrom)).count();

        Predicate<Reading> resident = r -> isResidents(r, timed);
        boolean waterOnly = readings.stream().allMatch(r -> !isMovement(r) || r.kind() == ReadingKind.WATER);
        List<Reading> activity = readings.stream()
                .filter(r -> waterOnly ? resident.test(r) && Double.parseDouble(r.value()) >= 0.5 : resident.test(r)).toList();
        LocalDateTime from = local(judgedFrom);
        LocalDateTime to = local(end);
        List<LocalDateTime> activityTimes = activity.stream().map(r -> local(r.time())).toList();
        HindsightThresholds ideal = new HindsightThresholds(activityTimes, out, from, to);
        UnavoidableAlarms.Floor floor = UnavoidableAlarms.count(activityTimes,
                activity.stream().filter(r -> r.kind() == ReadingKind.ENTRY_DOOR).map(r -> local(r.time())).collect(Collectors.toSet()),
                from, to, HORIZON, options.notReturnedAfter());
        t.unavoidable = floor.total();
        if (verbose) {
            System.err.println("  " + name + ": unavoidable false alarms " + floor);
        }
        for (LocalDateTime moment : incidentMoments(name, readings, resident, judgedFrom, end, out)) {
            Duration d = ideal.timeToDetect(moment, HORIZON);
            if (d != null) {
                t.hindsight.add(d);
            }
            incident(name, t, stream, water, timed, moment.toInstant(ZoneOffset.UTC), moment.toLocalTime(), options, d);
        }
        return t;
    }

    /**
     * {@code perDay} moments per judged day while the resident is at home: uniform over the day, or
     * one second after real activity readings drawn at random (the resident was doing something).
     */
    private List<LocalDateTime> incidentMoments(String name, List<Reading> readings, Predicate<Reading> resident,
                                                Instant judgedFrom, Instant end, Spans out) {
        Random random = new Random(seed ^ name.hashCode());
        List<LocalDateTime> moments = new ArrayList<>();
        if (this.moments == Moments.UNIFORM) {
            for (LocalDateTime day = local(judgedFrom);
                 day.toInstant(ZoneOffset.UTC).isBefore(end); day = day.plusDays(1)) {
                for (int k = 0; k < perDay; k++) {
                    LocalDateTime moment = day.plusSeconds(random.nextInt(86_400));
                    if (!moment.toInstant(ZoneOffset.UTC).isAfter(end) && !out.contains(moment)) {
                        moments.add(moment);
                    }
                }
            }
            return moments;
        }
        List<LocalDateTime> candidates = new ArrayList<>();
        for (Reading r : readings) {
            LocalDateTime at = local(r.time().plusSeconds(1));
            if (resident.test(r) && !r.time().isBefore(judgedFrom) && r.time().isBefore(end) && !out.contains(at)) {
                candidates.add(at);
            }
        }
        int n = (int) Math.round(perDay * Duration.between(judgedFrom, end).toMinutes() / 1440.0);
        java.util.Collections.shuffle(candidates, random);
        moments.addAll(candidates.subList(0, Math.min(n, candidates.size())));
        moments.sort(null);
        return moments;
    }

    private void incident(String name, Tally t, List<Reading> stream, List<Reading> water, Set<Reading> timed, Instant t0,
                          LocalTime at, DetectionOptions options, Duration hindsight) {
        List<Alert> alerts = run(stream, t0, timed, t0.plus(HORIZON), options).alerts();
        Map<String, Alert> open = new java.util.HashMap<>();
        Alert detected = null;
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
            } else if (a.state() == AlertState.RAISED && detected == null) {
                detected = a;
            }
        }
        if (!open.isEmpty()) {
            t.alreadyOpen++;
            return;
        }
        Duration next = stream.stream().filter(r -> r.time().isAfter(t0) && isResidents(r, timed))
                .findFirst().map(r -> Duration.between(t0, r.time())).orElse(null);
        if (next != null) {
            t.nextActivity.add(next);
        }
        if (detected == null) {
            t.missed++;
        } else {
            Duration d = Duration.between(t0, detected.time());
            t.detect.add(d);
            (at.getHour() >= 7 && at.getHour() < 22 ? t.detectDay : t.detectNight).add(d);
            t.detectedBy.merge(detected.type(), 1, Integer::sum);
            if (verbose) {
                System.err.println("  incident " + name + " " + local(t0) + " detected after "
                        + hm(d) + " by " + detected.type() + " (next real activity after " + hm(next) + ", in hindsight " + hm(hindsight) + "): "
                        + detected.reason());
            }
        }
        // the city's rule reads the meter's volume alone, so a timer's water after the incident counts for it
        List<Reading> metered = water.stream().filter(r -> r.time().isBefore(t0) || timed.contains(r)).toList();
        List<FixedTwelveHourRule.Episode> episodes = FixedTwelveHourRule.episodes(metered, t0.plus(HORIZON));
        if (episodes.stream().anyMatch(e -> e.raised().isBefore(t0) && e.openAt(t0))) {
            t.fixedAlreadyOpen++;
            return;
        }
        Instant fixed = episodes.stream().map(FixedTwelveHourRule.Episode::raised)
                .filter(i -> !i.isBefore(t0)).findFirst().orElse(null);
        if (fixed == null) {
            t.fixedMissed++;
        } else {
            t.fixedDetect.add(Duration.between(t0, fixed));
        }
    }

    /** Movement by the resident: not a timer's water. */
    private static boolean isResidents(Reading r, Set<Reading> timed) {
        return isMovement(r) && !timed.contains(r);
    }

    /** A reading that shows the resident doing something (a motion sensor going quiet does not). */
    private static boolean isMovement(Reading r) {
        return r.kind().isActivity() && !(r.kind() == ReadingKind.MOTION && r.value().equals("off"));
    }

    /** What a replay raised and cleared, and the start of the first day it judged by the learned routine (or null). */
    private record Replay(List<Alert> alerts, Instant learnedFrom) {
    }

    /**
     * Replays {@code stream}; from {@code cutoff} on, only check-ins and a timer's water pass (all
     * activity has stopped; a sprinkler's timer has not).
     */
    private static Replay run(List<Reading> stream, Instant cutoff, Set<Reading> timed, Instant until, DetectionOptions options) {
        List<Alert> alerts = new ArrayList<>();
        Instant learnedFrom = null;
        try (DetectionEngine engine = DetectionEngine.create(options)) {
            for (Reading r : stream) {
                if (r.time().isAfter(until)) {
                    break;
                }
                if (cutoff != null && !r.time().isBefore(cutoff) && r.kind() != ReadingKind.HEARTBEAT && !timed.contains(r)) {
                    continue;
                }
                alerts.addAll(engine.onReading(r));
                if (learnedFrom == null && engine.learnedDays() >= options.learningDays()) {
                    learnedFrom = r.time().truncatedTo(java.time.temporal.ChronoUnit.DAYS);
                }
            }
            alerts.addAll(engine.advanceTo(until));
        }
        return new Replay(alerts, learnedFrom);
    }

    private static List<Reading> withHourlyCheckIns(List<Reading> readings, Set<String> devices, Instant from, Instant to) {
        List<Reading> all = new ArrayList<>(readings);
        for (Instant h = from.truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusSeconds(3600); !h.isAfter(to); h = h.plusSeconds(3600)) {
            for (String d : devices) {
                all.add(new Reading(d, ReadingKind.HEARTBEAT, "ok", h));
            }
        }
        all.sort(java.util.Comparator.comparing(Reading::time));
        return all;
    }

    private static void row(StringBuilder table, String name, Tally t) {
        table.append(String.format(Locale.ROOT, "| %s | %.1f | %.3f (%d: %s) | %d | %.3f (%d) | %.3f (%d) | %d | %s (%s / %s) | %s | %d | %s | %s | %s, %s, %d |%n",
                name, t.days, t.falseAlarmCount() / t.days, t.falseAlarmCount(), t.falseAlarms, t.falseAlarmsAway,
                t.unavoidable / t.days, t.unavoidable,
                t.fixedFalseAlarms / t.days, t.fixedFalseAlarms,
                t.detect.size() + t.missed, hm(mean(t.detect)), hm(mean(t.detectDay)), hm(mean(t.detectNight)),
                hm(max(t.detect)), t.missed, hm(mean(t.nextActivity)), hm(mean(t.hindsight)), hm(mean(t.fixedDetect)), hm(max(t.fixedDetect)), t.fixedMissed));
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
