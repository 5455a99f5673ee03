package org.anxin.store;

import java.time.Instant;
import org.anxin.protocol.Body;

/**
 * A message in the outbox.
 *
 * @param seq its number in the gateway's sequence
 * @param priority when it leaves
 * @param created the gateway's clock when it was stored
 * @param body what it carries
 */
public record StoredMessage(long seq, Priority priority, Instant created, Body body) {
}
