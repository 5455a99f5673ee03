package org.anxin.loadgen;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Signatures;

/**
 * One run: registers the gateways' keys, fills their outboxes with the backlog, connects them
 * (paced, or all at once), then runs their heartbeats, readings and alerts until the run's end,
 * silencing some on the way, and prints what the gateways sent, what the bridge stored, its CPU
 * and heap, and when the notifications arrived. Everything stops at the run's duration.
 */
public final class LoadGen {

    private static final long SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The bridge's stored counter unchanged this long, with every outbox empty: drained. */
    private static final long SETTLED_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LoadGenOptions options;
    private final Clock clock;
    private final PrintStream out;
    private final LoadStats stats = new LoadStats();

    public LoadGen(LoadGenOptions options, Clock clock, PrintStream out) {
        this.options = options;
        this.clock = clock;
        this.out = out;
    }

    public void run() throws Exception {
        BridgeProbe probe = new BridgeProbe(options.bridge(), options.bridgePid());
        AlertReceiver receiver = options.receiverPort().isPresent() ? new AlertReceiver(options.receiverPort().get(), stats) : null;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "loadgen-timer");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        ScheduledThreadPoolExecutor connector = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "loadgen-connector");
            t.setDaemon(true);
            return t;
        });
        List<SimulatedGateway> gateways = new ArrayList<>();
        try {
            out.printf(Locale.ROOT, "loadgen: %,d gateways on %s, %s, heartbeat %d s, %.2f readings and %.2f alerts a minute each,"
                            + " backlog %,d%s, connect %s, run at most %d s%n",
                    options.gateways(), options.broker(), options.sign() ? "signed (schema 2)" : "unsigned",
                    options.heartbeat().toSeconds(), options.readingsPerMinute(), options.alertsPerMinute(), options.backlog(),
                    options.backlogAlert() ? " + 1 alert" : "",
                    options.connectRate() == 0 ? "all at once" : options.connectRate() + "/s", options.duration().toSeconds());
            List<String> ids = new ArrayList<>();
            List<KeyPair> keys = new ArrayList<>();
            for (int n = 0; n < options.gateways(); n++) {
                ids.add(options.gatewayId(n));
                keys.add(options.sign() ? Signatures.generate() : null);
            }
            if (options.sign()) {
                long t = System.nanoTime();
                List<PublicKey> publicKeys = keys.stream().map(KeyPair::getPublic).toList();
                new Provisioner(options.bridge().orElseThrow(), options.bridgeUser().orElseThrow(),
                        options.bridgePassword().orElseThrow()).provision(ids, publicKeys);
                out.printf(Locale.ROOT, "  provisioned    %,d homes and gateway keys in %.1f s%n", ids.size(), seconds(System.nanoTime() - t));
            }
            String host = options.broker().getHost();
            int port = options.broker().getPort();
            List<String[]> backlogAlerts = new ArrayList<>();
            long filling = System.nanoTime();
            for (int n = 0; n < options.gateways(); n++) {
                SimulatedGateway g = new SimulatedGateway(ids.get(n), keys.get(n) == null ? null : keys.get(n).getPrivate(),
                        host, port, options.inflight(), clock, stats);
                for (int r = 0; r < options.backlog(); r++) {
                    g.reading(r);
                    stats.readings.increment();
                }
                if (options.backlogAlert()) {
                    backlogAlerts.add(new String[] {g.id(), g.alert(0)});
                }
                gateways.add(g);
            }
            if (options.backlog() > 0 || options.backlogAlert()) {
                out.printf(Locale.ROOT, "  backlog        %,d readings%s stored in the outboxes (signed) in %.1f s%n",
                        (long) options.backlog() * options.gateways(), options.backlogAlert() ? " and " + options.gateways() + " alerts" : "",
                        seconds(System.nanoTime() - filling));
            }

            BridgeProbe.Sample first = probe.sample(true);
            long start = System.nanoTime();
            long end = start + options.duration().toNanos();
            for (String[] a : backlogAlerts) {
                stats.alertSent(a[0], a[1], start);
            }
            connect(gateways, connector, timers);
            if (options.drop() > 0) {
                timers.schedule(() -> silence(gateways.subList(gateways.size() - options.drop(), gateways.size())),
                        options.dropAfter().toMillis(), TimeUnit.MILLISECONDS);
            }
            watch(gateways, probe, first, start, end);
        } finally {
            connector.shutdownNow();
            timers.shutdownNow();
            CompletableFuture.allOf(gateways.stream().map(SimulatedGateway::close).toArray(CompletableFuture[]::new))
                    .orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    /**
     * Paced at the connect rate, or every one at once, from a thread of its own so that the
     * pace does not wait behind the traffic. A gateway's traffic starts once its first connect
     * has been answered; one refused keeps reconnecting and stores meanwhile, as the uplink does.
     */
    private void connect(List<SimulatedGateway> gateways, ScheduledThreadPoolExecutor connector,
                         ScheduledThreadPoolExecutor timers) {
        for (int n = 0; n < gateways.size(); n++) {
            SimulatedGateway g = gateways.get(n);
            Runnable connect = () -> g.connect().whenComplete((v, e) -> {
                if (e != null) {
                    stats.connectFailures.increment();
                }
                schedule(g, timers);
            });
            if (options.connectRate() == 0) {
                connect.run();
            } else {
                connector.schedule(connect, TimeUnit.SECONDS.toMicros(n) / options.connectRate(), TimeUnit.MICROSECONDS);
            }
        }
    }

    /** A gateway's heartbeat, readings and alerts, each at its own random phase so that gateways do not beat together. */
    private void schedule(SimulatedGateway g, ScheduledThreadPoolExecutor timers) {
        long heartbeat = options.heartbeat().toMillis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        timers.scheduleAtFixedRate(g::heartbeat, random.nextLong(heartbeat), heartbeat, TimeUnit.MILLISECONDS);
        if (options.readingsPerMinute() > 0) {
            long period = (long) (60_000_000 / options.readingsPerMinute());
            long[] n = {options.backlog()};
            timers.scheduleAtFixedRate(() -> {
                g.reading(n[0]++);
                stats.readings.increment();
            }, random.nextLong(period), period, TimeUnit.MICROSECONDS);
        }
        if (options.alertsPerMinute() > 0) {
            long period = (long) (60_000_000 / options.alertsPerMinute());
            long[] n = {1};
            timers.scheduleAtFixedRate(() -> {
                long at = System.nanoTime();
                stats.alertSent(g.id(), g.alert(n[0]++), at);
            }, random.nextLong(period), period, TimeUnit.MICROSECONDS);
        }
    }

    private void silence(List<SimulatedGateway> dropped) {
        long at = System.nanoTime();
        silencedAt = at;
        for (SimulatedGateway g : dropped) {
            stats.silenced(g.id(), at);
            g.fallSilent();
        }
        out.printf(Locale.ROOT, "  t=%5.1f s  %,d gateways fell silent at once (last will, then nothing)%n",
                seconds(at - startNanos), dropped.size());
    }

    private volatile long startNanos;
    private volatile long silencedAt = -1;

    /** Samples and prints until the run's end, or until there is nothing left to wait for. */
    private void watch(List<SimulatedGateway> gateways, BridgeProbe probe, BridgeProbe.Sample first, long start, long end)
            throws InterruptedException {
        startNanos = start;
        boolean paced = options.readingsPerMinute() > 0 || options.alertsPerMinute() > 0;
        List<BridgeProbe.Sample> samples = new ArrayList<>();
        samples.add(first);
        long connectedAt = -1;
        long storedChangedAt = start;
        long lastStored = first.counter("stored");
        long nextReport = start + REPORT_NANOS;
        long nextHeap = start + REPORT_NANOS;
        double loadgenCpuStart = loadgenCpuSeconds();
        while (System.nanoTime() < end) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SAMPLE_NANOS));
            long now = System.nanoTime();
            boolean heap = now >= nextHeap;
            if (heap) {
                nextHeap += REPORT_NANOS;
            }
            BridgeProbe.Sample s = probe.sample(heap);
            samples.add(s);
            if (connectedAt < 0 && stats.connects.sum() >= options.gateways()) {
                connectedAt = now;
                out.printf(Locale.ROOT, "  t=%5.1f s  all %,d gateways connected (%,d connect failures retried)%n",
                        seconds(now - start), options.gateways(), stats.connectFailures.sum());
            }
            if (s.counter("stored") != lastStored) {
                lastStored = s.counter("stored");
                storedChangedAt = now;
            }
            if (now >= nextReport) {
                nextReport += REPORT_NANOS;
                BridgeProbe.Sample back = samples.get(Math.max(0, samples.size() - 1 - (int) (REPORT_NANOS / SAMPLE_NANOS)));
                out.printf(Locale.ROOT, "  t=%5.1f s  connected %,d  sent %,d readings %,d alerts (acked %,d)  bridge stored %,d (%,.0f/s)"
                                + "  cpu %s  heap %s%n",
                        seconds(now - start), stats.connects.sum() - stats.disconnects.sum(), stats.readings.sum(),
                        stats.alerts.sum(), stats.readingsAcked.sum() + stats.alertsAcked.sum(),
                        s.counter("stored") - first.counter("stored"), rate(back, s, "stored"), cpu(back, s), heap(samples));
            }
            boolean outboxesEmpty = gateways.stream().allMatch(g -> g.pending() == 0);
            boolean drained = outboxesEmpty && now - storedChangedAt >= SETTLED_NANOS;
            boolean dropsSeen = options.drop() == 0 || (silencedAt >= 0 && stats.silencedAwaitingOffline() == 0);
            boolean alertsSeen = options.receiverPort().isEmpty() || stats.alertsAwaitingNotification() == 0;
            if (!paced && connectedAt >= 0 && drained && dropsSeen && alertsSeen) {
                break;
            }
            if (options.drop() > 0 && options.receiverPort().isPresent() && dropsSeen) {
                break; // the supervision figure is in: every silenced gateway was reported offline
            }
        }
        report(samples, start, connectedAt, storedChangedAt, loadgenCpuSeconds() - loadgenCpuStart);
    }

    private void report(List<BridgeProbe.Sample> samples, long start, long connectedAt, long storedChangedAt, double loadgenCpu) {
        BridgeProbe.Sample first = samples.get(0);
        BridgeProbe.Sample last = samples.get(samples.size() - 1);
        double elapsed = seconds(last.at() - start);
        out.printf(Locale.ROOT, "loadgen results after %.1f s:%n", elapsed);
        out.printf(Locale.ROOT, "  gateways       %,d connected%s, %,d connect failures, %,d disconnects%n", stats.connects.sum(),
                connectedAt < 0 ? " (not all)" : String.format(Locale.ROOT, " in %.1f s", seconds(connectedAt - start)),
                stats.connectFailures.sum(), stats.disconnects.sum());
        out.printf(Locale.ROOT, "  sent           %,d readings, %,d alerts, %,d heartbeats; acknowledged by the broker %,d readings, %,d alerts;"
                        + " %,d publishes failed and were resent%n",
                stats.readings.sum(), stats.alerts.sum(), stats.heartbeats.sum(), stats.readingsAcked.sum(), stats.alertsAcked.sum(),
                stats.publishFailures.sum());
        if (options.bridge().isPresent()) {
            long stored = last.counter("stored") - first.counter("stored");
            double storing = seconds(storedChangedAt - start);
            out.printf(Locale.ROOT, "  bridge stored  %,d events (%,d sent): %,.0f events/s over the run, peak %,.0f events/s over 10 s;"
                            + " last stored at t=%.1f s%n",
                    stored, stats.readings.sum() + stats.alerts.sum(), stored / Math.max(elapsed, 1e-9), peak(samples, "stored"), storing);
            out.printf(Locale.ROOT, "  bridge counted duplicates %,d, gaps %,d, quarantined %,d, store failures %,d, gateways offline %,d%n",
                    delta(first, last, "duplicates"), delta(first, last, "gaps"), delta(first, last, "quarantined"),
                    delta(first, last, "storeFailures"), delta(first, last, "gatewaysOffline"));
        }
        if (options.bridgePid().isPresent()) {
            BridgeProbe.Sample from = connectedAt < 0 ? first : samples.stream().filter(s -> s.at() >= connectedAt).findFirst().orElse(first);
            out.printf(Locale.ROOT, "  bridge process CPU %s of one core on average since all connected, peak %s over 10 s;"
                            + " heap in use %s; resident max %.0f MB%n",
                    cpu(from, last), peakCpu(samples), heap(samples),
                    samples.stream().mapToDouble(BridgeProbe.Sample::rssMb).max().orElse(-1));
            long stored = last.counter("stored") - first.counter("stored");
            if (stored > 0 && first.cpuSeconds() >= 0) {
                // CPU per event depends less on what else the machine runs than events per second do
                out.printf(Locale.ROOT, "  bridge CPU per event stored: %.2f ms (%.1f s of CPU for %,d events, JIT warm-up included)%n",
                        1000 * (last.cpuSeconds() - first.cpuSeconds()) / stored, last.cpuSeconds() - first.cpuSeconds(), stored);
            }
        }
        out.printf(Locale.ROOT, "  loadgen itself used %.0f%% of one core%n", 100 * loadgenCpu / Math.max(elapsed, 1e-9));
        if (options.receiverPort().isPresent()) {
            out.printf(Locale.ROOT, "  alert -> notification at the webhook receiver: %s; %,d alerts not notified%s%n",
                    LoadStats.summary(stats.alertLatency), stats.alertsAwaitingNotification(),
                    options.backlogAlert() ? " (a backlog's alert counts from the storm's start)" : "");
            if (options.drop() > 0) {
                out.printf(Locale.ROOT, "  fell silent -> GATEWAY_OFFLINE notified: %s; %,d of %,d not notified%n",
                        LoadStats.summary(stats.offlineLatency), stats.silencedAwaitingOffline(), options.drop());
            }
        }
    }

    private static long delta(BridgeProbe.Sample a, BridgeProbe.Sample b, String counter) {
        return b.counter(counter) - a.counter(counter);
    }

    private static double rate(BridgeProbe.Sample a, BridgeProbe.Sample b, String counter) {
        if (a.counter(counter) < 0 || b.counter(counter) < 0) {
            return 0; // a sample the bridge did not answer
        }
        return (b.counter(counter) - a.counter(counter)) / Math.max(seconds(b.at() - a.at()), 1e-9);
    }

    private static double peak(List<BridgeProbe.Sample> samples, String counter) {
        int span = (int) (REPORT_NANOS / SAMPLE_NANOS);
        double best = 0;
        for (int i = span; i < samples.size(); i++) {
            best = Math.max(best, rate(samples.get(i - span), samples.get(i), counter));
        }
        return best;
    }

    private static String cpu(BridgeProbe.Sample a, BridgeProbe.Sample b) {
        if (a.cpuSeconds() < 0 || b.cpuSeconds() < 0 || b.at() <= a.at()) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f%%", 100 * (b.cpuSeconds() - a.cpuSeconds()) / seconds(b.at() - a.at()));
    }

    private static String peakCpu(List<BridgeProbe.Sample> samples) {
        int span = (int) (REPORT_NANOS / SAMPLE_NANOS);
        double best = -1;
        for (int i = span; i < samples.size(); i++) {
            BridgeProbe.Sample a = samples.get(i - span);
            BridgeProbe.Sample b = samples.get(i);
            if (a.cpuSeconds() >= 0 && b.cpuSeconds() >= 0) {
                best = Math.max(best, 100 * (b.cpuSeconds() - a.cpuSeconds()) / seconds(b.at() - a.at()));
            }
        }
        return best < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", best);
    }

    /** The heap in use: average and largest of the samples that have it. */
    private static String heap(List<BridgeProbe.Sample> samples) {
        java.util.DoubleSummaryStatistics h = samples.stream().mapToDouble(BridgeProbe.Sample::heapMb).filter(v -> v >= 0)
                .summaryStatistics();
        return h.getCount() == 0 ? "-" : String.format(Locale.ROOT, "avg %.0f MB, max %.0f MB", h.getAverage(), h.getMax());
    }

    private static double loadgenCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : 0;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
