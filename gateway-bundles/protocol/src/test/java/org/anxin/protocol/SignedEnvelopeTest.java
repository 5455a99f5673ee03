package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignedEnvelopeTest {

    private static final Instant T = Instant.parse("2024-03-01T07:15:00Z");
    private static final KeyPair GATEWAY = Signatures.generate();
    private final Envelope fire = Envelope.of("gw-a", 7, T,
            Alert.raise(AlertType.FIRE, "kitchen-smoke", T, "smoke detected in the kitchen"));

    @Test
    void aSealedEnvelopeVerifiesWithItsGatewaysKeyOnItsOwnTopicAndDecodesAsTheEnvelope() throws Exception {
        byte[] payload = SignedEnvelope.seal(GATEWAY.getPrivate(), fire);

        SignedEnvelope signed = SignedEnvelope.open(payload);
        assertThat(signed.verifies(GATEWAY.getPublic(), fire.topic())).isTrue();
        assertThat(MessageCodec.decodeUnsigned(signed.envelope())).isEqualTo(fire);
        assertThat(MessageCodec.decode(payload)).isEqualTo(fire);
        assertThat(new String(payload, StandardCharsets.UTF_8)).startsWith("{\"schema\":2,\"envelope\":\"{\\\"schema\\\":1,");
    }

    @Test
    void aSignatureDoesNotVerifyOnAnotherTopicWithAnotherKeyOrOverChangedBytes() throws Exception {
        SignedEnvelope signed = SignedEnvelope.open(SignedEnvelope.seal(GATEWAY.getPrivate(), fire));

        assertThat(signed.verifies(GATEWAY.getPublic(), Topics.of("gw-b", Channel.ALERT))).isFalse();
        assertThat(signed.verifies(GATEWAY.getPublic(), Topics.of("gw-a", Channel.STATE))).isFalse();
        assertThat(signed.verifies(Signatures.generate().getPublic(), fire.topic())).isFalse();
        String text = new String(signed.envelope(), StandardCharsets.UTF_8).replace("\"raised\"", "\"cleared\"");
        assertThat(new SignedEnvelope(text.getBytes(StandardCharsets.UTF_8), signed.signature())
                .verifies(GATEWAY.getPublic(), fire.topic())).isFalse();
    }

    @Test
    void anUnsignedEnvelopeOpensAsNothingAndASchema2WithoutItsPartsIsAnError() throws Exception {
        assertThat(SignedEnvelope.open(MessageCodec.encode(fire))).isNull();
        assertThat(SignedEnvelope.open("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThatThrownBy(() -> SignedEnvelope.open("{\"schema\":2,\"envelope\":\"{}\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("signature");
        // a signed envelope inside a signed envelope is not a schema-1 envelope
        byte[] nested = SignedEnvelope.seal(GATEWAY.getPrivate(), fire);
        String wrapped = "{\"schema\":2,\"envelope\":" + MessageCodec.mapper().writeValueAsString(
                new String(nested, StandardCharsets.UTF_8)) + ",\"signature\":\"x\"}";
        assertThatThrownBy(() -> MessageCodec.decode(wrapped.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class);
    }
}
