package org.anxin.driver.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.Reading;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.driver.api.DeviceHealth;
import org.junit.jupiter.api.Test;

class CoapDriverTest {

    private static final byte[] METER_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final byte[] PENDANT_KEY = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");
    private static final String MOTION = "{\"device\":\"X\",\"kind\":\"motion\",\"value\":\"on\"}";

    @Test
    void aPortAlreadyInUseIsAHealthFaultAndTheServerStartsOnceItIsFree() throws Exception {
        List<DeviceHealth> health = new CopyOnWriteArrayList<>();
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = squatter.getLocalPort();
        CoapOptions options = new CoapOptions(false, new InetSocketAddress("127.0.0.1", port), Map.of(), Optional.empty(), 8, 1024);
        CoapDriver driver = new CoapDriver(reading -> { }, options, Clock.systemUTC());
        driver.addHealthListener(health::add);
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> !health.isEmpty());
            assertThat(health.get(0).fault()).hasValueSatisfying(f -> assertThat(f).contains("cannot listen on", "retrying in 5 s"));
            assertThat(driver.server()).isEmpty();

            squatter.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> driver.server().isPresent());
            assertThat(driver.server().get().address().getPort()).isEqualTo(port);
            assertThat(health).last().satisfies(h -> assertThat(h.healthy()).isTrue());
        } finally {
            driver.close();
            squatter.close();
        }
    }

    @Test
    void aDeviceAddedToTheKeyFileCanPostWithoutARestartAndARemovedOneCannot(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.txt"), "kitchen-meter=" + HexFormat.of().formatHex(METER_KEY) + "\n");
        List<Reading> stored = new CopyOnWriteArrayList<>();
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        CoapDriver driver = new CoapDriver(stored::add, CoapOptions.from(CoapOptionsTest.config("dtls-psk", port, keys.toString())),
                Clock.systemUTC());
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> driver.server().isPresent());
            CoapClient meter = DtlsTestClient.create(port, "/readings", "kitchen-meter", METER_KEY, closeables);
            assertThat(meter.post(MOTION.replace("X", "kitchen-meter"), MediaTypeRegistry.APPLICATION_JSON).getCode())
                    .isEqualTo(ResponseCode.CHANGED);

            Files.writeString(keys, "pendant-1=" + HexFormat.of().formatHex(PENDANT_KEY) + "\n");
            Files.setLastModifiedTime(keys, FileTime.fromMillis(System.currentTimeMillis() + 1000));
            CoapClient pendant = DtlsTestClient.create(port, "/readings", "pendant-1", PENDANT_KEY, closeables);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> pendant.post(MOTION.replace("X", "pendant-1"),
                    MediaTypeRegistry.APPLICATION_JSON).getCode() == ResponseCode.CHANGED);
            // the meter's session outlived its key, but its readings are refused
            assertThat(meter.post(MOTION.replace("X", "kitchen-meter"), MediaTypeRegistry.APPLICATION_JSON).getCode())
                    .isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(stored).extracting(Reading::device).containsExactly("kitchen-meter", "pendant-1");
        } finally {
            for (AutoCloseable c : closeables) {
                c.close();
            }
            driver.close();
        }
    }

    @Test
    void sessionsClosedOverADevicesLimitAreInTheHeartbeatsHealthAsNotImpairingTheAlarmPath(@TempDir Path dir) throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.txt"), "kitchen-meter=" + HexFormat.of().formatHex(METER_KEY) + "\n");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        int limit = 2;
        CoapDriver driver = new CoapDriver(reading -> { },
                CoapOptions.from(CoapOptionsTest.config("dtls-psk", port, keys.toString(), limit, 10)), Clock.systemUTC());
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(3)).until(() -> driver.server().isPresent());
            CoapClient first = DtlsTestClient.create(port, "/readings", "kitchen-meter", METER_KEY, closeables);
            assertThat(first.post(MOTION.replace("X", "kitchen-meter"), MediaTypeRegistry.APPLICATION_JSON).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            assertThat(driver.problems()).as("one session is within the limit").isEmpty();

            for (int i = 0; i < limit; i++) {
                CoapClient clone = DtlsTestClient.create(port, "/readings", "kitchen-meter", METER_KEY, closeables);
                assertThat(clone.post(MOTION.replace("X", "kitchen-meter"), MediaTypeRegistry.APPLICATION_JSON).getCode())
                        .isEqualTo(ResponseCode.CHANGED);
            }
            assertThat(driver.problems()).singleElement().satisfies(p -> {
                assertThat(p.code()).isEqualTo(GatewayHealth.Code.DEVICE_SESSIONS_LIMITED);
                assertThat(p.subject()).isEqualTo("kitchen-meter");
                assertThat(p.cause()).contains("1 DTLS sessions closed", "more than " + limit);
            });
            assertThat(GatewayHealth.of(driver.problems(), null).alarmPathImpaired()).isFalse();
        } finally {
            for (AutoCloseable c : closeables) {
                c.close();
            }
            driver.close();
        }
    }
}
