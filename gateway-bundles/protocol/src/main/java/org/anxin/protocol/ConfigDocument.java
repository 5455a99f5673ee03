package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A gateway's desired configuration, published by the bridge.
 *
 * @param version increases with every change; a gateway applies only a newer one
 * @param issued when the bridge issued it
 * @param components properties per configuration PID
 * @param signature the bridge's signature over the document, or {@code null} when unsigned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigDocument(long version, Instant issued, Map<String, Map<String, Object>> components,
                             String signature) implements Body {

    public ConfigDocument {
        Objects.requireNonNull(issued, "issued");
        components = components == null ? Map.of() : Map.copyOf(components);
    }

    @Override
    public Channel channel() {
        return Channel.CONFIG_DESIRED;
    }
}
