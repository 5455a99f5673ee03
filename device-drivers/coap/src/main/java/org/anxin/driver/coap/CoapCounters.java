package org.anxin.driver.coap;

import java.util.concurrent.atomic.AtomicLong;

/** What the server has seen since it started: shown by the status resource and in the log. */
final class CoapCounters {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong forbidden = new AtomicLong();
    final AtomicLong unstored = new AtomicLong();
}
