package org.anxin.faults;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.StoreStatus;
import org.anxin.store.sqlite.SqliteOutbox;
import org.anxin.uplink.Uplink;
import org.anxin.uplink.UplinkOptions;

/**
 * A gateway reduced to what store-and-forward is about: the real {@link SqliteOutbox} and
 * {@link Uplink}, fed by a generator that takes readings at a fixed rate (and an alert every so
 * often) the way detection feeds the outbox. The fault tests run it as its own JVM so they can
 * kill it with SIGKILL at any instant; the OSGi runtime around these two classes adds nothing to
 * what a kill can break and would only slow every restart.
 *
 * <p>It prints one line per message the outbox accepted, {@code A <seq> <key>}, only after the
 * commit, so every line is a promise the test can check; {@code S <queued> <published>} twice a
 * second; and {@code STORE ...} once at start with what the store found.
 *
 * <pre>java org.anxin.faults.LoadGateway DATA_DIR BROKER_URL GATEWAY_ID RUN RATE COUNT ALERT_EVERY</pre>
 * RATE readings per second (0: none), COUNT readings at most, ALERT_EVERY a life-safety alert after
 * every so many readings (0: none).
 */
public final class LoadGateway {

    private LoadGateway() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: LoadGateway DATA_DIR BROKER_URL GATEWAY_ID RUN RATE COUNT ALERT_EVERY");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        String broker = args[1];
        String gateway = args[2];
        String run = args[3];
        int rate = Integer.parseInt(args[4]);
        long count = Long.parseLong(args[5]);
        int alertEvery = Integer.parseInt(args[6]);

        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread printer = new Thread(() -> print(lines), "printer");
        printer.setDaemon(true);
        printer.start();

        Clock clock = Clock.systemUTC();
        SqliteOutbox outbox = SqliteOutbox.open(data.resolve("outbox.db"), clock);
        StoreStatus found = outbox.status();
        lines.add("STORE queued=" + found.queued() + " last=" + outbox.lastSequence()
                + " recoveredFrom=" + found.recoveredFrom());
        Uplink uplink = new Uplink(UplinkOptions.of(gateway, broker).withMaxInflight(256)
                .withReconnectWaits(Duration.ofMillis(100), Duration.ofSeconds(1)), outbox, clock, "faults");
        Thread status = new Thread(() -> {
            while (true) {
                lines.add("S " + outbox.size() + " " + uplink.published());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "status");
        status.setDaemon(true);
        status.start();

        Instant t0 = Instant.parse("2024-03-01T00:00:00Z");
        long start = System.nanoTime();
        long produced = 0;
        while (rate > 0 && produced < count) {
            long due = Math.min(count, (System.nanoTime() - start) * rate / 1_000_000_000L + 1);
            for (; produced < due; produced++) {
                Reading reading = new Reading("meter-" + run, ReadingKind.WATER, Long.toString(produced),
                        t0.plusMillis(produced));
                submit(outbox, reading, "R meter-" + run + "/" + produced, lines);
                if (alertEvery > 0 && produced % alertEvery == alertEvery - 1) {
                    Alert alert = Alert.raise(AlertType.WATER_LEAK, "leak-" + run, t0.plusMillis(produced), "leak");
                    submit(outbox, alert, "L " + alert.id(), lines);
                }
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        lines.add("GENERATED " + produced);
        Thread.sleep(Long.MAX_VALUE); // until killed: the uplink keeps draining
    }

    private static void submit(SqliteOutbox outbox, Body body, String key, LinkedBlockingQueue<String> lines) {
        outbox.submit(body).whenComplete((stored, error) -> {
            if (error == null) {
                lines.add("A " + stored.seq() + " " + key);
            } else {
                lines.add("E " + key + " " + error.getMessage());
            }
        });
    }

    private static void print(LinkedBlockingQueue<String> lines) {
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        List<String> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(lines.take());
                lines.drainTo(batch);
                for (String line : batch) {
                    out.write(line);
                    out.write('\n');
                }
                out.flush();
                batch.clear();
            }
        } catch (Exception e) {
            // the process is going away
        }
    }
}
