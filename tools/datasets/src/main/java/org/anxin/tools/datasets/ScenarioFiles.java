package org.anxin.tools.datasets;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes scenario files: the pinned header, rows in time order. */
public final class ScenarioFiles {

    private ScenarioFiles() {
    }

    public static void write(Path file, String comment, List<ScenarioRow> rows) throws IOException {
        List<ScenarioRow> sorted = new ArrayList<>(rows);
        sorted.sort(null);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String line : comment.split("\n")) {
                out.write("# " + line);
                out.newLine();
            }
            out.write("time,device,kind,value");
            out.newLine();
            for (ScenarioRow row : sorted) {
                out.write(row.toCsv());
                out.newLine();
            }
        }
    }
}
