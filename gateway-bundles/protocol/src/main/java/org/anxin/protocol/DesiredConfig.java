package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the bridge wants one gateway to run, signed inside a {@link ConfigDocument}.
 *
 * @param gateway the gateway it is for; a gateway refuses a document for another
 * @param version increases with every document for this gateway; a gateway applies only a newer one
 * @param issued when the bridge issued it
 * @param components the full properties of each configuration it sets, by configuration file name
 *     without {@code .cfg}: a PID ({@code org.anxin.detection}) or a factory PID and a name
 *     ({@code org.anxin.driver.gpio.input-kitchen})
 * @param removed configurations to delete, named the same way
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DesiredConfig(String gateway, long version, Instant issued,
                            Map<String, Map<String, Object>> components, List<String> removed) {

    public DesiredConfig {
        Reading.requireDeviceId(gateway);
        Objects.requireNonNull(issued, "issued");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, not " + version);
        }
        components = components == null ? Map.of() : Map.copyOf(components);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }
}
