package org.anxin.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Schema 2: an envelope signed by the gateway's own Ed25519 key. On the wire it is
 * {@code {"schema":2,"envelope":"<schema-1 envelope as JSON text>","signature":"<Base64>"}}: the
 * schema-1 envelope travels as text, so the bridge verifies the very bytes the gateway signed and
 * never depends on how either side encodes a body (an added field cannot break a signature).
 *
 * <p>The signature covers {@link #signedBytes(String, byte[])}: a fixed label, the topic (so the
 * gateway id and the channel it was published on) and the envelope's bytes. A message signed for
 * gateway A's topic does not verify on gateway B's, nor on another channel of A's.
 *
 * @param envelope the schema-1 envelope's UTF-8 JSON bytes, exactly as signed
 * @param signature the Base64 Ed25519 signature
 */
public record SignedEnvelope(byte[] envelope, String signature) {

    public static final int SCHEMA = 2;

    /** What the signature's input starts with: names its purpose, so no other signed text can pass for it. */
    static final String LABEL = "anxin signed envelope v2\n";

    /** The payload to publish for {@code envelope} on its own topic, signed by {@code key}. */
    public static byte[] seal(PrivateKey key, Envelope envelope) {
        byte[] bytes = MessageCodec.encode(envelope);
        ObjectNode wire = MessageCodec.mapper().createObjectNode();
        wire.put("schema", SCHEMA);
        wire.put("envelope", new String(bytes, StandardCharsets.UTF_8));
        wire.put("signature", Signatures.sign(key, signedBytes(envelope.topic(), bytes)));
        try {
            return MessageCodec.mapper().writeValueAsBytes(wire);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a tree of two strings and a number always encodes
        }
    }

    /** The bytes a signature covers: the label, the topic and a newline, then the envelope's bytes. */
    public static byte[] signedBytes(String topic, byte[] envelope) {
        byte[] head = (LABEL + topic + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + envelope.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(envelope, 0, all, head.length, envelope.length);
        return all;
    }

    /**
     * The signed envelope in a payload, or {@code null} when the payload is not schema 2 (an
     * unsigned schema-1 envelope, or not JSON: {@link MessageCodec#decode} says what is wrong).
     *
     * @throws ProtocolException when it says schema 2 but lacks its envelope text or signature
     */
    public static SignedEnvelope open(byte[] payload) throws ProtocolException {
        JsonNode tree = MessageCodec.tree(payload);
        return tree == null ? null : of(tree);
    }

    static SignedEnvelope of(JsonNode tree) throws ProtocolException {
        if (tree.path("schema").asInt(-1) != SCHEMA) {
            return null;
        }
        JsonNode envelope = tree.get("envelope");
        JsonNode signature = tree.get("signature");
        if (envelope == null || !envelope.isTextual() || signature == null || !signature.isTextual()) {
            throw new ProtocolException("a schema 2 message needs 'envelope' (text) and 'signature' (text)");
        }
        return new SignedEnvelope(envelope.textValue().getBytes(StandardCharsets.UTF_8), signature.textValue());
    }

    /** Whether {@code key} signed this envelope for {@code topic}. */
    public boolean verifies(PublicKey key, String topic) {
        return Signatures.verify(key, signedBytes(topic, envelope), signature);
    }
}
