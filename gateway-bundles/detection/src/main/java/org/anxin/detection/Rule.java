package org.anxin.detection;

import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Reading;

/** One detection rule. A rule keeps its own episodes so it raises once and clears once. */
public interface Rule {

    /** The alerts this reading raises or clears; empty when none. */
    List<Alert> onReading(Reading reading);
}
