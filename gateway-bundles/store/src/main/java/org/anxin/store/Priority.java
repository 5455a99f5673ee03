package org.anxin.store;

import org.anxin.protocol.Alert;
import org.anxin.protocol.Body;
import org.anxin.protocol.Reading;

/** The order in which stored messages leave the gateway: lower first. */
public enum Priority {
    LIFE_SAFETY, ALERT, HEALTH, TELEMETRY;

    public static Priority of(Body body) {
        if (body instanceof Alert alert) {
            return alert.type().isLifeSafety() ? LIFE_SAFETY : ALERT;
        }
        return body instanceof Reading ? TELEMETRY : HEALTH;
    }

    /** Alerts are committed durably before they count as accepted, and never evicted. */
    public boolean isAlert() {
        return this == LIFE_SAFETY || this == ALERT;
    }
}
