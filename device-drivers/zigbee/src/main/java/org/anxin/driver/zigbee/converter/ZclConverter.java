package org.anxin.driver.zigbee.converter;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclCommand;

/**
 * Turns what one cluster of one device endpoint says (attribute reports, cluster commands) into
 * readings. One subclass per cluster kind, one instance per device endpoint, so a converter may
 * keep the state its readings need (a meter's previous summation, a zone's previous status).
 * Converters do no I/O: the network hands them the library's own attribute and command objects
 * and delivers what they return.
 */
public abstract class ZclConverter {

    protected final ZclCluster cluster;
    protected final String device;

    protected ZclConverter(ZclCluster cluster, String device) {
        this.cluster = cluster;
        this.device = Reading.requireDeviceId(device);
    }

    /** The cluster this converter reads. */
    public final ZclCluster cluster() {
        return cluster;
    }

    /**
     * Whether this converter reads the commands a client (output) cluster of the device sends,
     * rather than what a server (input) cluster reports.
     */
    public boolean sendsCommands() {
        return false;
    }

    /** The kinds of reading this converter can produce, announced when a device joins. */
    public abstract Set<ReadingKind> kinds();

    /** The attributes the device should report, read once when the converter starts. */
    public abstract List<Integer> reportedAttributes();

    /**
     * Attributes that scale or qualify the reported ones (a meter's unit, multiplier and divisor):
     * read before the reported attributes, since a report means nothing without them.
     */
    public List<Integer> scaleAttributes() {
        return List.of();
    }

    /** An attribute of the cluster was reported or read. */
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        return List.of();
    }

    /** The device sent a cluster command. */
    public List<Reading> commandReceived(ZclCommand command, Instant time) {
        return List.of();
    }

    protected final Reading reading(ReadingKind kind, String value, Instant time) {
        return new Reading(device, kind, value, time);
    }
}
