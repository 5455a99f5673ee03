package org.anxin.tools.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Spans of time a dataset's labels mark, which a home's sensors cannot tell apart themselves:
 * <ul>
 * <li>outings, when the resident was out (Ordonez "Leaving", van Kasteren activity 1 "leave
 * house"). The benchmark injects incidents only while the resident is at home: a fall outside is
 * not something a home's sensors can see, other than as NOT_RETURNED;</li>
 * <li>timer runs, when a timer ran the water (CIWS "irrigation"). A timer goes on after an
 * incident, so the benchmark keeps its readings flowing then, and they are no resident's
 * activity.</li>
 * </ul>
 */
public record Spans(List<LocalDateTime[]> intervals) {

    public static final Spans NONE = new Spans(List.of());

    /** Ordonez's and CIWS's local times. */
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    public boolean contains(LocalDateTime t) {
        for (LocalDateTime[] i : intervals) {
            if (!t.isBefore(i[0]) && !t.isAfter(i[1])) {
                return true;
            }
        }
        return false;
    }

    /** The same spans {@code by} later (a home whose whole day is shifted). */
    public Spans shifted(java.time.Duration by) {
        return new Spans(intervals.stream().map(i -> new LocalDateTime[] {i[0].plus(by), i[1].plus(by)}).toList());
    }

    public static Spans ordonezOutings(Path adls) throws IOException {
        List<LocalDateTime[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(adls, StandardCharsets.ISO_8859_1)) {
            String[] p = line.strip().split("\t+");
            if (p.length >= 3 && p[2].strip().equals("Leaving")) {
                out.add(new LocalDateTime[] {LocalDateTime.parse(p[0].strip(), LOCAL), LocalDateTime.parse(p[1].strip(), LOCAL)});
            }
        }
        return new Spans(out);
    }

    public static Spans kasterenOutings(Path actData) throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ENGLISH);
        List<LocalDateTime[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(actData, StandardCharsets.ISO_8859_1)) {
            String[] p = line.strip().split("\t+");
            if (p.length >= 3 && !p[0].isEmpty() && Character.isDigit(p[0].charAt(0)) && p[2].strip().equals("1")) {
                out.add(new LocalDateTime[] {LocalDateTime.parse(p[0].strip(), f), LocalDateTime.parse(p[1].strip(), f)});
            }
        }
        return new Spans(out);
    }

    /**
     * CIWS has no activity labels, but its events are labelled by end use. The sprinkler system
     * runs on a timer, so a day and more with no indoor use (faucet, toilet, shower, washers) is a
     * family away from home: the time between the last indoor use and the next is an outing.
     */
    public static Spans ciwsOutings(Path events, java.time.Duration atLeast) throws IOException {
        java.util.Set<String> indoor = java.util.Set.of("faucet", "toilet", "shower", "clothwasher", "dishwasher", "bathtub");
        List<LocalDateTime> uses = new ArrayList<>();
        for (String[] p : ciwsEvents(events)) {
            if (indoor.contains(p[7])) {
                uses.add(LocalDateTime.parse(p[1], LOCAL));
            }
        }
        uses.sort(null);
        List<LocalDateTime[]> out = new ArrayList<>();
        for (int i = 1; i < uses.size(); i++) {
            if (java.time.Duration.between(uses.get(i - 1), uses.get(i)).compareTo(atLeast) >= 0) {
                out.add(new LocalDateTime[] {uses.get(i - 1), uses.get(i)});
            }
        }
        return new Spans(out);
    }

    /**
     * The CIWS sprinkler system's runs: each "irrigation" event from its start to the end of its
     * last minute, as {@link CiwsConverter} spreads it into readings.
     */
    public static Spans ciwsTimers(Path events) throws IOException {
        List<LocalDateTime[]> runs = new ArrayList<>();
        for (String[] p : ciwsEvents(events)) {
            if (p[7].equals("irrigation")) {
                LocalDateTime start = LocalDateTime.parse(p[0], LOCAL);
                long minutes = (long) Math.ceil(Double.parseDouble(p[2]));
                runs.add(new LocalDateTime[] {start, start.plusMinutes(Math.max(1, minutes))});
            }
        }
        return new Spans(runs);
    }

    /** The labelled rows of {@code Classified_Events.csv}, after its header: fields stripped, the label in lower case. */
    private static List<String[]> ciwsEvents(Path events) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String[] p = lines.get(i).strip().split(",");
            if (p.length >= 8) {
                for (int k = 0; k < p.length; k++) {
                    p[k] = p[k].strip();
                }
                p[7] = p[7].toLowerCase(Locale.ROOT);
                rows.add(p);
            }
        }
        return rows;
    }
}
