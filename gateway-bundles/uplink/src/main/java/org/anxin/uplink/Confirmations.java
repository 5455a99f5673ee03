package org.anxin.uplink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.anxin.protocol.Receipt;

/**
 * Which published messages the bridge has not confirmed yet. A message the broker acknowledged
 * waits here until a {@link Receipt} names it (then its row is deleted) or until {@code wait} has
 * passed (then it is sent again): a broker may drop what it acknowledged when a session's queue
 * overflows, and only the bridge's database is proof that a message arrived.
 *
 * <p>Plain Java on the uplink's thread, with the clock injected, so the rules are tested without a
 * broker ({@code ConfirmationsTest}).
 */
final class Confirmations {

    private final Duration wait;
    private final Clock clock;
    /** Acknowledged by the broker, not confirmed: number to when it was acknowledged, oldest first. */
    private final LinkedHashMap<Long, Instant> awaiting = new LinkedHashMap<>();
    /** Confirmed while still in flight: its broker acknowledgement, when it comes, is not a new wait. */
    private final Set<Long> confirmedEarly = new HashSet<>();
    private volatile long confirmed; // written on the uplink's thread only, read by metrics
    private volatile long resent;

    Confirmations(Duration wait, Clock clock) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("the wait for a confirmation must be positive, got " + wait);
        }
        this.wait = wait;
        this.clock = clock;
    }

    /** The broker acknowledged {@code seq}: from now on it waits for the bridge. */
    void acknowledged(long seq) {
        if (!confirmedEarly.remove(seq)) {
            awaiting.remove(seq); // sent again: the wait starts over, at the end of the line
            awaiting.put(seq, clock.instant());
        }
    }

    /**
     * The numbers of a receipt that this uplink has published (in flight or awaiting): the rows to
     * delete. Numbers it never published (a receipt for what an earlier process sent, or a forged
     * one) are left alone, so a receipt can never delete a row that did not leave the gateway.
     */
    List<Long> confirm(Receipt receipt, Set<Long> inflight) {
        List<Long> delete = new ArrayList<>();
        for (Receipt.Run run : receipt.stored()) {
            if (run.size() <= awaiting.size() + inflight.size()) {
                for (long seq = run.first(); seq <= run.last(); seq++) {
                    take(seq, inflight, delete);
                }
            } else {
                // a long run: walk what is outstanding instead of the run
                List<Long> outstanding = new ArrayList<>(awaiting.keySet());
                outstanding.addAll(inflight);
                for (long seq : outstanding) {
                    if (seq >= run.first() && seq <= run.last()) {
                        take(seq, inflight, delete);
                    }
                }
            }
        }
        confirmed += delete.size();
        return delete;
    }

    private void take(long seq, Set<Long> inflight, List<Long> delete) {
        if (awaiting.remove(seq) != null) {
            delete.add(seq);
        } else if (inflight.contains(seq) && confirmedEarly.add(seq)) {
            delete.add(seq);
        }
    }

    /**
     * Forgets the messages that waited {@code wait} without a confirmation, so that they are sent
     * again; returns how many.
     */
    int expire() {
        Instant due = clock.instant().minus(wait);
        int n = 0;
        for (Iterator<Map.Entry<Long, Instant>> it = awaiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Instant> e = it.next();
            if (e.getValue().isAfter(due)) {
                break; // oldest first: the rest are younger
            }
            it.remove();
            n++;
        }
        resent += n;
        return n;
    }

    /**
     * A new connection: nothing is in flight any more. What waits for the bridge keeps waiting (the
     * broker has it, and the bridge may still confirm it).
     */
    void newConnection() {
        confirmedEarly.clear();
    }

    /** A message confirmed early whose publish then failed: it is deleted already, nothing waits for it. */
    void failed(long seq) {
        confirmedEarly.remove(seq);
    }

    /** What must not be sent now: it waits for the bridge. */
    Set<Long> awaiting() {
        return Collections.unmodifiableSet(awaiting.keySet());
    }

    int size() {
        return awaiting.size();
    }

    /** Messages confirmed by the bridge since start. */
    long confirmed() {
        return confirmed;
    }

    /** Messages sent again because the bridge had not confirmed them in time, since start. */
    long resent() {
        return resent;
    }
}
