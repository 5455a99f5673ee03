package org.anxin.remote;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.anxin.protocol.DesiredConfig;

/**
 * The full properties a document gives each configuration it sets: a replacement's as the document
 * names them, a patch's merged into what the configuration has on this gateway now. The merge is
 * made here, not on the bridge, because only the gateway knows its configuration whole: an
 * installer's edits to the config files never reach the bridge.
 */
final class DesiredProperties {

    private DesiredProperties() {
    }

    /**
     * @param current each configuration's properties now, empty when it has none
     * @param problems where each wrong name or value is added; a wrong name or value is left out of the answer
     * @return the properties each configuration replaced or patched is to have, in the document's order
     */
    static Map<ConfigKey, Map<String, String>> of(DesiredConfig desired,
                                                  Function<ConfigKey, Optional<Map<String, String>>> current,
                                                  List<String> problems) {
        Map<ConfigKey, Map<String, String>> out = new LinkedHashMap<>();
        desired.components().forEach((name, properties) -> {
            ConfigKey key = key(name, problems);
            Map<String, String> values = strings(name, properties, problems);
            if (key != null) {
                out.put(key, values);
            }
        });
        Set<String> patched = new LinkedHashSet<>(desired.patch().keySet());
        patched.addAll(desired.unset().keySet());
        for (String name : patched) {
            ConfigKey key = key(name, problems);
            Map<String, String> set = strings(name, desired.patch().getOrDefault(name, Map.of()), problems);
            if (key == null) {
                continue;
            }
            Optional<Map<String, String>> now = current.apply(key);
            if (now.isEmpty() && set.isEmpty()) {
                problems.add(name + ": has no configuration on this gateway to unset properties of");
                continue;
            }
            out.put(key, DesiredConfig.merge(now.orElse(Map.of()), set, desired.unset().getOrDefault(name, List.of())));
        }
        return out;
    }

    private static ConfigKey key(String name, List<String> problems) {
        try {
            return ConfigKey.parse(name);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    /**
     * A configuration file holds text: the document's scalars as they are written there. A value that
     * is no scalar is a problem and left out, so the rest is still checked and every problem listed.
     */
    private static Map<String, String> strings(String name, Map<String, Object> properties, List<String> problems) {
        Map<String, String> values = new LinkedHashMap<>();
        properties.forEach((property, value) -> {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                values.put(property, String.valueOf(value));
            } else {
                problems.add(name + ": '" + property + "' must be a string, number or true/false");
            }
        });
        return values;
    }
}
