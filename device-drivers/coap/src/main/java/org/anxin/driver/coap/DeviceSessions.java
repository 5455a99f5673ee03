package org.anxin.driver.coap;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.util.FilteredLogger;
import org.eclipse.californium.scandium.ConnectionListener;
import org.eclipse.californium.scandium.dtls.Connection;
import org.eclipse.californium.scandium.dtls.InMemoryReadWriteLockConnectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scandium's connection store, bounded per device. Scandium alone keeps every session until the
 * table is full and then refuses new handshakes while no session is stale, so one key used from
 * many ports (a cloned or misbehaving device, or an attacker who has its key) locks every other
 * device out. Here:
 * <ul>
 * <li>a PSK identity holds at most {@code perDevice} sessions: when one more completes its
 * handshake, that identity's oldest session is removed;</li>
 * <li>sessions idle longer than Scandium's stale threshold are removed by {@link #expireIdle()}
 * (and before a new handshake would find the table full);</li>
 * <li>a new handshake that finds the table full removes the least recently used session of a
 * device that is not life-safety, so a call pendant or a detector always gets a handshake, and
 * their own sessions are never removed to make room.</li>
 * </ul>
 * Scandium's {@code DTLS_REMOVE_STALE_DOUBLE_PRINCIPALS} is no help here: it keeps one session per
 * principal only, and only shrinks tables above 1024 connections.
 * <p>
 * Locking: Scandium calls {@link #put} holding the store's write lock, and removal callbacks run
 * under it or the store's monitor; this class's own bookkeeping is guarded by {@code established}'s
 * monitor, which is never held while calling into the store.
 */
final class DeviceSessions extends InMemoryReadWriteLockConnectionStore implements ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSessions.class);
    // a flood of handshakes must not flood the log
    private static final FilteredLogger LIMITED = new FilteredLogger(LOG, 3, TimeUnit.MINUTES.toNanos(1));

    private final int perDevice;
    private final Predicate<String> lifeSafety;
    private final CoapCounters counters;
    /** Established sessions, oldest handshake first: connection to PSK identity. */
    private final Map<Ref, String> established = new LinkedHashMap<>();

    /** A connection by identity: Scandium clears a connection's state before telling of its removal. */
    private record Ref(Connection connection) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Ref ref && ref.connection == connection;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(connection);
        }
    }

    DeviceSessions(int capacity, long idleSeconds, int perDevice, Predicate<String> lifeSafety, CoapCounters counters) {
        super(capacity, idleSeconds, null, false);
        this.perDevice = perDevice;
        this.lifeSafety = lifeSafety;
        this.counters = counters;
    }

    @Override
    public boolean put(Connection connection) {
        writeLock().lock();
        try {
            if (remainingCapacity() == 0) {
                expireIdle();
            }
            if (remainingCapacity() == 0) {
                makeRoom();
            }
            if (super.put(connection)) {
                return true;
            }
        } finally {
            writeLock().unlock();
        }
        counters.handshakesRefused.incrementAndGet();
        LIMITED.warn("DTLS handshake from {} refused: all {} sessions are held by life-safety devices or handshakes in progress",
                connection.getPeerAddress(), connections.getCapacity());
        return false;
    }

    private void makeRoom() {
        Connection victim = null;
        String identity = null;
        for (Iterator<Connection> it = connections.ascendingIterator(); it.hasNext() && victim == null; ) {
            Connection candidate = it.next();
            synchronized (established) {
                identity = established.get(new Ref(candidate));
            }
            if (identity != null && !lifeSafety.test(identity)) {
                victim = candidate;
            }
        }
        if (victim != null && remove(victim, false)) {
            counters.sessionsEvictedForRoom.incrementAndGet();
            LIMITED.warn("DTLS session table full ({}): the least recently used session of {} is closed for a new handshake",
                    connections.getCapacity(), identity);
        }
    }

    /** Removes sessions unused for longer than the stale threshold. Returns how many. */
    int expireIdle() {
        List<Connection> idle = new ArrayList<>();
        writeLock().lock();
        try {
            for (Iterator<Connection> it = connections.ascendingIterator(); it.hasNext(); ) {
                Connection connection = it.next();
                if (!connections.isStale(connection.getConnectionId())) {
                    break; // ascending: the rest were used more recently
                }
                idle.add(connection);
            }
            int removed = 0;
            for (Connection connection : idle) {
                if (remove(connection, false)) {
                    removed++;
                }
            }
            counters.sessionsExpired.addAndGet(removed);
            if (removed > 0) {
                LOG.debug("{} idle DTLS sessions removed", removed);
            }
            return removed;
        } finally {
            writeLock().unlock();
        }
    }

    @Override
    public void onConnectionEstablished(Connection connection) {
        var session = connection.getEstablishedSession();
        String identity = session == null ? null : identity(session.getPeerIdentity());
        if (identity == null) {
            return;
        }
        List<Connection> surplus = new ArrayList<>();
        synchronized (established) {
            Ref ref = new Ref(connection);
            established.remove(ref); // a resumed session is the newest again
            established.put(ref, identity);
            long held = established.values().stream().filter(identity::equals).count();
            for (Map.Entry<Ref, String> entry : established.entrySet()) {
                if (held <= perDevice) {
                    break;
                }
                if (entry.getValue().equals(identity) && entry.getKey().connection() != connection) {
                    surplus.add(entry.getKey().connection());
                    held--;
                }
            }
        }
        for (Connection old : surplus) {
            if (remove(old, false)) {
                counters.lastOverLimit = identity;
                counters.sessionsEvictedOverLimit.incrementAndGet();
                LIMITED.warn("device {} opened more than {} DTLS sessions: its oldest is closed", identity, perDevice);
            }
        }
    }

    @Override
    public void onConnectionRemoved(Connection connection) {
        synchronized (established) {
            established.remove(new Ref(connection));
        }
    }

    /** How many sessions each device holds now. */
    Map<String, Integer> perDevice() {
        Map<String, Integer> held = new TreeMap<>();
        synchronized (established) {
            established.values().forEach(identity -> held.merge(identity, 1, Integer::sum));
        }
        return held;
    }

    private static String identity(Principal principal) {
        return principal instanceof PreSharedKeyIdentity psk ? psk.getIdentity() : null;
    }

    @Override
    public boolean onConnectionUpdatesSequenceNumbers(Connection connection, boolean writeSequenceNumber) {
        return false;
    }

    @Override
    public boolean onConnectionMacError(Connection connection) {
        return false;
    }

    @Override
    public void beforeExecution(Connection connection) {
    }

    @Override
    public void updateExecution(Connection connection) {
    }

    @Override
    public void afterExecution(Connection connection) {
    }
}
