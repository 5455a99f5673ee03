package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the bridge wants one gateway to run, signed inside a {@link ConfigDocument}.
 *
 * <p>A configuration is named in at most one of {@code components} (replaced whole), {@code patch}
 * and {@code unset} (merged into what the gateway has) or {@code removed} (deleted). The patch has
 * fields of its own rather than a mode flag on {@code components}: a gateway older than patches
 * ignores fields it does not know, and would have taken a flagged patch for a replacement, losing
 * every property the patch does not name. Such a gateway ignores {@code patch} and changes nothing.
 *
 * @param gateway the gateway it is for; a gateway refuses a document for another
 * @param version increases with every document for this gateway; a gateway applies only a newer one
 * @param issued when the bridge issued it
 * @param components the full properties of each configuration it sets, by configuration file name
 *     without {@code .cfg}: a PID ({@code org.anxin.detection}) or a factory PID and a name
 *     ({@code org.anxin.driver.gpio.input-kitchen})
 * @param removed configurations to delete, named the same way
 * @param patch properties to set in each configuration, every other property as the gateway has it
 * @param unset properties to delete from each configuration, every other property as the gateway has it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DesiredConfig(String gateway, long version, Instant issued,
                            Map<String, Map<String, Object>> components, List<String> removed,
                            Map<String, Map<String, Object>> patch, Map<String, List<String>> unset) {

    @JsonCreator
    public DesiredConfig {
        Reading.requireDeviceId(gateway);
        Objects.requireNonNull(issued, "issued");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, not " + version);
        }
        components = components == null ? Map.of() : Map.copyOf(components);
        removed = removed == null ? List.of() : List.copyOf(removed);
        patch = patch == null ? Map.of() : Map.copyOf(patch);
        unset = unset == null ? Map.of() : Map.copyOf(unset);
        Set<String> replacedOrRemoved = new HashSet<>(components.keySet());
        replacedOrRemoved.addAll(removed);
        for (String name : union(patch.keySet(), unset.keySet())) {
            if (replacedOrRemoved.contains(name)) {
                throw new IllegalArgumentException(name + " is patched and also replaced or removed");
            }
        }
        for (Map.Entry<String, List<String>> e : unset.entrySet()) {
            Map<String, Object> set = patch.getOrDefault(e.getKey(), Map.of());
            for (String property : e.getValue()) {
                if (set.containsKey(property)) {
                    throw new IllegalArgumentException(e.getKey() + ": '" + property + "' is both set and unset");
                }
            }
        }
    }

    /** A document that replaces and removes configurations only, as before patches. */
    public DesiredConfig(String gateway, long version, Instant issued, Map<String, Map<String, Object>> components,
                         List<String> removed) {
        this(gateway, version, issued, components, removed, Map.of(), Map.of());
    }

    /** Whether it patches any configuration (merged on the gateway) rather than only replacing. */
    @JsonIgnore
    public boolean patches() {
        return !patch.isEmpty() || !unset.isEmpty();
    }

    /**
     * What a configuration has once a patch sets {@code set} and deletes {@code unset}: every other
     * property as it was. The one definition of a patch, for the gateway that merges it.
     */
    public static <V> Map<String, V> merge(Map<String, ? extends V> current, Map<String, ? extends V> set,
                                           Collection<String> unset) {
        Map<String, V> merged = new TreeMap<>(current);
        unset.forEach(merged::remove);
        merged.putAll(set);
        return merged;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
