package org.anxin.protocol;

import java.util.Objects;

/**
 * A {@link Receipt} as the bridge sends it: its JSON text and the bridge's Ed25519 signature over
 * that text, like {@link CommandRequest}. The gateway deletes an outbox row only on such a receipt
 * (not on the broker's PUBACK), so a broker that drops what it acknowledged costs a resend, not a
 * reading.
 */
public record StoredReceipt(String receipt, String signature) implements Body {

    public StoredReceipt {
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(signature, "signature");
    }

    /**
     * The receipt inside, checked.
     *
     * @param bridgeKey the bridge's public key; {@code null} takes the receipt unchecked (a gateway
     *     provisioned without one: the broker's ACL is then the only guard)
     * @throws ProtocolException when the signature does not verify or the text is not a receipt
     */
    public Receipt open(java.security.PublicKey bridgeKey) throws ProtocolException {
        if (bridgeKey != null && !Signatures.verify(bridgeKey, receipt, signature)) {
            throw new ProtocolException("the receipt's signature does not verify with the bridge key");
        }
        return Receipt.parse(receipt);
    }

    @Override
    public Channel channel() {
        return Channel.STORED;
    }
}
