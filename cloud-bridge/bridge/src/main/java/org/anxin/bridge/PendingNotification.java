package org.anxin.bridge;

/** A notification stored but not yet delivered. */
record PendingNotification(String gateway, String alertId, String event, String channel, String target,
                           String payload) {
}
