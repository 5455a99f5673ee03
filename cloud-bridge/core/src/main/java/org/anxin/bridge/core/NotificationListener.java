package org.anxin.bridge.core;

/**
 * Told the outcome of every alert notification, once it is recorded. Called on the notifier's
 * thread: return quickly; an exception is logged and otherwise ignored.
 */
@FunctionalInterface
public interface NotificationListener {

    void notificationFinished(NotificationOutcome outcome);
}
