package org.anxin.protocol;

/** The kinds of alert, each with its severity and whether it is a life-safety alarm. */
public enum AlertType {
    EMERGENCY_CALL(Severity.CRITICAL, true),
    FIRE(Severity.CRITICAL, true),
    GAS_LEAK(Severity.CRITICAL, true),
    WATER_LEAK(Severity.CRITICAL, true),
    NO_WATER_USE(Severity.WARNING, false),
    NO_ACTIVITY(Severity.WARNING, false),
    NOT_RETURNED(Severity.WARNING, false),
    CONTINUOUS_WATER_FLOW(Severity.WARNING, false),
    NIGHT_DOOR(Severity.WARNING, false),
    DEVICE_SILENT(Severity.MAINTENANCE, false),
    LOW_BATTERY(Severity.MAINTENANCE, false),
    TAMPER(Severity.MAINTENANCE, false),
    /**
     * The home's entrance contact has not reported for a week while its other sensors did (or no
     * entrance contact ever reported): outings cannot be seen. Raised by the gateway's detection.
     */
    ENTRANCE_SILENT(Severity.MAINTENANCE, false),
    /**
     * No press of the check-in button, and no sign that the elder is up, in the home's daily
     * check-in window; cleared by a later press or such activity. Added in package version 1.5.0:
     * a bridge older than it cannot decode it, so bridges are updated first.
     */
    CHECK_IN_MISSED(Severity.WARNING, false),
    /*
     * A health measurement past the elder's thresholds: two types, as a type fixes its severity.
     * Neither is life-safety: a reading is one sample of a device worn or used by hand (a loose
     * oximeter clip reads 85), it is judged by people, and the elder's own emergency call stays
     * the alarm for an acute collapse. Added in package version 1.7.0, as MEASUREMENT_MISSED.
     */
    /** A measurement past a warning threshold (or a week's weight change); cleared by one back in range. */
    HEALTH_READING_WARNING(Severity.WARNING, false),
    /** A measurement past a critical threshold; cleared by one back in range (or replaced by a warning). */
    HEALTH_READING_CRITICAL(Severity.CRITICAL, false),
    /** The scheduled daily measurement did not come by its time; cleared by the next one. */
    MEASUREMENT_MISSED(Severity.WARNING, false),
    /** The gateway's data disk is full: readings are refused, alerts are kept in the store's reserve. */
    DISK_FULL(Severity.MAINTENANCE, false),
    /** Raised by the bridge, not a gateway, when a gateway stops reporting. */
    GATEWAY_OFFLINE(Severity.WARNING, false),
    /**
     * Raised by the bridge, not a gateway, when a gateway's heartbeat says its alarm path is
     * impaired or its self-test failed or was missed; cleared by the bridge when it recovers.
     */
    GATEWAY_DEGRADED(Severity.WARNING, false);

    private final Severity defaultSeverity;
    private final boolean lifeSafety;

    AlertType(Severity defaultSeverity, boolean lifeSafety) {
        this.defaultSeverity = defaultSeverity;
        this.lifeSafety = lifeSafety;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    /** Life-safety alarms are never queued behind telemetry and cannot be configured away. */
    public boolean isLifeSafety() {
        return lifeSafety;
    }
}
