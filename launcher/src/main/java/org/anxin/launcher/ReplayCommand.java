package org.anxin.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.anxin.detection.DetectionEngine;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.RoutineStore;
import org.anxin.driver.replay.ScenarioException;
import org.anxin.driver.replay.ScenarioLine;
import org.anxin.driver.replay.ScenarioReader;
import org.anxin.protocol.Alert;
import org.anxin.protocol.MessageCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code anxin replay}: the gateway's detection engine over a scenario file on a virtual clock, as
 * fast as it runs. One JSON object per alert raised or cleared goes to stdout, nothing else.
 */
@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {"Runs the detection engine over a scenario file (CSV time,device,kind,value) on a virtual"
                + " clock, as fast as it can, and writes one JSON object per line to stdout for every alert"
                + " raised or cleared: time (ISO-8601 local), type, state, severity, device, reason, id."
                + " With --until the virtual clock runs on past the last reading, so silence raises alerts too."
                + " Logs go to stderr. A bad line stops the replay with its line number (exit status 2)."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE", required = true, description = "the scenario file")
    Path scenario;

    @Option(names = "--config", paramLabel = "FILE",
            description = "detection settings: a .cfg file with the properties of org.anxin.detection")
    Path config;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "the home's time zone: the scenario's local times are placed in it and the routine's hours read in it,"
                    + " e.g. Europe/Berlin (default: the config file's zone, else Asia/Shanghai, as on a gateway)")
    String zone;

    @Option(names = "--until", paramLabel = "TIME",
            description = "keep the virtual clock running past the last reading until this local time, e.g. 2024-03-05T08:00:00")
    String until;

    @Override
    public Integer call() throws IOException {
        DetectionOptions options = readConfig(config);
        ZoneId home = options.zone();
        LocalDateTime end = parseUntil();
        if (!Files.isReadable(scenario)) {
            throw new ParameterException(spec.commandLine(), "scenario file " + scenario + " does not exist or cannot be read");
        }
        PrintStream out = System.out;
        LocalDateTime last = null;
        // the routine is learned in memory only: a replay never touches a gateway's detection.db
        try (DetectionEngine engine = DetectionEngine.create(options, home, RoutineStore.inMemory());
             ScenarioReader reader = ScenarioReader.open(scenario)) {
            while (reader.hasNext()) {
                ScenarioLine line = reader.next();
                last = line.time();
                for (Alert alert : engine.onReading(line.toReading(home))) {
                    out.println(toJson(alert, home));
                }
            }
            if (end != null && last != null && end.isBefore(last)) {
                System.err.println("warning: --until " + end + " is before the last reading at " + last);
            } else if (end != null) {
                for (Alert alert : engine.advanceTo(end.atZone(home).toInstant())) {
                    out.println(toJson(alert, home));
                }
            }
        } catch (ScenarioException e) {
            out.flush();
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        out.flush();
        return 0;
    }

    /** Scenario times are local without a zone: placed in the home's zone and printed back in it. */
    static String toJson(Alert alert, ZoneId zone) {
        ObjectNode node = MessageCodec.mapper().createObjectNode();
        node.put("time", LocalDateTime.ofInstant(alert.time(), zone).toString());
        node.put("type", alert.type().name());
        node.put("state", alert.state().wireName());
        node.put("severity", alert.severity().wireName());
        if (alert.device() != null) {
            node.put("device", alert.device());
        }
        node.put("reason", alert.reason());
        node.put("id", alert.id());
        return node.toString();
    }

    private LocalDateTime parseUntil() {
        if (until == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(until);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--until '" + until + "' is not a local date-time like 2024-03-05T08:00:00");
        }
    }

    /** The settings of {@code file} (none: the defaults), with {@code --zone} in place of the file's zone. */
    private DetectionOptions readConfig(Path file) throws IOException {
        Properties properties = new Properties();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            }
            try {
                DetectionOptions.fromProperties(properties);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "config file " + file + ": " + e.getMessage());
            }
        }
        if (zone != null) {
            properties.setProperty(DetectionOptions.Setting.ZONE.property(), zone);
        }
        try {
            return DetectionOptions.fromProperties(properties);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--zone: " + e.getMessage());
        }
    }
}
