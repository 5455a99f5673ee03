package org.anxin.bridge.store;

import java.time.Instant;
import java.util.UUID;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayState;
import org.anxin.protocol.Heartbeat;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/** Envelopes as a gateway would send them. */
public final class TestMessages {

    public static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    private TestMessages() {
    }

    /** A gateway id no other test (or parallel run on a shared broker) uses. */
    public static String uniqueGateway(String name) {
        return "gw-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static Envelope reading(String gateway, long seq) {
        return Envelope.of(gateway, seq, T.plusSeconds(seq),
                new Reading("kitchen-water", ReadingKind.WATER, "1.5", T.plusSeconds(seq)));
    }

    public static Alert fire() {
        return Alert.raise(AlertType.FIRE, "kitchen-smoke", T, "smoke detected in the kitchen");
    }

    public static Envelope alert(String gateway, long seq, Alert alert) {
        return Envelope.of(gateway, seq, alert.time(), alert);
    }

    public static Envelope state(String gateway, long seq, GatewayState.Status status, Instant startedAt) {
        return Envelope.of(gateway, seq, T, new GatewayState(status, "0.1.0", startedAt));
    }

    /** Each later than the one before and than {@link #state}'s, as a gateway's clock makes them: one no later is a replay. */
    public static Envelope heartbeat(String gateway, long seq) {
        return Envelope.of(gateway, seq, T.plusSeconds(1).plusMillis(HEARTBEATS.incrementAndGet()), new Heartbeat(60, 0));
    }

    private static final java.util.concurrent.atomic.AtomicLong HEARTBEATS = new java.util.concurrent.atomic.AtomicLong();
}
