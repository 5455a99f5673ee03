package org.anxin.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A {@link LoadGateway} in its own JVM, and what it said it accepted. */
final class GatewayUnderTest implements AutoCloseable {

    /** seq of every message the gateway reported accepted, to its key (shared across restarts). */
    final Map<Long, String> accepted;
    private final Process process;
    private final Thread reader;
    private volatile String storeLine;
    private volatile long queued = -1;
    private volatile boolean generated;

    private GatewayUnderTest(Process process, Map<Long, String> accepted) {
        this.process = process;
        this.accepted = accepted;
        this.reader = new Thread(this::read, "gateway-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static GatewayUnderTest start(Path data, String broker, String gateway, String run, int rate, long count,
                                  int alertEvery, Map<Long, String> accepted) throws IOException {
        String classpath = System.getProperty("anxin.faults.classpath");
        if (classpath == null) {
            throw new IllegalStateException("system property anxin.faults.classpath is not set (run through Maven)");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classpath, LoadGateway.class.getName(),
                data.toString(), broker, gateway, run, Integer.toString(rate), Long.toString(count),
                Integer.toString(alertEvery)));
        Process p = new ProcessBuilder(command).redirectError(data.resolve("gateway-" + run + ".log").toFile()).start();
        return new GatewayUnderTest(p, accepted);
    }

    static Map<Long, String> newLedger() {
        return new ConcurrentHashMap<>();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("A ")) {
                    int space = line.indexOf(' ', 2);
                    accepted.put(Long.parseLong(line.substring(2, space)), line.substring(space + 1));
                } else if (line.startsWith("S ")) {
                    queued = Long.parseLong(line.split(" ")[1]);
                } else if (line.startsWith("STORE ")) {
                    storeLine = line;
                } else if (line.startsWith("GENERATED")) {
                    generated = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // killed mid-line: a partial line is no promise
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String storeLine() {
        return storeLine;
    }

    /** Messages waiting in the outbox, as last reported; -1 before the first report. */
    long queued() {
        return queued;
    }

    boolean generated() {
        return generated;
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye, like a power cut to the process. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
