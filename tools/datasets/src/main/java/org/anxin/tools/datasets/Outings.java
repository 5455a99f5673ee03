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
 * When the resident was out, from a dataset's activity labels (Ordonez "Leaving", van Kasteren
 * activity 1 "leave house"). The benchmark injects incidents only while the resident is at home:
 * a fall outside is not something a home's sensors can see, other than as NOT_RETURNED.
 */
public record Outings(List<LocalDateTime[]> intervals) {

    public static final Outings NONE = new Outings(List.of());

    public boolean contains(LocalDateTime t) {
        for (LocalDateTime[] i : intervals) {
            if (!t.isBefore(i[0]) && !t.isAfter(i[1])) {
                return true;
            }
        }
        return false;
    }

    public static Outings ordonez(Path adls) throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
        List<LocalDateTime[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(adls, StandardCharsets.ISO_8859_1)) {
            String[] p = line.strip().split("\t+");
            if (p.length >= 3 && p[2].strip().equals("Leaving")) {
                out.add(new LocalDateTime[] {LocalDateTime.parse(p[0].strip(), f), LocalDateTime.parse(p[1].strip(), f)});
            }
        }
        return new Outings(out);
    }

    public static Outings kasteren(Path actData) throws IOException {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ENGLISH);
        List<LocalDateTime[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(actData, StandardCharsets.ISO_8859_1)) {
            String[] p = line.strip().split("\t+");
            if (p.length >= 3 && !p[0].isEmpty() && Character.isDigit(p[0].charAt(0)) && p[2].strip().equals("1")) {
                out.add(new LocalDateTime[] {LocalDateTime.parse(p[0].strip(), f), LocalDateTime.parse(p[1].strip(), f)});
            }
        }
        return new Outings(out);
    }
}
