package org.anxin.detection;

import java.time.Instant;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Reading;

/** One detection rule. A rule keeps its own episodes so it raises once and clears once. */
public interface Rule {

    /** The alerts this reading raises or clears; empty when none. */
    List<Alert> onReading(Reading reading);

    /**
     * The alerts that time alone raises or clears at {@code now}; the engine calls it at every
     * minute of its clock, live or virtual.
     */
    default List<Alert> onTick(Instant now) {
        return List.of();
    }
}
