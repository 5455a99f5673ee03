package org.anxin.detection;

import java.time.Instant;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;

/**
 * Home-wide episodes that must outlive a restart: an open NO_ACTIVITY raised again after a restart
 * would be a second alert for one silence, and its first would never be cleared.
 */
interface OpenEpisodes {

    /** Separates an alert's fields in the engine state; it appears in no id, device or reason. */
    String SEPARATOR = "\u001f";

    void saveOpen(Map<String, String> state);

    void restoreOpen(Map<String, String> state);

    static void put(Map<String, String> state, Alert open) {
        if (open != null) {
            state.put("open." + open.type().name(), String.join(SEPARATOR, open.id(), open.time().toString(),
                    open.device() == null ? "" : open.device(), open.reason()));
        }
    }

    static Alert get(Map<String, String> state, AlertType type) {
        String text = state.get("open." + type.name());
        if (text == null) {
            return null;
        }
        String[] f = text.split(SEPARATOR, 4);
        if (f.length < 4) {
            return null;
        }
        return new Alert(f[0], type, AlertState.RAISED, type.defaultSeverity(), f[2].isEmpty() ? null : f[2],
                Instant.parse(f[1]), f[3]);
    }
}
