package org.anxin.driver.coap;

import java.util.concurrent.atomic.AtomicLong;

/** What the server has seen since it started: shown by the status resource and in the log. */
final class CoapCounters {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong forbidden = new AtomicLong();
    final AtomicLong unstored = new AtomicLong();
    /** A device's oldest DTLS session, closed when it went over {@code sessionsPerDevice}. */
    final AtomicLong sessionsEvictedOverLimit = new AtomicLong();
    /** A session of a device that is not life-safety, closed because the table was full. */
    final AtomicLong sessionsEvictedForRoom = new AtomicLong();
    /** Sessions idle longer than {@code sessionIdleMinutes}, removed. */
    final AtomicLong sessionsExpired = new AtomicLong();
    /** New handshakes with no room left (every session a life-safety device's or a handshake in progress). */
    final AtomicLong handshakesRefused = new AtomicLong();
    /** The identity whose session was last closed over the limit, for the heartbeat's health. */
    volatile String lastOverLimit = "";
}
