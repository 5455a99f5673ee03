package org.anxin.driver.api;

/**
 * Receives device health from drivers (whiteboard: every registered listener gets every change).
 * Health flows the same way as readings, away from the drivers; a driver never waits on a listener
 * and a listener's exception never stops a driver. The protocol's own health kinds ({@code battery},
 * {@code tamper}, {@code heartbeat}) are also sent as readings to {@link ReadingSink}, so they reach
 * the outbox; this service carries what has no reading kind: last-seen times and driver faults.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface DeviceHealthListener {

    void healthChanged(DeviceHealth health);
}
