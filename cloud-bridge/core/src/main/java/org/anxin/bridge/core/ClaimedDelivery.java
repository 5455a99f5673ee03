package org.anxin.bridge.core;

/**
 * A delivery this instance has claimed (state {@code sending}, with a lease) and is about to send.
 *
 * @param attempts this attempt's number, from 1
 */
public record ClaimedDelivery(String id, String gateway, String alertId, String kind, String channel, String address,
                              String subject, String body, int attempts) {
}
