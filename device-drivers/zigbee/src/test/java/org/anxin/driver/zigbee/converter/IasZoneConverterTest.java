package org.anxin.driver.zigbee.converter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import com.zsmartsystems.zigbee.zcl.clusters.ZclIasZoneCluster;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneStatusChangeNotificationCommand;
import com.zsmartsystems.zigbee.zcl.clusters.iaszone.ZoneTypeEnum;

class IasZoneConverterTest {

    private static final Instant T = Instant.parse("2024-03-04T11:45:00Z");

    private static IasZoneConverter zone(ZoneTypeEnum type, Optional<ReadingKind> role, boolean batteryLevel) {
        ZclIasZoneCluster cluster = new ZclIasZoneCluster(Endpoints.endpoint());
        if (type != null) {
            cluster.getAttribute(ZclIasZoneCluster.ATTR_ZONETYPE).updateValue(type.getKey());
        }
        return new IasZoneConverter(cluster, "zb-0015bc001a000001", role, batteryLevel);
    }

    private static List<String> notify(IasZoneConverter converter, int status) {
        return converter.commandReceived(new ZoneStatusChangeNotificationCommand(status, 0, 0, 0), T).stream()
                .map(r -> r.kind().wireName() + "=" + r.value()).toList();
    }

    @Test
    void fireZoneAlarmBitIsSmokeAlarmAndItsClearingSmokeClear() {
        IasZoneConverter smoke = zone(ZoneTypeEnum.FIRE_SENSOR, Optional.empty(), true);
        assertThat(notify(smoke, 0x0001)).containsExactly("smoke=alarm");
        assertThat(notify(smoke, 0x0001)).isEmpty();
        assertThat(notify(smoke, 0x0000)).containsExactly("smoke=clear");
        assertThat(smoke.kinds()).containsExactly(ReadingKind.SMOKE, ReadingKind.TAMPER, ReadingKind.BATTERY);
    }

    @Test
    void coZoneIsGasAndWaterZoneIsLeakOnEitherAlarmBit() {
        assertThat(notify(zone(ZoneTypeEnum.CO_SENSOR, Optional.empty(), true), 0x0002)).containsExactly("gas=alarm");
        assertThat(notify(zone(ZoneTypeEnum.WATER_SENSOR, Optional.empty(), true), 0x0001)).containsExactly("leak=alarm");
    }

    @Test
    void contactZoneIsDoorUnlessItsRoleSaysEntryDoor() {
        IasZoneConverter door = zone(ZoneTypeEnum.CONTACT_SWITCH, Optional.empty(), true);
        assertThat(notify(door, 0x0001)).containsExactly("door=open");
        assertThat(notify(door, 0x0000)).containsExactly("door=closed");
        IasZoneConverter entrance = zone(ZoneTypeEnum.CONTACT_SWITCH, Optional.of(ReadingKind.ENTRY_DOOR), true);
        assertThat(notify(entrance, 0x0001)).containsExactly("entry_door=open");
    }

    @Test
    void personalEmergencyDeviceIsOneCallPerPressAndNoReadingOnRelease() {
        IasZoneConverter pendant = zone(ZoneTypeEnum.PERSONAL_EMERGENCY_DEVICE, Optional.empty(), true);
        assertThat(notify(pendant, 0x0001)).containsExactly("call=pressed");
        assertThat(notify(pendant, 0x0001)).isEmpty();
        assertThat(notify(pendant, 0x0000)).isEmpty();
        assertThat(notify(pendant, 0x0001)).containsExactly("call=pressed");
    }

    @Test
    void tamperBitIsTamperOnAndOff() {
        IasZoneConverter smoke = zone(ZoneTypeEnum.FIRE_SENSOR, Optional.empty(), true);
        assertThat(notify(smoke, 0x0000)).containsExactly("smoke=clear");
        assertThat(notify(smoke, 0x0004)).containsExactly("tamper=on");
        assertThat(notify(smoke, 0x0000)).containsExactly("tamper=off");
    }

    @Test
    void lowBatteryBitIsBatteryZeroAndItsClearingIsFullOnlyWithoutABatteryLevel() {
        IasZoneConverter withLevel = zone(ZoneTypeEnum.WATER_SENSOR, Optional.empty(), true);
        assertThat(notify(withLevel, 0x0008)).containsExactly("leak=clear", "battery=0");
        assertThat(notify(withLevel, 0x0000)).isEmpty();
        IasZoneConverter withoutLevel = zone(ZoneTypeEnum.WATER_SENSOR, Optional.empty(), false);
        assertThat(notify(withoutLevel, 0x0008)).containsExactly("leak=clear", "battery=0");
        assertThat(notify(withoutLevel, 0x0000)).containsExactly("battery=100");
    }

