package org.anxin.driver.coap;

import org.anxin.driver.api.DeviceHealthReporter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real Californium client against the real server over loopback, with and without DTLS. */
class CoapReadingServerTest {

    private static final byte[] METER_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final byte[] PENDANT_KEY = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");
    private static final Instant NOW = Instant.parse("2024-03-04T07:00:00Z");

    private final List<Reading> stored = new CopyOnWriteArrayList<>();
    private final AtomicBoolean storeFull = new AtomicBoolean();
    private final ReadingSink sink = reading -> {
        if (storeFull.get()) {
            throw new IllegalStateException("disk full");
        }
        stored.add(reading);
    };
    private final List<DeviceHealth> health = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CoapReadingServer server;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private CoapReadingServer start(boolean dtls) {
        DeviceHealthReporter reporter = new DeviceHealthReporter();
        reporter.add(health::add);
        CoapOptions options = new CoapOptions(dtls, new InetSocketAddress("127.0.0.1", 0),
                dtls ? Map.of("kitchen-meter", METER_KEY, "pendant-1", PENDANT_KEY) : Map.of(), Optional.empty(), 16, 2048);
        server = new CoapReadingServer(options, sink, Clock.fixed(NOW, ZoneOffset.UTC), reporter);
        server.start();
        return server;
    }

    private CoapClient dtlsClient(String path, String identity, byte[] key) {
        return DtlsTestClient.create(server.address().getPort(), path, identity, key, closeables);
    }

    private CoapClient plainClient(String path) {
        CoapClient client = new CoapClient("coap://127.0.0.1:" + server.address().getPort() + path);
        client.setTimeout(3000L);
        closeables.add(client::shutdown);
        return client;
    }

    private static CoapResponse post(CoapClient client, String json) throws Exception {
        return client.post(json, MediaTypeRegistry.APPLICATION_JSON);
    }

    @Test
    void aReadingPostedOverDtlsIsStoredWithTheDevicesOwnTime() throws Exception {
        start(true);
        CoapResponse response = post(dtlsClient("/readings", "kitchen-meter", METER_KEY),
                "{\"device\":\"kitchen-meter\",\"kind\":\"water\",\"value\":\"2.4\",\"time\":\"2024-03-04T06:50:00Z\"}");

        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(stored).containsExactly(new Reading("kitchen-meter", ReadingKind.WATER, "2.4", Instant.parse("2024-03-04T06:50:00Z")));
        assertThat(health).anySatisfy(h -> {
            assertThat(h.device()).isEqualTo("kitchen-meter");
            assertThat(h.lastSeen()).contains(NOW);
        });
    }

    @Test
    void aDeviceWithTheWrongKeyIsRefusedAndNothingIsStored() throws Exception {
        start(true);
        CoapClient impostor = dtlsClient("/readings", "kitchen-meter", PENDANT_KEY);
        CoapResponse response;
        try {
            response = post(impostor, "{\"device\":\"kitchen-meter\",\"kind\":\"water\",\"value\":\"100\"}");
        } catch (Exception e) {
            response = null; // the handshake failed: no CoAP exchange at all
        }
        assertThat(response).isNull();
        CoapResponse unknown;
        try {
            unknown = post(dtlsClient("/readings", "stranger", METER_KEY), "{\"device\":\"stranger\",\"kind\":\"call\",\"value\":\"pressed\"}");
        } catch (Exception e) {
            unknown = null;
        }
        assertThat(unknown).isNull();
        assertThat(stored).isEmpty();
        assertThat(server.counters().accepted).hasValue(0);
    }

