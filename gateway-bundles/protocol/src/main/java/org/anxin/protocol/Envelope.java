package org.anxin.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * Every message on the wire: who sent it, its place in the sender's sequence, when, and what.
 *
 * @param schema the protocol schema version, {@link #SCHEMA}
 * @param gateway the gateway id
 * @param seq the gateway's sequence number: every stored message (reading or alert) takes the next
 *     number of one per-gateway sequence, so the bridge drops duplicates and sees gaps. State and
 *     heartbeat messages are not stored; they carry the last number the gateway has assigned.
 * @param ts the gateway's clock when the message was created
 * @param body the payload
 */
public record Envelope(int schema, String gateway, long seq, Instant ts, Body body) {

    public static final int SCHEMA = 1;

    public Envelope {
        Reading.requireDeviceId(gateway);
        Objects.requireNonNull(ts, "ts");
        Objects.requireNonNull(body, "body");
    }

    public static Envelope of(String gateway, long seq, Instant ts, Body body) {
        return new Envelope(SCHEMA, gateway, seq, ts, body);
    }

    /** The topic this envelope is published on. */
    public String topic() {
        return Topics.of(gateway, body.channel());
    }
}
