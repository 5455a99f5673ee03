package org.anxin.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON encoding of the protocol's messages. Thread-safe. */
public final class MessageCodec {

    /** Larger payloads are refused before parsing: no honest message comes near it. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer minor fields are ignored
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // only enums that name a default take it: a newer gateway's health problem code
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .build();

    private MessageCodec() {
    }

    /** The shared mapper, configured for the protocol's types. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Envelope envelope) {
        return write(envelope);
    }

    public static byte[] encode(Body body) {
        return write(body);
    }

    /**
     * The envelope in a payload, schema 1 or the envelope inside a schema 2 {@link SignedEnvelope}.
     * The signature is not checked here: whoever must trust the sender checks it
     * ({@link SignedEnvelope#verifies}).
     */
    public static Envelope decode(byte[] payload) throws ProtocolException {
        SignedEnvelope signed = SignedEnvelope.open(payload);
        return decodeUnsigned(signed == null ? payload : signed.envelope());
    }

    /** A schema-1 envelope: what a {@link SignedEnvelope} carries, or an unsigned message. */
    public static Envelope decodeUnsigned(byte[] payload) throws ProtocolException {
        Envelope envelope = read(payload, Envelope.class);
        if (envelope.schema() != Envelope.SCHEMA) {
            throw new ProtocolException("unsupported schema " + envelope.schema() + "; this side speaks " + Envelope.SCHEMA);
        }
        return envelope;
    }

    public static Body decodeBody(byte[] payload) throws ProtocolException {
        return read(payload, Body.class);
    }

    /** The payload's JSON tree; {@code null} when it is not JSON, left for {@link #decode} to explain. */
    static com.fasterxml.jackson.databind.JsonNode tree(byte[] payload) {
        if (payload == null || payload.length == 0 || payload.length > MAX_PAYLOAD_BYTES) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode tree = MAPPER.readTree(payload);
            return tree != null && tree.isObject() ? tree : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] payload, Class<T> type) throws ProtocolException {
        if (payload == null || payload.length == 0) {
            throw new ProtocolException("empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new ProtocolException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD_BYTES);
        }
        try {
            T value = MAPPER.readValue(payload, type);
            if (value == null) {
                throw new ProtocolException("payload is JSON null");
            }
            return value;
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ProtocolException("invalid " + type.getSimpleName() + ": " + cause.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("malformed " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProtocolException("unreadable " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
