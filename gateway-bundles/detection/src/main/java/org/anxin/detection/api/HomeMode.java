package org.anxin.detection.api;

/**
 * A mode set from outside (the bridge, a care worker) until an end time. In either mode the
 * elder's routine does not apply: NO_WATER_USE, NO_ACTIVITY, NOT_RETURNED and NIGHT_DOOR are held
 * back and the days are not learned. Life-safety alarms and device health are never held back.
 */
public enum HomeMode {
    /** The elder is away: in hospital, staying with family. */
    AWAY,
    /** Someone stays with the elder, so the home's rhythm is not theirs. */
    VISIT
}
