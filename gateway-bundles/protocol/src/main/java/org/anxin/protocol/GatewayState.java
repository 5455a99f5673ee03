package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A gateway's birth (online) or last will (offline), retained so the bridge always knows the
 * latest.
 *
 * @param status online or offline
 * @param version the gateway software version
 * @param startedAt when the gateway process started
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayState(Status status, String version, Instant startedAt) implements Body {

    public GatewayState {
        Objects.requireNonNull(status, "status");
    }

    public enum Status {
        ONLINE, OFFLINE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Status fromWireName(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    @Override
    public Channel channel() {
        return Channel.STATE;
    }
}
