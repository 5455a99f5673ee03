package org.anxin.bridge.store;

/** A notification stored but not yet delivered. */
public record PendingNotification(String gateway, String alertId, String event, String channel, String target,
                           String payload) {
}
