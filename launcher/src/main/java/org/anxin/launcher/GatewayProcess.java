package org.anxin.launcher;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway runtime in its own JVM, as on a Raspberry Pi: the exported jar, a configuration
 * directory watched by FileInstall, a data directory for the outbox and status, and a small heap.
 */
final class GatewayProcess implements AutoCloseable {

    static final String DEFAULT_HEAP = "64m";

    private final Process process;

    private GatewayProcess(Process process) {
        this.process = process;
    }

    static GatewayProcess start(Path jar, Path configDir, Path dataDir, String heap, Redirect output) throws IOException {
        return start(jar, configDir, dataDir, heap, output, java.util.Map.of());
    }

    /** With extra system properties, e.g. {@code anxin.gpio.board=mock} on a test bench. */
    static GatewayProcess start(Path jar, Path configDir, Path dataDir, String heap, Redirect output,
                                java.util.Map<String, String> properties) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-Dfelix.fileinstall.dir=" + configDir.toAbsolutePath());
        command.add("-Danxin.data=" + dataDir.toAbsolutePath());
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
        builder.redirectInput(Redirect.PIPE);
        return new GatewayProcess(builder.start());
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** Stops the gateway the way a service manager does: politely, then firmly. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
