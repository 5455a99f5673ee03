package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");

    @Test
    void everyBodyRoundTripsThroughJson() throws Exception {
        Body[] bodies = {
            new Reading("kitchen-water", ReadingKind.WATER, "3.50", T),
            Alert.raise(AlertType.EMERGENCY_CALL, "call-button", T, "call button pressed"),
            new GatewayState(GatewayState.Status.ONLINE, "0.1.0", T),
            new Heartbeat(3600, 12),
            new ConfigDocument("{\"gateway\":\"gw-001\",\"version\":7}", "c2ln"),
            new ConfigReport(7, ConfigReport.Outcome.ROLLED_BACK, 6, "org.anxin.driver.replay-day failed to activate", java.util.List.of(6L, 5L)),
            new CommandRequest("{\"id\":\"c1\"}", "c2ln"),
            CommandResult.done("c1", "diagnostics", Map.of("uptimeSeconds", 12)),
            CommandResult.failed("c2", "permit-join", "no Zigbee network on this gateway"),
        };
        for (Body body : bodies) {
            Envelope sent = Envelope.of("gw-001", 42, T, body);
            Envelope received = MessageCodec.decode(MessageCodec.encode(sent));
            assertThat(received).isEqualTo(sent);
        }
    }

    @Test
    void aCheckInPressAndAMissedCheckInTravelUnderTheirWireNames() throws Exception {
        Reading press = new Reading("pendant-ok", ReadingKind.CHECK_IN, "PRESSED", T);
        Alert missed = Alert.raise(AlertType.CHECK_IN_MISSED, null, T, "no check-in and no sign of being up between 07:00 and 10:00");
        String json = new String(MessageCodec.encode(Envelope.of("gw-001", 1, T, press)), StandardCharsets.UTF_8);
        assertThat(json).contains("\"kind\":\"check_in\"", "\"value\":\"pressed\"");
        assertThat(MessageCodec.decode(MessageCodec.encode(Envelope.of("gw-001", 2, T, missed))).body()).isEqualTo(missed);
        assertThat(missed.severity()).isEqualTo(Severity.WARNING);
        assertThat(AlertType.CHECK_IN_MISSED.isLifeSafety()).isFalse();
        assertThatThrownBy(() -> new Reading("pendant-ok", ReadingKind.CHECK_IN, "held", T)).hasMessageContaining("'held'");
    }

    @Test
    void healthMeasurementsTravelUnderTheirWireNamesInCanonicalFormAndTheirAlertsKeepTheirSeverity() throws Exception {
        Object[][] kinds = {{ReadingKind.SYSTOLIC, "systolic", "142.0", "142"}, {ReadingKind.DIASTOLIC, "diastolic", "91", "91"},
            {ReadingKind.HEART_RATE, "heart_rate", "72", "72"}, {ReadingKind.SPO2, "spo2", "97", "97"},
            {ReadingKind.BODY_TEMPERATURE, "body_temperature", "37.30", "37.3"}, {ReadingKind.WEIGHT, "weight", "61.25", "61.25"}};
        for (Object[] k : kinds) {
            Reading r = new Reading("monitor-1", (ReadingKind) k[0], (String) k[2], T);
            String json = new String(MessageCodec.encode(Envelope.of("gw-001", 1, T, r)), StandardCharsets.UTF_8);
            assertThat(json).as(k[1].toString()).contains("\"kind\":\"" + k[1] + "\"", "\"value\":\"" + k[3] + "\"");
            assertThat(MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8)).body()).isEqualTo(r);
            assertThat(((ReadingKind) k[0]).isMeasurement() && !((ReadingKind) k[0]).isActivity()).isTrue();
        }
        Alert critical = Alert.raise(AlertType.HEALTH_READING_CRITICAL, "oximeter", T, "spo2 88 %");
        Alert missed = Alert.raise(AlertType.MEASUREMENT_MISSED, null, T, "no systolic measured today by 09:00");
        assertThat(MessageCodec.decode(MessageCodec.encode(Envelope.of("gw-001", 2, T, critical))).body()).isEqualTo(critical);
        assertThat(MessageCodec.decode(MessageCodec.encode(Envelope.of("gw-001", 3, T, missed))).body()).isEqualTo(missed);
        assertThat(critical.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(AlertType.HEALTH_READING_WARNING.defaultSeverity()).isEqualTo(Severity.WARNING);
        assertThat(missed.severity()).isEqualTo(Severity.WARNING);
        assertThat(List.of(AlertType.HEALTH_READING_WARNING, AlertType.HEALTH_READING_CRITICAL, AlertType.MEASUREMENT_MISSED))
                .noneMatch(AlertType::isLifeSafety);
        assertThat(ReadingKind.WATER.isMeasurement()).isFalse();
    }

    @Test
    void anAbsurdHealthMeasurementIsRefusedNamingItsKindUnitAndRange() {
        Object[][] bad = {{ReadingKind.SYSTOLIC, "400", "systolic must be mmHg from 40 to 300, got '400'"},
            {ReadingKind.DIASTOLIC, "-5", "diastolic must be mmHg from 20 to 200"},
            {ReadingKind.HEART_RATE, "0", "heart_rate must be beats per minute from 20 to 300"},
            {ReadingKind.SPO2, "101", "spo2 must be percent from 50 to 100"},
            {ReadingKind.BODY_TEMPERATURE, "98.6", "body_temperature must be degrees Celsius from 25 to 45, got '98.6'"},
            {ReadingKind.WEIGHT, "1200", "weight must be kg from 2 to 400"},
            {ReadingKind.WEIGHT, "heavy", "'heavy' is not a number"}};
        for (Object[] b : bad) {
            assertThatThrownBy(() -> new Reading("monitor-1", (ReadingKind) b[0], (String) b[1], T)).as(b[1].toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((String) b[2]);
        }
        assertThat(new Reading("monitor-1", ReadingKind.SPO2, "100", T).value()).isEqualTo("100");
        assertThat(new Reading("monitor-1", ReadingKind.BODY_TEMPERATURE, "25", T).value()).isEqualTo("25");
    }

    @Test
    void envelopeCarriesSchemaGatewaySequenceAndTimestamp() {
        String json = new String(MessageCodec.encode(
                Envelope.of("gw-001", 42, T, new Reading("door", ReadingKind.ENTRY_DOOR, "open", T))),
                StandardCharsets.UTF_8);
        assertThat(json).contains("\"schema\":1", "\"gateway\":\"gw-001\"", "\"seq\":42",
                "\"ts\":\"2024-03-01T07:15:00Z\"", "\"message\":\"reading\"", "\"kind\":\"entry_door\"");
    }

    @Test
    void noJsonObjectRepeatsAKey() throws Exception {
        var mapper = MessageCodec.mapper().copy()
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        byte[] json = MessageCodec.encode(Envelope.of("gw-001", 1, T, Alert.raise(AlertType.FIRE, "s", T, "smoke")));
        assertThat(mapper.readTree(json).at("/body/type").asText()).isEqualTo("FIRE");
    }

    @Test
    void waterValueIsCanonicalised() {
        assertThat(new Reading("m", ReadingKind.WATER, "3.50", T).value()).isEqualTo("3.5");
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Reading("m", ReadingKind.WATER, "-1", T)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> new Reading("d", ReadingKind.DOOR, "ajar", T)).hasMessageContaining("ajar");
        assertThatThrownBy(() -> new Reading("bad id", ReadingKind.DOOR, "open", T)).hasMessageContaining("bad id");
        assertThatThrownBy(() -> new Reading("b", ReadingKind.BATTERY, "101", T)).hasMessageContaining("0 to 100");
    }

    @Test
    void malformedPayloadsGiveProtocolExceptions() {
        String[] bad = {
            "", "not json", "null", "{\"schema\":1}", "{\"schema\":99,\"gateway\":\"g\",\"seq\":1,\"ts\":\"2024-03-01T07:15:00Z\",\"body\":{\"message\":\"heartbeat\",\"uptimeSeconds\":1,\"queued\":0}}",
            "{\"schema\":1,\"gateway\":\"g\",\"seq\":1,\"ts\":\"2024-03-01T07:15:00Z\",\"body\":{\"message\":\"reading\",\"device\":\"d\",\"kind\":\"door\",\"value\":\"ajar\",\"time\":\"2024-03-01T07:15:00Z\"}}",
            "{\"schema\":1,\"gateway\":\"g\",\"seq\":1,\"ts\":\"2024-03-01T07:15:00Z\",\"body\":{\"message\":\"bogus\"}}",
            "{\"schema\":1,\"gateway\":\"../../x\",\"seq\":1,\"ts\":\"2024-03-01T07:15:00Z\",\"body\":{\"message\":\"heartbeat\"}}",
        };
        for (String payload : bad) {
            assertThatThrownBy(() -> MessageCodec.decode(payload.getBytes(StandardCharsets.UTF_8)))
                    .as(payload).isInstanceOf(ProtocolException.class).hasMessageNotContaining("null\n");
        }
        assertThatThrownBy(() -> MessageCodec.decode(new byte[MessageCodec.MAX_PAYLOAD_BYTES + 1]))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("exceeds");
    }

    @Test
    void topicsRoundTrip() {
        String topic = Topics.of("gw-001", Channel.CONFIG_DESIRED);
        assertThat(topic).isEqualTo("anxin/v1/gw/gw-001/config/desired");
        assertThat(Topics.parse(topic)).contains(new Topics.Address("gw-001", Channel.CONFIG_DESIRED));
        assertThat(Topics.parse("anxin/v1/gw/gw-001/unknown")).isEmpty();
        assertThat(Topics.parse("other/topic")).isEmpty();
        assertThat(Topics.parse("anxin/v1/gw//alert")).isEmpty();
    }

    @Test
    void alertClearKeepsTheEpisodeId() {
        Alert raised = Alert.raise(AlertType.FIRE, "smoke-1", T, "smoke alarm");
        Alert cleared = raised.clear(T.plusSeconds(60), "detector cleared");
        assertThat(cleared.id()).isEqualTo(raised.id());
        assertThat(cleared.state()).isEqualTo(AlertState.CLEARED);
        assertThat(raised.severity()).isEqualTo(Severity.CRITICAL);
    }
}