    @Test
    void aRoleOverridesAGenericZoneTypeAndWithoutEitherOnlyTamperAndBatteryAreRead() {
        IasZoneConverter generic = zone(ZoneTypeEnum.STANDARD_CIE, Optional.empty(), true);
        assertThat(notify(generic, 0x0005)).containsExactly("tamper=on");
        IasZoneConverter gas = zone(ZoneTypeEnum.STANDARD_CIE, Optional.of(ReadingKind.GAS), true);
        assertThat(notify(gas, 0x0001)).containsExactly("gas=alarm");
    }

    @Test
    void zoneStatusReadAsAnAttributeCountsLikeANotificationAndTheZoneTypeAttributeSetsTheKind() {
        ZclIasZoneCluster cluster = new ZclIasZoneCluster(Endpoints.endpoint());
        IasZoneConverter converter = new IasZoneConverter(cluster, "zb-0015bc001a000001", Optional.empty(), true);
        assertThat(converter.alarmKind()).isEmpty();
        converter.attributeUpdated(cluster.getAttribute(ZclIasZoneCluster.ATTR_ZONETYPE), ZoneTypeEnum.FIRE_SENSOR.getKey(), T);
        List<Reading> readings = converter.attributeUpdated(cluster.getAttribute(ZclIasZoneCluster.ATTR_ZONESTATUS), 0x0001, T);
        assertThat(readings).containsExactly(new Reading("zb-0015bc001a000001", ReadingKind.SMOKE, "alarm", T));
    }

    @Test
    void anAlarmBeforeTheZoneTypeIsKnownIsHeldAndReportedAtItsOwnTimeOnceItIs() {
        ZclIasZoneCluster cluster = new ZclIasZoneCluster(Endpoints.endpoint());
        IasZoneConverter converter = new IasZoneConverter(cluster, "zb-0015bc001a000001", Optional.empty(), true);
        assertThat(converter.commandReceived(new ZoneStatusChangeNotificationCommand(0x0001, 0, 0, 0), T)).isEmpty();
        assertThat(converter.holdsAlarm()).isTrue();
        Instant cleared = T.plusSeconds(40);
        assertThat(converter.commandReceived(new ZoneStatusChangeNotificationCommand(0x0000, 0, 0, 0), cleared)).isEmpty();

        List<Reading> readings = converter.attributeUpdated(cluster.getAttribute(ZclIasZoneCluster.ATTR_ZONETYPE),
                ZoneTypeEnum.FIRE_SENSOR.getKey(), T.plusSeconds(90));
        assertThat(readings).containsExactly(new Reading("zb-0015bc001a000001", ReadingKind.SMOKE, "alarm", T),
                new Reading("zb-0015bc001a000001", ReadingKind.SMOKE, "clear", cleared));
        assertThat(converter.holdsAlarm()).isFalse();
    }

    @Test
    void aZoneTypeTheLibraryAlreadyHeardReleasesTheHeldAlarmWithTheNextStatus() {
        ZclIasZoneCluster cluster = new ZclIasZoneCluster(Endpoints.endpoint());
        IasZoneConverter converter = new IasZoneConverter(cluster, "zb-0015bc001a000001", Optional.empty(), true);
        assertThat(notify(converter, 0x0001)).isEmpty();
        cluster.getAttribute(ZclIasZoneCluster.ATTR_ZONETYPE).updateValue(ZoneTypeEnum.PERSONAL_EMERGENCY_DEVICE.getKey());
        assertThat(converter.releaseHeldAlarm()).containsExactly(new Reading("zb-0015bc001a000001", ReadingKind.CALL, "pressed", T));
        assertThat(notify(converter, 0x0000)).isEmpty();
    }

    @Test
    void aZoneTypeThatNamesNoAlarmHoldsNothing() {
        IasZoneConverter generic = zone(ZoneTypeEnum.STANDARD_CIE, Optional.empty(), true);
        notify(generic, 0x0001);
        assertThat(generic.holdsAlarm()).isFalse();
    }
}
