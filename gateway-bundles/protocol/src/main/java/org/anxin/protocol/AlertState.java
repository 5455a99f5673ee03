package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** An alert is raised once per episode and cleared once when the episode ends. */
public enum AlertState {
    RAISED, CLEARED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static AlertState fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
