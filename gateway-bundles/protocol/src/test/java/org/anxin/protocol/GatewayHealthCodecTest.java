package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayHealthCodecTest {

    private static final Instant T = Instant.parse("2026-12-03T07:15:00Z");

    private static Envelope decode(String json) throws ProtocolException {
        return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aHeartbeatWithoutHealthStillDecodesAndSaysNothingOfHealth() throws Exception {
        Envelope e = decode("{\"schema\":1,\"gateway\":\"gw-1\",\"seq\":3,\"ts\":\"2026-12-03T07:15:00Z\","
                + "\"body\":{\"message\":\"heartbeat\",\"uptimeSeconds\":60,\"queued\":0}}");
        assertThat(e.body()).isEqualTo(new Heartbeat(60, 0));
        assertThat(((Heartbeat) e.body()).health()).isNull();
        assertThat(new String(MessageCodec.encode(new Heartbeat(60, 0)), StandardCharsets.UTF_8)).doesNotContain("health");
    }

    @Test
    void aHeartbeatWithHealthRoundTripsWithItsProblemsAndSelfTest() throws Exception {
        GatewayHealth health = GatewayHealth.of(List.of(
                new GatewayHealth.Problem(GatewayHealth.Code.CONFIG_INVALID, "org.anxin.detection.cfg",
                        "'noWaterHours': 'twelve' is not a whole number"),
                new GatewayHealth.Problem(GatewayHealth.Code.DEVICE_CLOCK_REFUSED, "coap-meter", "3 readings re-stamped")),
                new GatewayHealth.SelfTest(T, true, "EMERGENCY_CALL reached the outbox", 60));
        Envelope sent = Envelope.of("gw-1", 9, T, new Heartbeat(60, 2, health));
        Envelope received = MessageCodec.decode(MessageCodec.encode(sent));
        assertThat(received).isEqualTo(sent);
        assertThat(((Heartbeat) received.body()).health().alarmPathImpaired()).isTrue();
    }

    @Test
    void onlyProblemsOnTheAlarmPathOrAFailedSelfTestMakeItImpaired() {
        GatewayHealth.Problem clock = new GatewayHealth.Problem(GatewayHealth.Code.DEVICE_CLOCK_REFUSED, "m", "re-stamped");
        assertThat(GatewayHealth.of(List.of(clock), new GatewayHealth.SelfTest(T, true, "", 60)).alarmPathImpaired()).isFalse();
        assertThat(GatewayHealth.of(List.of(), new GatewayHealth.SelfTest(T, false, "no siren decision", 60))
                .impairments()).singleElement().asString().contains("failed", "no siren decision");
        assertThat(GatewayHealth.of(List.of(new GatewayHealth.Problem(GatewayHealth.Code.COMPONENT_DOWN,
                "org.anxin.driver.coap", "BindException: Address already in use")), null).impairments())
                .containsExactly("org.anxin.driver.coap: BindException: Address already in use");
    }

    @Test
    void aProblemCodeThisSideDoesNotKnowIsTakenAsImpairingNotRefused() throws Exception {
        Envelope e = decode("{\"schema\":1,\"gateway\":\"gw-1\",\"seq\":3,\"ts\":\"2026-12-03T07:15:00Z\","
                + "\"body\":{\"message\":\"heartbeat\",\"uptimeSeconds\":60,\"queued\":0,\"health\":{\"alarmPathImpaired\":true,"
                + "\"problems\":[{\"code\":\"RADIO_JAMMED\",\"subject\":\"zigbee\",\"cause\":\"noise\"}]}}}");
        GatewayHealth health = ((Heartbeat) e.body()).health();
        assertThat(health.problems()).singleElement().extracting(GatewayHealth.Problem::code).isEqualTo(GatewayHealth.Code.OTHER);
        assertThat(health.alarmPathImpaired()).isTrue();
    }

    @Test
    void aSelfTestAlertCarriesItsMarkAndAnOrdinaryAlertDoesNot() throws Exception {
        Alert call = Alert.raise(AlertType.EMERGENCY_CALL, "SELFTEST", T, "call button pressed");
        String plain = new String(MessageCodec.encode(call), StandardCharsets.UTF_8);
        assertThat(plain).doesNotContain("test");
        Alert test = call.asSelfTest();
        Envelope received = MessageCodec.decode(MessageCodec.encode(Envelope.of("gw-1", 4, T, test)));
        assertThat(received.body()).isEqualTo(test);
        assertThat(((Alert) received.body()).isSelfTest()).isTrue();
        assertThat(((Alert) received.body()).id()).startsWith("SELFTEST/EMERGENCY_CALL/");
        assertThat(call.isSelfTest()).isFalse();
    }

    @Test
    void aTestMarkOnAnAlertWithoutASelfTestsIdDoesNotMakeItATest() throws Exception {
        Envelope e = decode("{\"schema\":1,\"gateway\":\"gw-1\",\"seq\":3,\"ts\":\"2026-12-03T07:15:00Z\","
                + "\"body\":{\"message\":\"alert\",\"id\":\"FIRE/smoke/1\",\"type\":\"FIRE\",\"state\":\"raised\","
                + "\"severity\":\"critical\",\"device\":\"smoke\",\"time\":\"2026-12-03T07:15:00Z\",\"reason\":\"smoke\",\"test\":true}}");
        assertThat(((Alert) e.body()).isSelfTest()).isFalse();
    }
}
