package org.anxin.bridge.core;

import java.time.Instant;

/**
 * How one alert notification ended.
 *
 * @param gateway the gateway that sent the alert
 * @param alertId the alert episode
 * @param event {@code alert.raised} or {@code alert.cleared}
 * @param channel how it was sent: {@code webhook}, {@code email} or {@code sms}
 * @param target where it was sent, without credentials or query
 * @param delivered whether the receiver accepted it
 * @param attempts how many times it was tried
 * @param lastError why the last attempt failed, or {@code null} when delivered
 * @param at when the outcome was recorded
 */
public record NotificationOutcome(String gateway, String alertId, String event, String channel, String target,
                                  boolean delivered, int attempts, String lastError, Instant at) {
}
