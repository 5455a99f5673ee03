package org.anxin.bridge;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.NamedThreads;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.Receipt;
import org.anxin.protocol.StoredReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells each gateway which of its numbered messages this bridge has committed, so that the
 * gateway deletes a row only once it is in the database, not when the broker acknowledged it (a
 * broker drops what overflows a session's queue after acknowledging it). Numbers are collected
 * after their transaction committed, duplicates included (a copy sent again is stored too), and
 * sent every {@link #INTERVAL_MS} as one signed receipt per gateway: one message per gateway and
 * interval, not one per reading.
 *
 * <p>A receipt the broker does not take is kept and sent with the next; past
 * {@link #MAX_PENDING} numbers for one gateway (a broker away for long) the oldest are forgotten
 * and counted: the gateway sends those again after its wait and they are confirmed as duplicates.
 */
final class StoredReceipts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoredReceipts.class);
    static final long INTERVAL_MS = 200;
    static final int MAX_PENDING = 200_000;

    private final DownlinkPublisher downlink;
    private final SigningKey key;
    private final BridgeCounters counters;
    private final Clock clock;
    private final Map<String, TreeSet<Long>> pending = new HashMap<>(); // guarded by this
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("receipts"));
    private boolean failing; // timer thread only

    StoredReceipts(DownlinkPublisher downlink, SigningKey key, BridgeCounters counters, Clock clock) {
        this.downlink = downlink;
        this.key = key;
        this.counters = counters;
        this.clock = clock;
    }

    StoredReceipts start() {
        timer.scheduleWithFixedDelay(this::guardedFlush, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The message {@code (gateway, seq)} is in the database: call after the commit, for a duplicate too. */
    synchronized void stored(String gateway, long seq) {
        if (seq < 1) {
            return; // state and heartbeats are not numbered
        }
        TreeSet<Long> seqs = pending.computeIfAbsent(gateway, g -> new TreeSet<>());
        seqs.add(seq);
        if (seqs.size() > MAX_PENDING) {
            seqs.pollFirst();
            counters.receiptsForgotten.incrementAndGet();
        }
    }

    private void guardedFlush() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.error("sending receipts failed", e);
        }
    }

    /** Sends what is pending, one receipt per gateway; what the broker does not take waits for the next. */
    void flush() {
        Map<String, TreeSet<Long>> due;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            due = new HashMap<>(pending);
            pending.clear();
        }
        for (Map.Entry<String, TreeSet<Long>> e : due.entrySet()) {
            String gateway = e.getKey();
            long[] seqs = e.getValue().stream().mapToLong(Long::longValue).toArray();
            try {
                var runs = Receipt.runs(seqs);
                // a receipt stays small: what does not fit waits for the next interval
                int cut = Math.min(runs.size(), Receipt.MAX_RUNS);
                Receipt receipt = new Receipt(gateway, runs.subList(0, cut), clock.instant());
                String text = receipt.json();
                downlink.publish(Envelope.of(gateway, 0, receipt.issued(), new StoredReceipt(text, key.sign(text))));
                counters.receiptsSent.incrementAndGet();
                if (cut < runs.size()) {
                    restore(gateway, e.getValue().tailSet(runs.get(cut).first(), true));
                }
                if (failing) {
                    failing = false;
                    log.info("receipts reach the gateways again");
                }
            } catch (DownlinkPublisher.NotSent ex) {
                counters.receiptsNotSent.incrementAndGet();
                restore(gateway, e.getValue());
                if (!failing) {
                    failing = true;
                    log.warn("receipts to the gateways are not sent ({}); kept and sent later, and the gateways"
                            + " send their unconfirmed messages again meanwhile", ex.getMessage());
                }
            }
        }
    }

    private synchronized void restore(String gateway, java.util.SortedSet<Long> seqs) {
        for (long seq : seqs) {
            stored(gateway, seq);
        }
    }

    /** Sends what is pending a last time and stops the timer. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        guardedFlush();
    }
}
