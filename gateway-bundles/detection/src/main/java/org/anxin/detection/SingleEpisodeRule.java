package org.anxin.detection;

import java.time.Instant;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;

/**
 * A rule with at most one open episode, of one type: it raises, and clears the episode it raised.
 * Its episode outlives a restart like every open episode (see {@link OpenEpisodes}).
 */
abstract class SingleEpisodeRule implements Rule, OpenEpisodes {

    private final AlertType type;
    /** The open episode's raise, or null. */
    protected Alert open;

    SingleEpisodeRule(AlertType type) {
        this.type = type;
    }

    @Override
    public final void collectOpen(List<Episode> into) {
        if (open != null) {
            into.add(new Episode(open));
        }
    }

    @Override
    public final boolean restore(Episode episode) {
        if (episode.alert().type() != type) {
            return false;
        }
        open = episode.alert();
        return true;
    }

    /** Clears the open episode. */
    protected final List<Alert> clearOpen(Instant at, String reason) {
        Alert cleared = open.clear(at, reason);
        open = null;
        return List.of(cleared);
    }
}
