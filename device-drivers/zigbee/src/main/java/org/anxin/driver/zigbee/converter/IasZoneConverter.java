package org.anxin.driver.zigbee.converter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclAttribute;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclCommand;
import com.zsmartsystems.zigbee.zcl.clusters.ZclIasZoneCluster;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneStatusChangeNotificationCommand;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneTypeEnum;

/**
 * IAS Zone (0x0500): the zone type says what the device is, the zone status bits what it sees.
 * Alarm 1 or alarm 2 is the alarm of the zone type: fire is {@code smoke}, CO is {@code gas}, water
 * is {@code leak}, a contact is {@code door} or {@code entry_door} (the device's role from the
 * configuration), a personal emergency device, remote or key fob is {@code call}, a motion sensor
 * {@code motion}. The tamper bit is {@code tamper}; the low-battery bit a {@code battery} reading.
 * A status is reported only when its bit changes, except a call, which is each press.
 *
 * <p>An alarm from a zone whose type is not yet known (its answer to the first read was lost) is
 * held, not dropped: it is reported, at the time it came, as soon as the zone says its type.
 */
public final class IasZoneConverter extends ZclConverter {

    static final int ALARM1 = 0x0001;
    static final int ALARM2 = 0x0002;
    static final int TAMPER = 0x0004;
    static final int BATTERY_LOW = 0x0008;

    /**
     * The IAS low-battery bit carries no level: set, it is reported as 0 %, below any warning
     * level; cleared, as 100 %, unless the device also reports its level through Power
     * configuration, which then has the last word.
     */
    static final String BATTERY_LOW_PERCENT = "0";
    static final String BATTERY_OK_PERCENT = "100";

    private final Optional<ReadingKind> role;
    private final boolean reportsBatteryLevel;
    private Integer zoneType;
    private Integer previousStatus;
    /** When an alarm came that could not be told apart yet, for want of the zone type; null if none waits. */
    private Instant heldAlarm;
    /** When that alarm ended, if it did before the zone type came. */
    private Instant heldClear;

    /**
     * @param role the kind a contact zone reports as ({@code door} or {@code entry_door}); for other
     *     zones a role of {@code smoke}, {@code gas}, {@code leak} or {@code call} overrides a zone type
     *     the device reports wrongly or not at all (many detectors say "standard CIE")
     * @param reportsBatteryLevel whether the device has a Power configuration cluster
     */
    public IasZoneConverter(ZclCluster cluster, String device, Optional<ReadingKind> role, boolean reportsBatteryLevel) {
        super(cluster, device);
        this.role = role;
        this.reportsBatteryLevel = reportsBatteryLevel;
        Object known = cluster.getAttribute(ZclIasZoneCluster.ATTR_ZONETYPE).getLastValue();
        this.zoneType = known instanceof Integer type ? type : null;
    }

    /** What the zone's alarm bits report, from its role or its zone type; empty if neither says. */
    public Optional<ReadingKind> alarmKind() {
        if (role.isPresent()) {
            return role;
        }
        ZoneTypeEnum type = knowsZoneType() ? ZoneTypeEnum.getByValue(zoneType) : null;
        if (type == null) {
            return Optional.empty();
        }
        return switch (type) {
            case FIRE_SENSOR -> Optional.of(ReadingKind.SMOKE);
            case CO_SENSOR -> Optional.of(ReadingKind.GAS);
            case WATER_SENSOR -> Optional.of(ReadingKind.LEAK);
            case CONTACT_SWITCH -> Optional.of(ReadingKind.DOOR);
            case PERSONAL_EMERGENCY_DEVICE, REMOTE_CONTROL, KEY_FOB -> Optional.of(ReadingKind.CALL);
            case MOTION_SENSOR, VIBRATION_MOVEMENT_SENSOR -> Optional.of(ReadingKind.MOTION);
            default -> Optional.empty();
        };
    }

    @Override
    public Set<ReadingKind> kinds() {
        Set<ReadingKind> kinds = new LinkedHashSet<>();
        alarmKind().ifPresent(kinds::add);
        kinds.add(ReadingKind.TAMPER);
        kinds.add(ReadingKind.BATTERY);
        return kinds;
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of(ZclIasZoneCluster.ATTR_ZONETYPE, ZclIasZoneCluster.ATTR_ZONESTATUS);
    }

