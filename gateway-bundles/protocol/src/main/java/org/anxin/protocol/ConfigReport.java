package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a gateway says of a configuration document: it applied it, rejected it, or rolled back.
 * Retained, so the bridge always knows the latest.
 *
 * @param version the document this report is about (for a forged document: the version it claimed)
 * @param outcome what became of it
 * @param running the version the gateway runs now, 0 for its installer's files alone
 * @param reason why it was rejected or rolled back; null when applied
 * @param kept the versions the gateway keeps and can roll back to, newest first
 * @param result when applied: the properties each configuration the document set or patched has
 *     now, merged with what the gateway had for a patch; empty otherwise, and from gateways older
 *     than patches
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigReport(long version, Outcome outcome, long running, String reason, List<Long> kept,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Map<String, String>> result)
        implements Body {

    @JsonCreator
    public ConfigReport {
        Objects.requireNonNull(outcome, "outcome");
        kept = kept == null ? List.of() : List.copyOf(kept);
        result = result == null ? Map.of() : Map.copyOf(result);
    }

    /** A report without a result: a rejection, a rollback. */
    public ConfigReport(long version, Outcome outcome, long running, String reason, List<Long> kept) {
        this(version, outcome, running, reason, kept, Map.of());
    }

    public enum Outcome {
        APPLIED, REJECTED, ROLLED_BACK;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        @JsonCreator
        public static Outcome fromWireName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    @Override
    public Channel channel() {
        return Channel.CONFIG_REPORTED;
    }
}
