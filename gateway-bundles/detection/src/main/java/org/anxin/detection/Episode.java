package org.anxin.detection;

import java.util.Objects;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;

/**
 * An alert episode that is open: raised and not yet cleared. Kept in the {@link RoutineStore} so
 * that after a restart its clear still carries its id and its cause does not raise it twice.
 *
 * @param alert the raise that opened it
 * @param detail what its rule needs besides the alert to go on with it (a flow's start, a
 *     device's last reading), in the rule's own text form; empty when it needs nothing
 */
public record Episode(Alert alert, String detail) {

    public Episode {
        Objects.requireNonNull(alert, "alert");
        if (alert.state() != AlertState.RAISED) {
            throw new IllegalArgumentException("an open episode is a raised alert, not " + alert.state().wireName());
        }
        detail = detail == null ? "" : detail;
    }

    public Episode(Alert alert) {
        this(alert, "");
    }
}