    @Test
    void aDeviceMayOnlyPostItsOwnReadings() throws Exception {
        start(true);
        CoapResponse response = post(dtlsClient("/readings", "pendant-1", PENDANT_KEY),
                "{\"device\":\"kitchen-smoke\",\"kind\":\"smoke\",\"value\":\"alarm\"}");
        assertThat(response.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(stored).isEmpty();
        assertThat(server.counters().forbidden).hasValue(1);
    }

    @Test
    void malformedPayloadsAreAnswered4xxAndCountedAndTheServerKeepsServing() throws Exception {
        start(true);
        CoapClient client = dtlsClient("/readings", "pendant-1", PENDANT_KEY);
        Map<String, String> bad = Map.of(
                "{\"device\":\"pendant-1\",\"kind\":\"call\"", "not JSON",
                "{\"device\":\"pendant-1\",\"value\":\"pressed\"}", "'kind' is missing",
                "{\"device\":\"pendant-1\",\"kind\":\"fire\",\"value\":\"yes\"}", "unknown kind 'fire'",
                "{\"device\":\"pendant-1\",\"kind\":\"battery\",\"value\":\"140\"}", "battery",
                "{\"device\":\"pendant-1\",\"kind\":\"call\",\"value\":\"pressed\",\"time\":\"yesterday\"}", "'time' yesterday",
                "[]", "1 to 32 readings",
                "\"pressed\"", "expected an object");
        for (var entry : bad.entrySet()) {
            CoapResponse response = post(client, entry.getKey());
            assertThat(response.getCode()).as(entry.getKey()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(response.getResponseText()).as(entry.getKey()).contains(entry.getValue());
        }
        CoapResponse xml = client.post("<call/>", MediaTypeRegistry.APPLICATION_XML);
        assertThat(xml.getCode()).isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        CoapResponse huge = post(client, "[" + "{\"device\":\"pendant-1\",\"kind\":\"call\",\"value\":\"pressed\"},".repeat(60) + "]");
        assertThat(huge.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);

        assertThat(server.counters().malformed).hasValue(bad.size() + 1);
        assertThat(stored).isEmpty();
        CoapResponse good = post(client, "{\"device\":\"pendant-1\",\"kind\":\"call\",\"value\":\"pressed\",\"time\":1709535000}");
        assertThat(good.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(stored).extracting(Reading::time).containsExactly(Instant.ofEpochSecond(1709535000));
    }

    @Test
    void aHealthMonitorsMeasurementsAreStoredAndAbsurdOnesAreAnswered400AndCounted() throws Exception {
        start(false);
        CoapClient client = plainClient("/readings");
        CoapResponse good = post(client, """
                [{"device":"cuff","kind":"systolic","value":142,"time":"2024-03-04T06:50:00Z"},
                 {"device":"cuff","kind":"diastolic","value":91,"time":"2024-03-04T06:50:00Z"},
                 {"device":"cuff","kind":"heart_rate","value":"72","time":"2024-03-04T06:50:00Z"},
                 {"device":"oximeter","kind":"spo2","value":96},
                 {"device":"thermometer","kind":"body_temperature","value":37.30},
                 {"device":"scale","kind":"weight","value":"61.2"}]""");
        assertThat(good.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(stored).extracting(Reading::kind, Reading::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ReadingKind.SYSTOLIC, "142"), org.assertj.core.groups.Tuple.tuple(ReadingKind.DIASTOLIC, "91"),
                org.assertj.core.groups.Tuple.tuple(ReadingKind.HEART_RATE, "72"), org.assertj.core.groups.Tuple.tuple(ReadingKind.SPO2, "96"),
                org.assertj.core.groups.Tuple.tuple(ReadingKind.BODY_TEMPERATURE, "37.3"),
                org.assertj.core.groups.Tuple.tuple(ReadingKind.WEIGHT, "61.2"));

        Map<String, String> absurd = Map.of(
                "{\"device\":\"cuff\",\"kind\":\"systolic\",\"value\":420}", "systolic must be mmHg from 40 to 300",
                "{\"device\":\"oximeter\",\"kind\":\"spo2\",\"value\":104}", "spo2 must be percent from 50 to 100",
                "{\"device\":\"thermometer\",\"kind\":\"body_temperature\",\"value\":98.6}", "degrees Celsius from 25 to 45",
                "{\"device\":\"cuff\",\"kind\":\"heart_rate\",\"value\":\"fast\"}", "'fast' is not a number",
                "{\"device\":\"scale\",\"kind\":\"weight\",\"value\":0}", "weight must be kg from 2 to 400");
        for (var entry : absurd.entrySet()) {
            CoapResponse response = post(client, entry.getKey());
            assertThat(response.getCode()).as(entry.getKey()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(response.getResponseText()).as(entry.getKey()).contains(entry.getValue());
        }
        // one absurd value refuses its whole array: the device's good readings are sent again, not half stored
        CoapResponse mixed = post(client, "[{\"device\":\"cuff\",\"kind\":\"systolic\",\"value\":130},"
                + "{\"device\":\"cuff\",\"kind\":\"diastolic\",\"value\":900}]");
        assertThat(mixed.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(server.counters().malformed).hasValue(absurd.size() + 1);
        assertThat(server.counters().accepted).hasValue(6);
        assertThat(stored).hasSize(6);
    }

    @Test
    void readingsKeptByAnOfflineDeviceArriveAsOneArrayInOrder() throws Exception {
        start(true);
        CoapResponse response = post(dtlsClient("/readings", "kitchen-meter", METER_KEY), """
                [{"device":"kitchen-meter","kind":"water","value":1.5,"time":"2024-03-04T05:00:00Z"},
                 {"device":"kitchen-meter","kind":"water","value":"0.5","time":"2024-03-04T05:10:00Z"},
                 {"device":"kitchen-meter","kind":"battery","value":"80","time":"2024-03-04T05:10:00Z"}]""");
        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        assertThat(stored).extracting(Reading::kind, Reading::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ReadingKind.WATER, "1.5"), org.assertj.core.groups.Tuple.tuple(ReadingKind.WATER, "0.5"),
                org.assertj.core.groups.Tuple.tuple(ReadingKind.BATTERY, "80"));
        assertThat(health).anySatisfy(h -> assertThat(h.batteryPercent()).hasValue(80));
    }

    @Test
    void aReadingTheStoreRefusesIsAnswered503SoTheDeviceSendsItAgain() throws Exception {
        start(false);
        storeFull.set(true);
        CoapResponse response = post(plainClient("/readings"), "{\"device\":\"pendant-1\",\"kind\":\"call\",\"value\":\"pressed\"}");
        assertThat(response.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(server.counters().unstored).hasValue(1);
    }

    @Test
    void plainCoapAcceptsAnyDeviceWhenConfiguredWithoutDtls() throws Exception {
        start(false);
        CoapResponse response = post(plainClient("/readings"), "{\"device\":\"hall-motion\",\"kind\":\"motion\",\"value\":\"on\"}");
        assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
        // dated on arrival: the device sent no time
        assertThat(stored).containsExactly(new Reading("hall-motion", ReadingKind.MOTION, "on", NOW));
    }

    @Test
    void observersOfTheStatusResourceAreNotifiedOfEachReading() throws Exception {
        start(false);
        List<String> notifications = new CopyOnWriteArrayList<>();
        CoapObserveRelation relation = plainClient("/status").observe(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                notifications.add(response.getResponseText());
            }

            @Override
            public void onError() {
            }
        });
        closeables.add(relation::proactiveCancel);
        await().atMost(Duration.ofSeconds(5)).until(() -> notifications.size() == 1);
        assertThat(notifications.get(0)).contains("\"accepted\":0");

        post(plainClient("/readings"), "{\"device\":\"bedroom-mat\",\"kind\":\"presence\",\"value\":\"on\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> notifications.size() == 2);
        assertThat(notifications.get(1)).contains("\"accepted\":1", "\"bedroom-mat\":\"2024-03-04T07:00:00Z\"");
        assertThat(new String(plainClient("/status").get().getPayload(), StandardCharsets.UTF_8)).contains("\"malformed\":0");
    }
}
