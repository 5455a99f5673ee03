package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredReceiptTest {

    private static final KeyPair BRIDGE = Signatures.generate();

    @Test
    void aReceiptTravelsAsSignedTextOnTheGatewaysStoredTopicAndOpensWithTheBridgeKey() throws Exception {
        Receipt receipt = new Receipt("gw-1", Receipt.runs(new long[] {1, 2, 3, 7, 9, 10}), Instant.parse("2026-12-04T03:00:00Z"));
        String text = receipt.json();
        assertThat(text).contains("\"stored\":[[1,3],[7,7],[9,10]]");
        Envelope sent = Envelope.of("gw-1", 0, receipt.issued(), new StoredReceipt(text, Signatures.sign(BRIDGE.getPrivate(), text)));
        assertThat(sent.topic()).isEqualTo("anxin/v1/gw/gw-1/stored");
        assertThat(Channel.STORED.toGateway()).isTrue();

        Envelope heard = MessageCodec.decode(MessageCodec.encode(sent));
        Receipt opened = ((StoredReceipt) heard.body()).open(BRIDGE.getPublic());
        assertThat(opened).isEqualTo(receipt);
        assertThat(opened.stored()).extracting(Receipt.Run::size).containsExactly(3L, 1L, 2L);
    }

    @Test
    void aReceiptSignedByAnotherKeyOrAlteredIsRefused() {
        String text = new Receipt("gw-1", List.of(new Receipt.Run(1, 100)), Instant.EPOCH).json();
        StoredReceipt forged = new StoredReceipt(text, Signatures.sign(Signatures.generate().getPrivate(), text));
        assertThatThrownBy(() -> forged.open(BRIDGE.getPublic())).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("does not verify");
        String signature = Signatures.sign(BRIDGE.getPrivate(), text);
        StoredReceipt altered = new StoredReceipt(text.replace("100", "100000"), signature);
        assertThatThrownBy(() -> altered.open(BRIDGE.getPublic())).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aRunThatIsNotFirstToLastIsAProtocolErrorNotACrash() {
        for (String bad : new String[] {"{\"gateway\":\"gw-1\",\"stored\":[[5,2]],\"issued\":\"2026-12-04T03:00:00Z\"}",
                "{\"gateway\":\"gw-1\",\"stored\":[[0,2]],\"issued\":\"2026-12-04T03:00:00Z\"}",
                "{\"gateway\":\"gw-1\",\"stored\":[[1,2,3]],\"issued\":\"2026-12-04T03:00:00Z\"}",
                "{\"gateway\":\"gw/1\",\"stored\":[],\"issued\":\"2026-12-04T03:00:00Z\"}", "null", "[]"}) {
            assertThatThrownBy(() -> new StoredReceipt(bad, "x").open(null)).as(bad).isInstanceOf(ProtocolException.class);
        }
    }
}
