package org.anxin.tools.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code datasets}: converts the public smart-home datasets into scenario files, and runs the
 * detection benchmark on them. See docs/detection.md.
 */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "Converts public smart-home datasets into Anxin scenario files, and benchmarks detection on them.",
        subcommands = {Datasets.Convert.class, Datasets.ConvertOne.class, DetectionBenchmark.class, Datasets.Prior.class})
public final class Datasets {

    /** The four homes of ../shared/datasets, each converted by its own converter. */
    static Map<String, List<ScenarioRow>> convertAll(Path datasets) throws IOException {
        Map<String, List<ScenarioRow>> homes = new LinkedHashMap<>();
        homes.put("ordonez-a", new OrdonezConverter().convert(datasets.resolve("ordonez/OrdonezA_Sensors.txt")));
        homes.put("ordonez-b", new OrdonezConverter().convert(datasets.resolve("ordonez/OrdonezB_Sensors.txt")));
        homes.put("kasteren-a", new KasterenConverter().convert(datasets.resolve("kasteren/kasterenSenseData.txt")));
        homes.put("ciws", new CiwsConverter().convert(datasets.resolve("ciws-water/Classified_Events.csv")));
        return homes;
    }

    static Map<String, Spans> outings(Path datasets) throws IOException {
        return Map.of(
                "ordonez-a", Spans.ordonezOutings(datasets.resolve("ordonez/OrdonezA_ADLs.txt")),
                "ordonez-b", Spans.ordonezOutings(datasets.resolve("ordonez/OrdonezB_ADLs.txt")),
                "kasteren-a", Spans.kasterenOutings(datasets.resolve("kasteren/kasterenActData.txt")),
                "ciws", Spans.ciwsOutings(datasets.resolve("ciws-water/Classified_Events.csv"), java.time.Duration.ofHours(24)));
    }

    /** When a timer ran the water, in the homes that have one; see {@link Spans}. */
    static Map<String, Spans> timers(Path datasets) throws IOException {
        return Map.of("ciws", Spans.ciwsTimers(datasets.resolve("ciws-water/Classified_Events.csv")));
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Converts Ordonez A and B, van Kasteren A and CIWS into ordonez-a.csv, ordonez-b.csv, kasteren-a.csv, ciws.csv.")
    static final class Convert implements Callable<Integer> {
        @Option(names = "--datasets", paramLabel = "DIR", defaultValue = "../shared/datasets",
                description = "the datasets folder (default: ${DEFAULT-VALUE})")
        Path datasets;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "where the scenario files go")
        Path out;

        @Override
        public Integer call() throws IOException {
            Files.createDirectories(out);
            for (Map.Entry<String, List<ScenarioRow>> home : convertAll(datasets).entrySet()) {
                Path file = out.resolve(home.getKey() + ".csv");
                ScenarioFiles.write(file, "converted from " + datasets + " (" + home.getKey() + ") by tools/datasets", home.getValue());
                System.err.println(file + ": " + home.getValue().size() + " readings");
            }
            return 0;
        }
    }

    @Command(name = "convert-one", mixinStandardHelpOptions = true,
            description = "Converts one dataset file: FORMAT is ordonez (OrdonezX_Sensors.txt), kasteren (kasterenSenseData.txt) or ciws (Classified_Events.csv).")
    static final class ConvertOne implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FORMAT")
        String format;

        @Parameters(index = "1", paramLabel = "IN")
        Path in;

        @Parameters(index = "2", paramLabel = "OUT")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<ScenarioRow> rows = switch (format) {
                case "ordonez" -> new OrdonezConverter().convert(in);
                case "kasteren" -> new KasterenConverter().convert(in);
                case "ciws" -> new CiwsConverter().convert(in);
                default -> throw new CommandLine.ParameterException(new CommandLine(this),
                        "unknown format '" + format + "'; expected ordonez, kasteren or ciws");
            };
            ScenarioFiles.write(out, "converted from " + in + " by tools/datasets", rows);
            System.err.println(out + ": " + rows.size() + " readings");
            return 0;
        }
    }

    @Command(name = "prior", mixinStandardHelpOptions = true,
            description = "Fits the detection engine's population prior (GapPrior.SHIPPED) on the shared homes and prints it.")
    static final class Prior implements Callable<Integer> {
        @Option(names = "--datasets", paramLabel = "DIR", defaultValue = "../shared/datasets",
                description = "the datasets folder (default: ${DEFAULT-VALUE})")
        Path datasets;

        @Override
        public Integer call() throws IOException {
            Map<String, HomeData> homes = new LinkedHashMap<>();
            convertAll(datasets).forEach((name, rows) -> homes.put(name, new HomeData(rows, Spans.NONE, Spans.NONE)));
            Map<String, DetectionBenchmark.Profiles> profiles = DetectionBenchmark.activityProfiles(homes,
                    org.anxin.detection.DetectionOptions.DEFAULTS);
            profiles.forEach((name, p) -> System.err.println(name + ": " + p.whole().size() + " days"));
            org.anxin.detection.GapPrior prior = DetectionBenchmark.fit(profiles, name -> true);
            StringBuilder out = new StringBuilder();
            for (int[] m : new int[][] {prior.minutes(), prior.restingMinutes()}) {
                for (int i = 0; i < m.length; i++) {
                    out.append(i % 12 == 0 ? (i == 0 ? "" : ",\n") : ", ").append(m[i]);
                }
                out.append("\n\n");
            }
            System.out.println(out);
            return 0;
        }
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Datasets()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof DatasetFormatException || e instanceof IOException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
