package org.anxin.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.MessageCodec;

/**
 * What the bridge did, seen from outside: its counters from {@code GET /api/health} (public), and,
 * given its process id, the process's CPU time ({@code /proc/PID/stat}), resident memory and Java
 * heap in use ({@code jstat -gc}, the JDK's own tool).
 */
final class BridgeProbe {

    /** One look: counters, CPU seconds used so far, heap in use and resident memory in MB (-1: not known). */
    record Sample(long at, Map<String, Long> counters, double cpuSeconds, double heapMb, double rssMb) {
        long counter(String name) {
            return counters.getOrDefault(name, -1L);
        }
    }

    private static final double CLOCK_TICKS = 100; // USER_HZ on Linux
    private final Optional<URI> bridge;
    private final Optional<Long> pid;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    BridgeProbe(Optional<URI> bridge, Optional<Long> pid) {
        this.bridge = bridge;
        this.pid = pid;
    }

    /** {@code withHeap}: also ask jstat, which costs a JVM start, so not every sample does. */
    Sample sample(boolean withHeap) {
        return new Sample(System.nanoTime(), counters(), cpuSeconds(), withHeap ? heapMb() : -1, rssMb());
    }

    private Map<String, Long> counters() {
        Map<String, Long> out = new HashMap<>();
        if (bridge.isEmpty()) {
            return out;
        }
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(bridge.get().resolve("/api/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode counters = MessageCodec.mapper().readTree(r.body()).path("counters");
            counters.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asLong()));
        } catch (IOException e) {
            // a bridge too busy to answer in 5 s is itself a finding: this sample has no counters
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private double cpuSeconds() {
        if (pid.isEmpty()) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid.get() + "/stat"));
            // the command name in parentheses may hold spaces: fields count from after it
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private double rssMb() {
        if (pid.isEmpty()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid.get() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Survivor, eden and old generation in use, as {@code jstat -gc} reports them (kB). */
    private double heapMb() {
        if (pid.isEmpty()) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(), "-gc",
                    Long.toString(pid.get())).redirectErrorStream(true).start();
            String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
            p.waitFor(5, TimeUnit.SECONDS);
            if (lines.length < 2) {
                return -1;
            }
            String[] names = lines[0].trim().split("\\s+");
            String[] values = lines[1].trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < names.length && i < values.length; i++) {
                if (names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU")) {
                    kb += Double.parseDouble(values[i]);
                }
            }
            return kb / 1024;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
