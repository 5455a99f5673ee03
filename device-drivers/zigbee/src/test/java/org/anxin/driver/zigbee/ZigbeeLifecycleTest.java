package org.anxin.driver.zigbee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.zsmartsystems.zigbee.transport.ZigBeePort.FlowControl;

/** Restarts, removal and a dongle that is missing or pulled out. */
class ZigbeeLifecycleTest {

    @TempDir
    Path dir;
    final List<Reading> readings = new CopyOnWriteArrayList<>();
    final List<DeviceHealth> health = new CopyOnWriteArrayList<>();

    ZigbeeNetwork network(FakeTransport transport) {
        return new ZigbeeNetwork(transport, new FileNetworkDataStore(dir), ieee -> Optional.empty(), readings::add,
                ZigbeeNetworkTest.reporter(health), Clock.systemUTC(), ZigbeeDriver.PID, reason -> { }, new ZigbeeCounters());
    }

    static FakeDevice leakDetector() {
        return ZigbeeNetworkTest.zone("0015BC001A0000AA", 0x2A01, 0x002A);
    }

    @Test
    void aRestartedGatewayKnowsItsPairedDevicesWithoutPairingAgain() {
        FakeTransport before = new FakeTransport();
        FakeDevice leak = leakDetector();
        try (ZigbeeNetwork first = network(before)) {
            first.start(Optional.empty());
            before.join(leak);
            await().atMost(ZigbeeNetworkTest.JOIN).until(() -> first.devices().size() == 1 && !first.devices().get(0).model().isEmpty());
        }
        FakeTransport after = new FakeTransport();
        after.add(leak);
        try (ZigbeeNetwork second = network(after)) {
            second.start(Optional.empty());
            await().untilAsserted(() -> assertThat(second.devices()).singleElement()
                    .satisfies(d -> assertThat(d.kinds()).contains(ReadingKind.LEAK)));
            after.play(ZigbeeNetworkTest.notification(leak, 0x0001));
            await().untilAsserted(() -> assertThat(readings).anyMatch(r -> r.device().equals("zb-0015bc001a0000aa")
                    && r.kind() == ReadingKind.LEAK && r.value().equals("alarm")));
            // the device was not discovered again: its endpoints and clusters came from the network directory
            assertThat(after.sent).noneMatch(f -> f.getDestinationAddress() == leak.nwk && (f.getCluster() == 0x0004 || f.getCluster() == 0x0005));
        }
    }

    @Test
    void aRemovedDeviceIsAskedToLeaveAndForgotten() {
        FakeTransport transport = new FakeTransport();
        FakeDevice leak = leakDetector();
        try (ZigbeeNetwork network = network(transport)) {
            network.start(Optional.empty());
            transport.join(leak);
            await().atMost(ZigbeeNetworkTest.JOIN).until(() -> network.devices().size() == 1 && !network.devices().get(0).model().isEmpty());
            await().until(() -> Files.exists(dir.resolve("nodes/0015BC001A0000AA.json")));
            assertThat(network.remove("zb-0015bc001a0000aa")).isTrue();
            await().until(() -> leak.left);
            assertThat(network.devices()).isEmpty();
            await().until(() -> !Files.exists(dir.resolve("nodes/0015BC001A0000AA.json")));
            assertThat(network.remove("zb-0015bc001a0000aa")).isFalse();
            assertThat(network.remove("kitchen")).isFalse();
        }
    }

    @Test
    void aNewNetworkIsFormedOnceWithRandomParameters() {
        FakeTransport transport = new FakeTransport();
        try (ZigbeeNetwork network = network(transport)) {
            NetworkParameters parameters = NetworkParameters.random(20);
            network.start(Optional.of(parameters));
            assertThat(transport.formed).isTrue();
            assertThat(transport.getZigBeePanId()).isEqualTo(parameters.panId());
            assertThat(transport.getZigBeeNetworkKey()).isEqualTo(parameters.networkKey());
            assertThat(parameters.toString()).doesNotContain(parameters.networkKey().toString());
        }
    }

    @Test
    void aMissingOrUnpluggedDongleIsAHealthFaultAndARetryNotACrash() {
        Deque<FakeTransport> dongles = new ArrayDeque<>();
        FakeTransport missing = new FakeTransport();
        missing.dongleMissing = true;
        FakeTransport plugged = new FakeTransport();
        FakeTransport replugged = new FakeTransport();
        dongles.addAll(List.of(missing, plugged, replugged));
        ZigbeeOptions options = new ZigbeeOptions(ZigbeeOptions.Dongle.EZSP, "/dev/ttyUSB0", 115200, FlowControl.FLOWCONTROL_OUT_NONE, 15,
                dir, Map.of());
        ZigbeeDriver driver = new ZigbeeDriver(readings::add, options, Clock.systemUTC(), o -> dongles.removeFirst());
        driver.addHealthListener(health::add);
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> health.stream().anyMatch(h -> h.device().equals("zigbee-ttyUSB0")
                    && h.fault().orElse("").contains("retrying in 5 s")));
            assertThatThrownBy(() -> driver.permitJoin(60)).isInstanceOf(IllegalStateException.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> driver.network().isPresent());
            assertThat(health).last().satisfies(h -> assertThat(h.healthy()).isTrue());
            assertThat(plugged.formed).as("the first start forms the network").isTrue();
            assertThat(dir.resolve(ZigbeeDriver.FORMED_FILE)).exists();

            health.clear();
            plugged.unplug();
            await().atMost(Duration.ofSeconds(3)).until(() -> health.stream().anyMatch(h -> h.fault().orElse("").contains("offline")));
            await().atMost(Duration.ofSeconds(15)).until(() -> driver.network().isPresent() && health.get(health.size() - 1).healthy());
            assertThat(replugged.formed).as("a restart takes up the network the dongle keeps").isFalse();
            driver.permitJoin(10);
        } finally {
            driver.close();
        }
    }

}
