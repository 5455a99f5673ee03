package org.anxin.detection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;

/**
 * A rule whose episodes must outlive a restart: a FIRE still open when the gateway restarts must
 * be cleared by the detector's clear with its own id, and a detector still in alarm must not open
 * a second one while the first stays open at the bridge.
 */
interface OpenEpisodes {

    /** Adds this rule's open episodes to {@code into}. */
    void collectOpen(List<Episode> into);

    /**
     * Takes back an episode saved before a restart, when it is this rule's.
     *
     * @return whether this rule took it
     */
    boolean restore(Episode episode);

    /** Separates an alert's fields in the engine state of earlier versions. */
    String LEGACY_SEPARATOR = "\u001f";

    /**
     * The NO_WATER_USE, NO_ACTIVITY or NOT_RETURNED episode an earlier version kept in the engine
     * state ({@code open.TYPE}, and {@code openGap.TYPE} in seconds), or null.
     */
    static Episode legacy(Map<String, String> state, AlertType type) {
        String text = state.get("open." + type.name());
        if (text == null) {
            return null;
        }
        String[] f = text.split(LEGACY_SEPARATOR, 4);
        if (f.length < 4) {
            return null;
        }
        Alert raised = new Alert(f[0], type, AlertState.RAISED, type.defaultSeverity(), f[2].isEmpty() ? null : f[2],
                Instant.parse(f[1]), f[3]);
        String gap = state.get("openGap." + type.name());
        return new Episode(raised, gap == null ? "" : gap);
    }
}
