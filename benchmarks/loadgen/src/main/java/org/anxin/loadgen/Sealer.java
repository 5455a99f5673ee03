package org.anxin.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.SignedEnvelope;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A gateway's schema 2 payload, byte for byte what {@link SignedEnvelope#seal} makes, signed by
 * BouncyCastle's Ed25519 instead of the JDK's. Ed25519 signatures are deterministic (RFC 8032), so
 * the signature is the same; the JDK 17 implementation costs about 0.9 ms of CPU a signature on this
 * machine, which would make the load generator, not the bridge, the limit of a run.
 * {@code SealerTest} pins the equality.
 */
final class Sealer {

    /** A JDK Ed25519 private key in PKCS#8 is a fixed 16-byte header and the 32-byte seed. */
    private static final int SEED = 32;
    private final Ed25519PrivateKeyParameters key;

    Sealer(PrivateKey jdkKey) {
        byte[] pkcs8 = jdkKey.getEncoded();
        key = new Ed25519PrivateKeyParameters(Arrays.copyOfRange(pkcs8, pkcs8.length - SEED, pkcs8.length), 0);
    }

    byte[] seal(Envelope envelope) {
        byte[] bytes = MessageCodec.encode(envelope);
        byte[] signed = SignedEnvelope.signedBytes(envelope.topic(), bytes);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(signed, 0, signed.length);
        ObjectNode wire = MessageCodec.mapper().createObjectNode();
        wire.put("schema", SignedEnvelope.SCHEMA);
        wire.put("envelope", new String(bytes, StandardCharsets.UTF_8));
        wire.put("signature", Base64.getEncoder().encodeToString(signer.generateSignature()));
        try {
            return MessageCodec.mapper().writeValueAsBytes(wire);
        } catch (IOException e) {
            throw new IllegalStateException(e); // two strings and a number always encode
        }
    }
}
