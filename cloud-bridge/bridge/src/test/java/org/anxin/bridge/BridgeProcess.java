package org.anxin.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code anxin bridge} in a JVM of its own ({@link BridgeMain}), as in production, for the tests that kill one. */
final class BridgeProcess implements AutoCloseable {

    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    private BridgeProcess(Process process) {
        this.process = process;
    }

    /** Starts it with these command-line arguments and waits until it runs; its output lines are collected. */
    static BridgeProcess start(String... args) throws Exception {
        return start(Map.of(), args);
    }

    /** The same, with these variables added to its environment (a password the command line must not show). */
    static BridgeProcess start(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BridgeMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        BridgeProcess bridge = new BridgeProcess(builder.start());
        CountDownLatch running = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(bridge.process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    bridge.output.add(line);
                    if (line.contains("Anxin bridge running")) {
                        running.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        if (!running.await(30, TimeUnit.SECONDS)) {
            bridge.close();
        }
        assertThat(running.getCount()).as("the bridge process started: %s", bridge.output).isZero();
        return bridge;
    }

    /** What it has printed so far. */
    List<String> output() {
        return output;
    }

    /** SIGKILL: it dies holding whatever it holds. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
