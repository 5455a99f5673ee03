package org.anxin.launcher;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code anxin gateway}: runs the gateway runtime (Felix + the Anxin bundles) in the foreground. */
@Command(name = "gateway",
        mixinStandardHelpOptions = true,
        description = {"Runs the gateway: the OSGi runtime with the drivers, detection, the outbox and the"
                + " MQTT uplink. Configuration is read from *.cfg files in the config directory, one per"
                + " component (see gateway-bundles/runtime/conf for an example); edit a file and the"
                + " gateway applies it. A file with an error is reported with its name, and the rest of the"
                + " gateway keeps running. Component states are written to DATA/status.json. Stops on Ctrl-C."})
final class GatewayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "conf",
            description = "configuration directory (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "data directory for the outbox and status.json (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = GatewayProcess.DEFAULT_HEAP,
            description = "Java heap limit (default: ${DEFAULT-VALUE}, what a Raspberry Pi gateway gets)")
    String heap;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.isDirectory(config)) {
            throw new ParameterException(spec.commandLine(), "config directory " + config.toAbsolutePath()
                    + " does not exist; start from the example: cp -r gateway-bundles/runtime/conf " + config);
        }
        try (Stream<Path> files = Files.list(config)) {
            if (files.noneMatch(p -> p.toString().endsWith(".cfg"))) {
                System.err.println("warning: " + config.toAbsolutePath() + " has no *.cfg file; the uplink needs org.anxin.uplink.cfg with a gatewayId");
            }
        }
        Files.createDirectories(data);
        GatewayProcess gateway = GatewayProcess.start(AnxinHome.gatewayJar(), config, data, heap, Redirect.INHERIT);
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "anxin-gateway-stop"));
        return gateway.waitFor();
    }
}
