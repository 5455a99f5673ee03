package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the bridge has committed of one gateway's numbered messages since its previous receipt:
 * runs of sequence numbers, each stored (or found already stored: a duplicate) in the bridge's
 * database. Signed inside a {@link StoredReceipt}.
 *
 * @param gateway the gateway the numbers are of
 * @param stored runs of numbers, {@code [first, last]} each, in no particular order
 * @param issued when the bridge made the receipt
 */
public record Receipt(String gateway, List<Run> stored, Instant issued) {

    /** More runs than this in one receipt are refused: the bridge coalesces, and a receipt must stay small. */
    public static final int MAX_RUNS = 4096;

    public Receipt {
        Reading.requireDeviceId(gateway);
        Objects.requireNonNull(issued, "issued");
        stored = stored == null ? List.of() : List.copyOf(stored);
        if (stored.size() > MAX_RUNS) {
            throw new IllegalArgumentException(stored.size() + " runs, more than " + MAX_RUNS);
        }
    }

    /** The numbers {@code first..last}, both included; on the wire {@code [first, last]}. */
    public record Run(long first, long last) {

        public Run {
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("a run is [first, last] with 1 <= first <= last, got [" + first + ", "
                        + last + "]");
            }
        }

        @JsonCreator
        static Run of(long[] pair) {
            if (pair == null || pair.length != 2) {
                throw new IllegalArgumentException("a run is [first, last]");
            }
            return new Run(pair[0], pair[1]);
        }

        @JsonValue
        long[] pair() {
            return new long[] {first, last};
        }

        public long size() {
            return last - first + 1;
        }
    }

    /** Sorted numbers as the fewest runs. */
    public static List<Run> runs(long[] sortedDistinct) {
        List<Run> runs = new ArrayList<>();
        int i = 0;
        while (i < sortedDistinct.length) {
            int j = i;
            while (j + 1 < sortedDistinct.length && sortedDistinct[j + 1] == sortedDistinct[j] + 1) {
                j++;
            }
            runs.add(new Run(sortedDistinct[i], sortedDistinct[j]));
            i = j + 1;
        }
        return runs;
    }

    /** The JSON text the bridge signs. */
    public String json() {
        try {
            return MessageCodec.mapper().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @throws ProtocolException when the text is not a receipt */
    public static Receipt parse(String text) throws ProtocolException {
        try {
            Receipt receipt = MessageCodec.mapper().readValue(text, Receipt.class);
            if (receipt == null) {
                throw new ProtocolException("the receipt is JSON null");
            }
            return receipt;
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new ProtocolException("invalid receipt: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (java.io.IOException e) {
            throw new ProtocolException("malformed receipt: " + e.getMessage(), e);
        }
    }

    @JsonProperty("stored")
    @Override
    public List<Run> stored() {
        return stored;
    }
}
