package org.anxin.tools.datasets;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
 * CIWS water events ({@code Classified_Events.csv}): StartTime, EndTime, Duration(min),
 * Volume(gal), ... Label. A house meter reports litres per minute while water runs, so each event
 * becomes one {@code water} reading per started minute of its duration, the event's volume spread
 * evenly (1 gal = 3.785 L), from one device, {@code water-meter}.
 */
public final class CiwsConverter {

    static final BigDecimal LITRES_PER_GALLON = new BigDecimal("3.785411784");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    public List<ScenarioRow> convert(Path events) throws IOException {
        List<ScenarioRow> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        String name = events.getFileName().toString();
        long order = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 4) {
                throw new DatasetFormatException(name, i + 1, "expected StartTime,EndTime,Duration,Volume,...; got '" + line + "'");
            }
            LocalDateTime start;
            BigDecimal minutes;
            BigDecimal gallons;
            try {
                start = LocalDateTime.parse(f[0].strip(), TIME);
                minutes = new BigDecimal(f[2].strip());
                gallons = new BigDecimal(f[3].strip());
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new DatasetFormatException(name, i + 1, "bad time or number in '" + line + "'");
            }
            int readings = Math.max(1, minutes.setScale(0, RoundingMode.CEILING).intValue());
            BigDecimal each = gallons.multiply(LITRES_PER_GALLON).divide(BigDecimal.valueOf(readings), 2, RoundingMode.HALF_UP);
            for (int m = 0; m < readings; m++) {
                rows.add(new ScenarioRow(start.plusMinutes(m + 1L), "water-meter", ReadingKind.WATER, each.toPlainString(), order++));
            }
        }
        return rows;
    }
}
