package org.anxin.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Instant;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Signatures;
import org.anxin.protocol.SignedEnvelope;
import org.junit.jupiter.api.Test;

class SealerTest {

    @Test
    void aSealedPayloadIsByteForByteWhatTheProtocolsOwnSealMakes() throws Exception {
        KeyPair key = Signatures.generate();
        Envelope e = Envelope.of("lg-00001", 17, Instant.parse("2026-12-04T03:00:00.123Z"),
                new Reading("kitchen-tap", ReadingKind.WATER, "2.4", Instant.parse("2026-12-04T03:00:00Z")));

        byte[] fast = new Sealer(key.getPrivate()).seal(e);

        assertThat(fast).isEqualTo(SignedEnvelope.seal(key.getPrivate(), e));
        assertThat(SignedEnvelope.open(fast).verifies(key.getPublic(), e.topic())).isTrue();
    }
}
