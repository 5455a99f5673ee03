package org.anxin.driver.zigbee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.driver.api.PairedDevice;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import static org.anxin.driver.zigbee.ZigbeeNetworkTest.BASIC;
import static org.anxin.driver.zigbee.ZigbeeNetworkTest.POWER_CONFIGURATION;
import com.zsmartsystems.zigbee.aps.ZigBeeApsFrame;
import com.zsmartsystems.zigbee.zcl.clusters.iasace.ArmCommand;
import com.zsmartsystems.zigbee.zcl.clusters.iasace.FireCommand;
import com.zsmartsystems.zigbee.zcl.clusters.iasace.PanicCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OnCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.ToggleCommand;
import com.zsmartsystems.zigbee.zcl.clusters.scenes.RecallSceneCommand;
import com.zsmartsystems.zigbee.zcl.protocol.ZclDataType;

/**
 * Buttons that send commands, on the real network manager over the fake transport: a remote's
 * on/off and scene buttons are check-ins, a key fob's IAS ACE panic is a call and its arm button a
 * check-in; a plug's relay beside them stays {@code power}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZigbeeButtonTest {

    static final int ON_OFF = 0x0006;
    static final int SCENES = 0x0005;
    static final int IAS_ACE = 0x0501;

    @TempDir
    static Path dir;
    final FakeTransport transport = new FakeTransport();
    final List<Reading> readings = new CopyOnWriteArrayList<>();
    ZigbeeNetwork network;

    final FakeDevice remote = new FakeDevice("0015BC001B000001", 0x1B01, 0x0820, List.of(BASIC, POWER_CONFIGURATION))
            .outputs(ON_OFF, SCENES)
            .attribute(BASIC, 0x0004, ZclDataType.CHARACTER_STRING, "IKEA of Sweden")
            .attribute(BASIC, 0x0005, ZclDataType.CHARACTER_STRING, "TRADFRI on/off switch")
            .attribute(POWER_CONFIGURATION, 0x0021, ZclDataType.UNSIGNED_8_BIT_INTEGER, 180);
    final FakeDevice keyFob = new FakeDevice("0015BC001B000002", 0x1B02, 0x0401, List.of(BASIC))
            .outputs(IAS_ACE)
            .attribute(BASIC, 0x0004, ZclDataType.CHARACTER_STRING, "frient A/S")
            .attribute(BASIC, 0x0005, ZclDataType.CHARACTER_STRING, "KEPZB-110");
    /** A plug: its On/Off is a server, a relay, as before. */
    final FakeDevice plug = new FakeDevice("0015BC001B000003", 0x1B03, 0x0051, List.of(BASIC, ON_OFF))
            .attribute(BASIC, 0x0004, ZclDataType.CHARACTER_STRING, "Xiaomi")
            .attribute(BASIC, 0x0005, ZclDataType.CHARACTER_STRING, "plug")
            .attribute(ON_OFF, 0x0000, ZclDataType.BOOLEAN, false);

    @BeforeAll
    void joinTheHome() {
        network = new ZigbeeNetwork(transport, new FileNetworkDataStore(dir), ieee -> Optional.empty(), readings::add,
                ZigbeeNetworkTest.reporter(new CopyOnWriteArrayList<>()), Clock.systemUTC(), ZigbeeDriver.PID, any -> { },
                new ZigbeeCounters());
        network.start(Optional.empty());
        for (FakeDevice device : List.of(remote, keyFob, plug)) {
            transport.join(device);
        }
        await().atMost(ZigbeeNetworkTest.JOIN).until(() -> network.devices().size() == 3
                && network.devices().stream().noneMatch(d -> d.model().isEmpty())
                && kindsOf(remote).contains(ReadingKind.CHECK_IN) && kindsOf(keyFob).contains(ReadingKind.CALL)
                && kindsOf(plug).contains(ReadingKind.POWER));
    }

    @AfterAll
    void close() {
        network.close();
    }

    Set<ReadingKind> kindsOf(FakeDevice device) {
        return network.devices().stream().filter(d -> d.device().equals(ZigbeeNetworkTest.id(device))).findFirst()
                .map(PairedDevice::kinds).orElse(Set.of());
    }

    List<String> readingsOf(FakeDevice device) {
        return readings.stream().filter(r -> r.device().equals(ZigbeeNetworkTest.id(device)))
                .map(r -> r.kind().wireName() + "=" + r.value()).toList();
    }

    @Test
    void aRemotesButtonsAreAnnouncedAsCheckInsAndBoundToTheCoordinator() {
        assertThat(kindsOf(remote)).containsExactlyInAnyOrder(ReadingKind.CHECK_IN, ReadingKind.BATTERY);
        assertThat(kindsOf(remote)).doesNotContain(ReadingKind.CALL, ReadingKind.POWER);
        await().atMost(Duration.ofSeconds(10)).until(() -> boundClusters(remote).containsAll(List.of(ON_OFF, SCENES)));
        assertThat(boundClusters(keyFob)).contains(IAS_ACE);
    }

    /** The clusters the coordinator asked the device to bind to it (ZDO bind requests: the cluster after the source). */
    private List<Integer> boundClusters(FakeDevice device) {
        return transport.sentSince(0).stream()
                .filter(f -> f.getProfile() == Frames.PROFILE_ZDO && f.getCluster() == 0x0021 && f.getDestinationAddress() == device.nwk)
                .map(ZigBeeApsFrame::getPayload).map(p -> p[10] | p[11] << 8).toList();
    }

    @Test
    void eachOnOffOrSceneCommandFromARemoteIsOneCheckInAndNeverACall() {
        int before = readingsOf(remote).size();
        transport.play(remote.press(ON_OFF, new OnCommand()));
        transport.play(remote.press(ON_OFF, new OffCommand()));
        transport.play(remote.press(ON_OFF, new ToggleCommand()));
        transport.play(remote.press(SCENES, new RecallSceneCommand(0, 1, 0)));
        await().untilAsserted(() -> assertThat(readingsOf(remote).subList(before, readingsOf(remote).size()))
                .containsExactly("check_in=pressed", "check_in=pressed", "check_in=pressed", "check_in=pressed"));
    }

    @Test
    void aKeyFobsPanicIsACallItsArmButtonACheckInAndItsFireButtonNothing() {
        int before = readingsOf(keyFob).size();
        transport.play(keyFob.press(IAS_ACE, new FireCommand()));
        transport.play(keyFob.press(IAS_ACE, new ArmCommand(0, "", 0)));
        transport.play(keyFob.press(IAS_ACE, new PanicCommand()));
        await().untilAsserted(() -> assertThat(readingsOf(keyFob).subList(before, readingsOf(keyFob).size()))
                .containsExactly("check_in=pressed", "call=pressed"));
    }

    @Test
    void aPlugsRelayIsStillPowerAndAnOnCommandSentToItIsNoCheckIn() {
        transport.play(plug.report(ON_OFF, 0x0000, ZclDataType.BOOLEAN, true));
        await().untilAsserted(() -> assertThat(readingsOf(plug)).contains("power=on"));
        // a plug has no On/Off client: a command from it (as a misbehaving device might send) is read as nothing
        transport.play(plug.press(ON_OFF, new OnCommand()));
        transport.play(remote.press(ON_OFF, new OnCommand()));
        await().untilAsserted(() -> assertThat(readingsOf(remote)).contains("check_in=pressed"));
        assertThat(readingsOf(plug)).doesNotContain("check_in=pressed");
    }
}
