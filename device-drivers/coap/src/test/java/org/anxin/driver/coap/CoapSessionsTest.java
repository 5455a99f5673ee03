package org.anxin.driver.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.DeviceHealthReporter;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.elements.util.ClockUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DTLS sessions per device: real Scandium clients, each on its own UDP port, against the real server over loopback. */
class CoapSessionsTest {

    private static final byte[] METER_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final byte[] PENDANT_KEY = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");
    private static final Instant NOW = Instant.parse("2024-03-04T07:00:00Z");

    private final List<Reading> stored = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ScheduledExecutorService clientThreads = Executors.newScheduledThreadPool(4);
    private CoapReadingServer server;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        clientThreads.shutdownNow();
        if (server != null) {
            server.close();
        }
    }

    private void start(CoapOptions options) {
        server = new CoapReadingServer(options, stored::add, Clock.fixed(NOW, ZoneOffset.UTC), new DeviceHealthReporter());
        server.start();
    }

    private CoapClient client(String identity, byte[] key) {
        return DtlsTestClient.create(server.address().getPort(), "/readings", identity, key, closeables, clientThreads);
    }

    private static CompletableFuture<ResponseCode> postAsync(CoapClient client, String json) {
        CompletableFuture<ResponseCode> answer = new CompletableFuture<>();
        client.post(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                answer.complete(response.getCode());
            }

            @Override
            public void onError() {
                answer.complete(null);
            }
        }, json, MediaTypeRegistry.APPLICATION_JSON);
        return answer;
    }

    private static String reading(String device, String kind, String value) {
        return "{\"device\":\"" + device + "\",\"kind\":\"" + kind + "\",\"value\":\"" + value + "\"}";
    }

    private CoapOptions options(int maxPeers, int sessionsPerDevice, Map<String, byte[]> keys) {
        return new CoapOptions(true, new InetSocketAddress("127.0.0.1", 0), keys, Optional.empty(), maxPeers, 2048, sessionsPerDevice,
                CoapOptions.DEFAULT_SESSION_IDLE);
    }

    private static ResponseCode post(CoapClient client, String json) throws Exception {
        CoapResponse response = client.post(json, MediaTypeRegistry.APPLICATION_JSON);
        return response == null ? null : response.getCode(); // null: no answer, the handshake failed
    }

    @Test
    void aHundredSessionsOnOneMetersKeyLeaveTheCallPendantAHandshake() throws Exception {
        start(options(64, 2, Map.of("kitchen-meter", METER_KEY, "pendant-1", PENDANT_KEY)));
        for (int i = 0; i < 100; i++) {
            // each from a port of its own, one after another: a cloned meter, or its key in other hands
            assertThat(post(client("kitchen-meter", METER_KEY), reading("kitchen-meter", "water", "0.1"))).as("meter session %d, sessions held %s", i, server.sessionsPerDevice())
                    .isEqualTo(ResponseCode.CHANGED);
        }
        assertThat(server.sessionsPerDevice()).containsExactly(Map.entry("kitchen-meter", 2));

        assertThat(post(client("pendant-1", PENDANT_KEY), reading("pendant-1", "call", "pressed"))).isEqualTo(ResponseCode.CHANGED);

        assertThat(stored).contains(new Reading("pendant-1", ReadingKind.CALL, "pressed", NOW));
        assertThat(server.counters().sessionsEvictedOverLimit).hasValue(98);
        assertThat(server.counters().handshakesRefused).hasValue(0);
    }

    @Test
    void aThirdSessionOnOneKeyClosesTheOldestAndTheNewerOnesKeepPosting() throws Exception {
        start(options(64, 2, Map.of("kitchen-meter", METER_KEY)));
        List<CoapClient> meters = List.of(client("kitchen-meter", METER_KEY), client("kitchen-meter", METER_KEY),
                client("kitchen-meter", METER_KEY));
        for (CoapClient meter : meters) {
            assertThat(post(meter, reading("kitchen-meter", "water", "0.1"))).isEqualTo(ResponseCode.CHANGED);
        }
        assertThat(server.sessionsPerDevice()).containsExactly(Map.entry("kitchen-meter", 2));
        assertThat(server.counters().sessionsEvictedOverLimit).hasValue(1);
        // the two newest sessions are the ones kept: they post again without a new handshake
        assertThat(post(meters.get(1), reading("kitchen-meter", "water", "0.2"))).isEqualTo(ResponseCode.CHANGED);
        assertThat(post(meters.get(2), reading("kitchen-meter", "water", "0.3"))).isEqualTo(ResponseCode.CHANGED);
        assertThat(server.counters().sessionsEvictedOverLimit).hasValue(1);
        assertThat(stored).hasSize(5);
    }

    @Test
    void aFullTableMakesRoomForANewDeviceButNeverAtTheCostOfALifeSafetyDevicesSession() throws Exception {
        Map<String, byte[]> keys = new java.util.HashMap<>();
        keys.put("pendant-1", PENDANT_KEY);
        for (int i = 1; i <= 4; i++) {
            keys.put("meter-" + i, METER_KEY);
        }
        start(options(3, 1, keys));
        CoapClient pendant = client("pendant-1", PENDANT_KEY);
        assertThat(post(pendant, reading("pendant-1", "call", "pressed"))).isEqualTo(ResponseCode.CHANGED);
        for (int i = 1; i <= 4; i++) {
            assertThat(post(client("meter-" + i, METER_KEY), reading("meter-" + i, "water", "0.1"))).as("meter-%d", i)
                    .isEqualTo(ResponseCode.CHANGED);
        }
        // three places: the pendant kept its session, the two meters that came last hold the others
        assertThat(server.sessionsPerDevice()).containsOnlyKeys("pendant-1", "meter-3", "meter-4");
        assertThat(server.counters().sessionsEvictedForRoom).hasValue(2);
        assertThat(post(pendant, reading("pendant-1", "call", "pressed"))).isEqualTo(ResponseCode.CHANGED);
        assertThat(server.counters().handshakesRefused).hasValue(0);
    }

    @Test
    void anIdleSessionIsRemovedOnceItsExpiryHasPassed() throws Exception {
        start(options(64, 2, Map.of("kitchen-meter", METER_KEY, "pendant-1", PENDANT_KEY)));
        assertThat(post(client("kitchen-meter", METER_KEY), reading("kitchen-meter", "water", "0.1"))).isEqualTo(ResponseCode.CHANGED);
        long offset = TimeUnit.MINUTES.toNanos(9);
        // Scandium's clock, moved on; the driver's sweep is what the test calls
        ClockUtil.setRealtimeHandler(() -> System.nanoTime() + offset);
        try {
            assertThat(server.expireIdleSessions()).isZero();
            assertThat(post(client("pendant-1", PENDANT_KEY), reading("pendant-1", "battery", "80"))).isEqualTo(ResponseCode.CHANGED);
            long later = TimeUnit.MINUTES.toNanos(11);
            ClockUtil.setRealtimeHandler(() -> System.nanoTime() + later);
            // the meter has been idle 11 minutes, the pendant 2
            assertThat(server.expireIdleSessions()).isEqualTo(1);
            assertThat(server.sessionsPerDevice()).containsOnlyKeys("pendant-1");
            assertThat(server.counters().sessionsExpired).hasValue(1);
        } finally {
            ClockUtil.setRealtimeHandler(System::nanoTime);
        }
    }

    @Test
    void theStatusResourceShowsTheSessionCounters() throws Exception {
        start(options(64, 1, Map.of("kitchen-meter", METER_KEY)));
        post(client("kitchen-meter", METER_KEY), reading("kitchen-meter", "water", "0.1"));
        post(client("kitchen-meter", METER_KEY), reading("kitchen-meter", "water", "0.1"));
        CoapClient status = DtlsTestClient.create(server.address().getPort(), "/status", "kitchen-meter", METER_KEY, closeables, clientThreads);
        String json = status.get().getResponseText();
        assertThat(json).contains("\"sessionsEvictedOverLimit\":2", "\"sessionsEvictedForRoom\":0", "\"sessionsExpired\":0",
                "\"handshakesRefused\":0", "\"sessions\":{\"kitchen-meter\":1}");
    }
}
