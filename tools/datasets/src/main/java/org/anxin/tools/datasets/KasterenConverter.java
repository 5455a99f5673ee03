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
import java.util.Map;
import org.anxin.protocol.ReadingKind;

/**
 * van Kasteren house A ({@code kasterenSenseData.txt}): start, end, sensor id, value (always 1).
 * Every sensor there is a reed contact except the toilet's float sensor: the Frontdoor is the
 * entrance, the flush one use of 6 L at the start, and every other contact (inner doors,
 * cupboards, fridge, freezer, microwave, dishwasher and washing-machine doors) a door open from
 * start to end.
 */
public final class KasterenConverter {

    /** Sensor ids and names, from the dataset's own list. */
    static final Map<Integer, String> SENSORS = Map.ofEntries(
            Map.entry(1, "microwave"), Map.entry(5, "hall-toilet-door"), Map.entry(6, "hall-bathroom-door"),
            Map.entry(7, "cups-cupboard"), Map.entry(8, "fridge"), Map.entry(9, "plates-cupboard"),
            Map.entry(12, "frontdoor"), Map.entry(13, "dishwasher"), Map.entry(14, "toilet-flush"),
            Map.entry(17, "freezer"), Map.entry(18, "pans-cupboard"), Map.entry(20, "washingmachine"),
            Map.entry(23, "groceries-cupboard"), Map.entry(24, "hall-bedroom-door"));
    static final int FRONTDOOR = 12;
    static final int TOILET_FLUSH = 14;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.ENGLISH);

    public List<ScenarioRow> convert(Path senseData) throws IOException {
        List<ScenarioRow> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(senseData, StandardCharsets.ISO_8859_1);
        String name = senseData.getFileName().toString();
        long order = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || !Character.isDigit(line.charAt(0))) {
                continue;
            }
            String[] f = line.split("\t+");
            if (f.length < 3) {
                throw new DatasetFormatException(name, i + 1, "expected start, end, id, value; got '" + line + "'");
            }
            LocalDateTime start = parse(f[0], name, i + 1);
            LocalDateTime end = parse(f[1], name, i + 1);
            int id;
            try {
                id = Integer.parseInt(f[2].strip());
            } catch (NumberFormatException e) {
                throw new DatasetFormatException(name, i + 1, "sensor id '" + f[2].strip() + "' is not a number");
            }
            String device = SENSORS.get(id);
            if (device == null) {
                throw new DatasetFormatException(name, i + 1, "unknown sensor id " + id);
            }
            if (id == TOILET_FLUSH) {
                rows.add(new ScenarioRow(start, device, ReadingKind.WATER, OrdonezConverter.FLUSH_LITRES, order));
            } else {
                OrdonezConverter.pair(rows, start, end, device, id == FRONTDOOR ? ReadingKind.ENTRY_DOOR : ReadingKind.DOOR,
                        "open", "closed", order);
            }
            order += 2;
        }
        return rows;
    }

    private static LocalDateTime parse(String text, String file, int line) {
        try {
            return LocalDateTime.parse(text.strip(), TIME);
        } catch (DateTimeParseException e) {
            throw new DatasetFormatException(file, line, "'" + text.strip() + "' is not a time like 25-Feb-2008 09:33:41");
        }
    }
}
