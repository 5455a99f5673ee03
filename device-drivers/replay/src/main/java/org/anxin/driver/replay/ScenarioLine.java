package org.anxin.driver.replay;

import java.time.LocalDateTime;
import java.time.ZoneId;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/** One reading of a scenario file, with its line number for error messages. */
public record ScenarioLine(int lineNumber, LocalDateTime time, String device, ReadingKind kind, String value) {

    /** The reading this line describes, its local time placed in {@code zone}. */
    public Reading toReading(ZoneId zone) {
        return new Reading(device, kind, value, time.atZone(zone).toInstant());
    }
}
