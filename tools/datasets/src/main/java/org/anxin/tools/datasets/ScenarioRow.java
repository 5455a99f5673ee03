package org.anxin.tools.datasets;

import java.time.LocalDateTime;
import org.anxin.protocol.ReadingKind;

/**
 * One line of a scenario file. The value is checked against the kind as the replay driver will.
 *
 * @param order keeps rows at the same time in the order the dataset gave them
 */
public record ScenarioRow(LocalDateTime time, String device, ReadingKind kind, String value, long order)
        implements Comparable<ScenarioRow> {

    public ScenarioRow {
        org.anxin.protocol.Reading.requireDeviceId(device);
        value = kind.canonicalValue(value);
    }

    public ScenarioRow(LocalDateTime time, String device, ReadingKind kind, String value) {
        this(time, device, kind, value, 0);
    }

    @Override
    public int compareTo(ScenarioRow o) {
        int c = time.compareTo(o.time);
        return c != 0 ? c : Long.compare(order, o.order);
    }

    public String toCsv() {
        return time + "," + device + "," + kind.wireName() + "," + value;
    }
}
