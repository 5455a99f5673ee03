package org.anxin.driver.replay;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * Reads a scenario file line by line, checking each line as the format pins it: the header
 * {@code time,device,kind,value}, ISO-8601 local times that never go backwards, device ids,
 * kinds and their values. Comments ({@code #}) and blank lines are skipped. The first bad line
 * stops the reader with a {@link ScenarioException} naming the line.
 */
public final class ScenarioReader implements Iterator<ScenarioLine>, Closeable {

    public static final String HEADER = "time,device,kind,value";

    private final BufferedReader in;
    private final String source;
    private int lineNumber;
    private boolean headerSeen;
    private LocalDateTime previousTime;
    private ScenarioLine next;

    public ScenarioReader(BufferedReader in, String source) {
        this.in = in;
        this.source = source;
    }

    public static ScenarioReader open(Path file) throws IOException {
        return new ScenarioReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads a whole file; for files small enough to hold in memory. */
    public static List<ScenarioLine> readAll(Path file) throws IOException {
        List<ScenarioLine> lines = new ArrayList<>();
        try (ScenarioReader reader = open(file)) {
            reader.forEachRemaining(lines::add);
        }
        return lines;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readLine();
        }
        return next != null;
    }

    @Override
    public ScenarioLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ScenarioLine line = next;
        next = null;
        return line;
    }

    private ScenarioLine readLine() {
        try {
            String raw;
            while ((raw = in.readLine()) != null) {
                lineNumber++;
                String text = lineNumber == 1 ? stripBom(raw).trim() : raw.trim();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                if (!headerSeen) {
                    if (!text.replace(" ", "").equalsIgnoreCase(HEADER)) {
                        throw fail("expected the header '" + HEADER + "', found '" + text + "'");
                    }
                    headerSeen = true;
                    continue;
                }
                return parse(text);
            }
            if (!headerSeen) {
                throw fail("no header '" + HEADER + "': the file is empty");
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": " + e.getMessage(), e);
        }
    }

    private ScenarioLine parse(String text) {
        String[] fields = text.split(",", -1);
        if (fields.length != 4) {
            throw fail("expected 4 fields (time,device,kind,value), found " + fields.length);
        }
        LocalDateTime time;
        try {
            time = LocalDateTime.parse(fields[0].trim());
        } catch (DateTimeParseException e) {
            throw fail("time '" + fields[0].trim() + "' is not an ISO-8601 local date-time like 2024-03-01T07:15:00");
        }
        if (previousTime != null && time.isBefore(previousTime)) {
            throw fail("time " + time + " is before the previous line's " + previousTime + "; times must not decrease");
        }
        String device = fields[1].trim();
        if (!Reading.DEVICE_ID.matcher(device).matches()) {
            throw fail("device id '" + device + "' does not match " + Reading.DEVICE_ID.pattern());
        }
        try {
            ReadingKind kind = ReadingKind.fromWireName(fields[2].trim());
            String value = kind.canonicalValue(fields[3]);
            previousTime = time;
            return new ScenarioLine(lineNumber, time, device, kind, value);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
    }

    private ScenarioException fail(String problem) {
        return new ScenarioException(source, lineNumber, problem);
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
