package org.anxin.driver.coap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * The body of {@code POST /readings}: one reading, or an array of up to {@link #MAX_READINGS}
 * (a device that was offline sends what it kept, each with its own time).
 * <pre>{"device":"kitchen-meter","kind":"water","value":"2.4","time":"2024-03-04T06:50:00Z"}</pre>
 * {@code time} is an ISO-8601 instant or epoch seconds; without it the reading is dated on arrival.
 */
final class ReadingPayload {

    static final int MAX_READINGS = 32;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReadingPayload() {
    }

    /**
     * Parses and checks the whole body; nothing is returned unless every reading in it is valid.
     *
     * @throws IllegalArgumentException saying what is wrong, for the 4.00 answer
     */
    static List<Reading> parse(byte[] body, Instant arrival) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("empty body; expected a reading as JSON");
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            if (root.isEmpty() || root.size() > MAX_READINGS) {
                throw new IllegalArgumentException("an array must hold 1 to " + MAX_READINGS + " readings, got " + root.size());
            }
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        List<Reading> readings = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                readings.add(reading(items.get(i), arrival));
            } catch (IllegalArgumentException | DateTimeException e) {
                throw new IllegalArgumentException((items.size() > 1 ? "reading " + i + ": " : "") + e.getMessage());
            }
        }
        return readings;
    }

    private static Reading reading(JsonNode node, Instant arrival) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected an object with device, kind, value and time");
        }
        String device = text(node, "device");
        ReadingKind kind = ReadingKind.fromWireName(text(node, "kind"));
        JsonNode value = node.get("value");
        if (value == null || !(value.isTextual() || value.isNumber())) {
            throw new IllegalArgumentException("'value' is missing or not a string or number");
        }
        return new Reading(device, kind, value.asText(), time(node.get("time"), arrival));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static Instant time(JsonNode time, Instant arrival) {
        if (time == null || time.isNull()) {
            return arrival;
        }
        if (time.isIntegralNumber()) {
            return Instant.ofEpochSecond(time.asLong());
        }
        if (time.isTextual()) {
            try {
                return Instant.parse(time.asText());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("'time' " + time.asText() + " is not an ISO-8601 instant such as 2024-03-04T06:50:00Z");
            }
        }
        throw new IllegalArgumentException("'time' must be an ISO-8601 instant or epoch seconds");
    }

    static byte[] status(CoapCounters counters, Map<String, Integer> sessions, Map<String, Instant> lastSeen) {
        var node = MAPPER.createObjectNode();
        node.put("accepted", counters.accepted.get());
        node.put("malformed", counters.malformed.get());
        node.put("forbidden", counters.forbidden.get());
        node.put("unstored", counters.unstored.get());
        node.put("sessionsEvictedOverLimit", counters.sessionsEvictedOverLimit.get());
        node.put("sessionsEvictedForRoom", counters.sessionsEvictedForRoom.get());
        node.put("sessionsExpired", counters.sessionsExpired.get());
        node.put("handshakesRefused", counters.handshakesRefused.get());
        var held = node.putObject("sessions");
        sessions.forEach(held::put);
        var devices = node.putObject("lastSeen");
        lastSeen.forEach((device, time) -> devices.put(device, time.toString()));
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
