package org.anxin.tools.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.anxin.protocol.ReadingKind;

/**
 * Ordonez homes A and B ({@code OrdonezX_Sensors.txt}): one row per sensor activation, start and
 * end time, location, type, place, separated by tabs. Per the dataset's README: a PIR is motion
 * from start to end, a pressure mat (bed, seat) presence, an electric sensor an appliance in use,
 * a magnetic contact a door open from start to end (the Maindoor is the entrance), and a flush one
 * toilet flush at the start, taken as 6 L (a modern dual-flush toilet uses 4.5 to 6 L).
 */
public final class OrdonezConverter {

    static final String FLUSH_LITRES = "6";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    public List<ScenarioRow> convert(Path sensors) throws IOException {
        List<ScenarioRow> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(sensors, StandardCharsets.ISO_8859_1);
        String name = sensors.getFileName().toString();
        long order = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("Start") || line.startsWith("---")) {
                continue;
            }
            String[] f = line.split("\t+");
            if (f.length < 5) {
                throw new DatasetFormatException(name, i + 1, "expected start, end, location, type, place; got '" + line + "'");
            }
            LocalDateTime start = parse(f[0], name, i + 1);
            LocalDateTime end = parse(f[1], name, i + 1);
            String location = f[2].strip();
            String type = f[3].strip();
            String device = (f[4].strip() + "-" + location).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "_");
            switch (type) {
                case "PIR" -> pair(rows, start, end, device, ReadingKind.MOTION, "on", "off", order);
                case "Pressure" -> pair(rows, start, end, device, ReadingKind.PRESENCE, "on", "off", order);
                case "Electric" -> pair(rows, start, end, device, ReadingKind.POWER, "on", "off", order);
                case "Magnetic" -> pair(rows, start, end, device,
                        location.equalsIgnoreCase("Maindoor") ? ReadingKind.ENTRY_DOOR : ReadingKind.DOOR, "open", "closed", order);
                case "Flush" -> rows.add(new ScenarioRow(start, device, ReadingKind.WATER, FLUSH_LITRES, order));
                default -> throw new DatasetFormatException(name, i + 1, "unknown sensor type '" + type + "'");
            }
            order += 2;
        }
        return rows;
    }

    static void pair(List<ScenarioRow> rows, LocalDateTime start, LocalDateTime end, String device, ReadingKind kind,
                     String on, String off, long order) {
        rows.add(new ScenarioRow(start, device, kind, on, order));
        rows.add(new ScenarioRow(end.isBefore(start) ? start : end, device, kind, off, order + 1));
    }

    private static LocalDateTime parse(String text, String file, int line) {
        try {
            return LocalDateTime.parse(text.strip(), TIME);
        } catch (DateTimeParseException e) {
            throw new DatasetFormatException(file, line, "'" + text.strip() + "' is not a time like 2011-11-28 10:21:24");
        }
    }
}
