package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private final KeyPair bridge = Signatures.generate();
    private final String document = new String(MessageCodec.mapper().valueToTree(new DesiredConfig("gw-1", 3,
            Instant.parse("2026-11-23T10:00:00Z"), Map.of("org.anxin.detection", Map.of("noWaterHours", 10)),
            List.of())).toString());

    @Test
    void aSignatureVerifiesWithThePublicKeyEncodedAndDecodedAgain() {
        String signature = Signatures.sign(bridge.getPrivate(), document);
        assertThat(Signatures.verify(Signatures.publicKey(Signatures.encode(bridge.getPublic())), document, signature)).isTrue();
    }

    @Test
    void aChangedDocumentDoesNotVerify() {
        String signature = Signatures.sign(bridge.getPrivate(), document);
        assertThat(Signatures.verify(bridge.getPublic(), document.replace("10", "99"), signature)).isFalse();
    }

    @Test
    void anotherKeysSignatureDoesNotVerify() {
        String forged = Signatures.sign(Signatures.generate().getPrivate(), document);
        assertThat(Signatures.verify(bridge.getPublic(), document, forged)).isFalse();
    }

    @Test
    void garbageSignaturesAreFalseNotExceptions() {
        assertThat(Signatures.verify(bridge.getPublic(), document, "not base64 !")).isFalse();
        assertThat(Signatures.verify(bridge.getPublic(), document, "AAAA")).isFalse();
        assertThat(Signatures.verify(bridge.getPublic(), document, null)).isFalse();
    }

    @Test
    void aPrivateKeyRoundTripsThroughBase64() {
        String text = Signatures.encode(bridge.getPrivate());
        String signature = Signatures.sign(Signatures.privateKey(text), document);
        assertThat(Signatures.verify(bridge.getPublic(), document, signature)).isTrue();
    }

    @Test
    void aMalformedPublicKeyIsAClearError() {
        assertThatThrownBy(() -> Signatures.publicKey("hello")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Ed25519 public key");
    }

    @Test
    void desiredConfigNeedsAPositiveVersionAndAGatewayId() {
        assertThatThrownBy(() -> new DesiredConfig("gw-1", 0, Instant.EPOCH, Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DesiredConfig("gw 1", 1, Instant.EPOCH, Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