    @Override
    public List<Reading> attributeUpdated(ZclAttribute attribute, Object value, Instant time) {
        if (attribute.getId() == ZclIasZoneCluster.ATTR_ZONETYPE && value instanceof Integer type) {
            zoneType = type;
            return releaseHeldAlarm();
        }
        if (attribute.getId() == ZclIasZoneCluster.ATTR_ZONESTATUS && value instanceof Integer status) {
            return statusChanged(status, time);
        }
        return List.of();
    }

    @Override
    public List<Reading> commandReceived(ZclCommand command, Instant time) {
        if (command instanceof ZoneStatusChangeNotificationCommand notification && notification.getZoneStatus() != null) {
            return statusChanged(notification.getZoneStatus(), time);
        }
        return List.of();
    }

    /** Whether what the zone's alarm bits mean is settled, by its role or the zone type it said. */
    public boolean knowsZoneType() {
        if (role.isPresent()) {
            return true;
        }
        if (zoneType == null && cluster().getAttribute(ZclIasZoneCluster.ATTR_ZONETYPE).getLastValue() instanceof Integer type) {
            // the library heard it (its own read, an enrolment) before a frame of ours did
            zoneType = type;
        }
        return zoneType != null;
    }

    /** Whether an alarm waits for the zone type to say what it is. */
    public boolean holdsAlarm() {
        return heldAlarm != null;
    }

    /** The alarm held for want of the zone type, once the zone type is known; empty until then. */
    public List<Reading> releaseHeldAlarm() {
        Optional<ReadingKind> kind = alarmKind();
        if (heldAlarm == null || kind.isEmpty()) {
            return List.of();
        }
        ReadingKind k = kind.get();
        List<Reading> readings = new ArrayList<>(2);
        readings.add(reading(k, activeValue(k, true), heldAlarm));
        if (heldClear != null && k != ReadingKind.CALL) {
            readings.add(reading(k, activeValue(k, false), heldClear));
        }
        heldAlarm = null;
        heldClear = null;
        return readings;
    }

    private List<Reading> statusChanged(int status, Instant time) {
        List<Reading> readings = new ArrayList<>(releaseHeldAlarm());
        boolean first = previousStatus == null;
        int before = first ? 0 : previousStatus;
        previousStatus = status;
        Optional<ReadingKind> kind = alarmKind();
        boolean alarm = (status & (ALARM1 | ALARM2)) != 0;
        boolean wasAlarm = (before & (ALARM1 | ALARM2)) != 0;
        if (kind.isPresent()) {
            ReadingKind k = kind.get();
            if (k == ReadingKind.CALL) {
                if (alarm && (first || !wasAlarm)) {
                    readings.add(reading(k, activeValue(k, true), time));
                }
            } else if (first || alarm != wasAlarm) {
                readings.add(reading(k, activeValue(k, alarm), time));
            }
        } else if (knowsZoneType()) {
            // a zone type that names no alarm (a "standard CIE"): only its role could; tamper and battery still count
        } else if (alarm && heldAlarm == null) {
            heldAlarm = time;
            heldClear = null;
        } else if (!alarm && heldAlarm != null && heldClear == null) {
            heldClear = time;
        }
        if (first ? (status & TAMPER) != 0 : changed(status, before, TAMPER)) {
            readings.add(reading(ReadingKind.TAMPER, (status & TAMPER) != 0 ? "on" : "off", time));
        }
        if ((status & BATTERY_LOW) != 0 && (first || (before & BATTERY_LOW) == 0)) {
            readings.add(reading(ReadingKind.BATTERY, BATTERY_LOW_PERCENT, time));
        } else if (!first && (status & BATTERY_LOW) == 0 && (before & BATTERY_LOW) != 0 && !reportsBatteryLevel) {
            readings.add(reading(ReadingKind.BATTERY, BATTERY_OK_PERCENT, time));
        }
        return readings;
    }

    private static boolean changed(int now, int before, int bit) {
        return (now & bit) != (before & bit);
    }

    private static String activeValue(ReadingKind kind, boolean active) {
        return switch (kind) {
            case DOOR, ENTRY_DOOR -> active ? "open" : "closed";
            case SMOKE, GAS, LEAK -> active ? "alarm" : "clear";
            case CALL -> "pressed"; // a press has no release
            default -> active ? "on" : "off";
        };
    }
}
