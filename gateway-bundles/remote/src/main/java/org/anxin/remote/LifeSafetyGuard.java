package org.anxin.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a remote document may not do, however it is signed: turn off what raises or sounds a
 * life-safety alarm (fire, gas, water leak, emergency call), or cut the gateway off from the bridge
 * that could undo it. Such changes are an installer's, on site, in the config files.
 */
final class LifeSafetyGuard {

    static final Set<String> LIFE_SAFETY_KINDS = Set.of("smoke", "gas", "leak", "call");
    static final String GPIO_INPUT = "org.anxin.driver.gpio.input";
    static final String SIREN = "org.anxin.driver.gpio.alarm";
    /** Drivers whose devices may include smoke, gas, leak detectors and call pendants. */
    static final Set<String> SENSOR_NETWORKS = Set.of("org.anxin.driver.zigbee", "org.anxin.driver.coap");
    /** How the gateway reaches and trusts the bridge. */
    static final Set<String> SITE_ONLY = Set.of("org.anxin.uplink", RemoteAgent.PID);

    private LifeSafetyGuard() {
    }

    /**
     * @param current the properties each configuration has now, empty when it has none
     * @return why the change is refused; empty when it may be applied
     */
    static List<String> refusals(Map<ConfigKey, Map<String, String>> set, List<ConfigKey> removed,
                                 Function<ConfigKey, Optional<Map<String, String>>> current) {
        List<String> refusals = new ArrayList<>();
        for (ConfigKey key : set.keySet()) {
            if (SITE_ONLY.contains(key.metaTypePid())) {
                refusals.add(key + ": how the gateway reaches and trusts the bridge is set on site, not remotely");
            } else if (key.metaTypePid().equals(GPIO_INPUT)) {
                String before = current.apply(key).map(p -> p.get("kind")).orElse(null);
                String after = set.get(key).get("kind");
                if (before != null && LIFE_SAFETY_KINDS.contains(before) && !before.equals(after)) {
                    refusals.add(key + ": would turn a " + before + " input into " + (after == null ? "nothing" : after)
                            + "; a life-safety sensor is changed on site");
                }
            }
        }
        for (ConfigKey key : removed) {
            if (SITE_ONLY.contains(key.metaTypePid())) {
                refusals.add(key + ": how the gateway reaches and trusts the bridge is set on site, not remotely");
            } else if (key.metaTypePid().equals(SIREN)) {
                refusals.add(key + ": would remove the siren that sounds life-safety alarms");
            } else if (SENSOR_NETWORKS.contains(key.metaTypePid()) && current.apply(key).isPresent()) {
                refusals.add(key + ": would stop a sensor network that may carry smoke, gas, leak detectors or call buttons");
            } else if (key.metaTypePid().equals(GPIO_INPUT)) {
                String kind = current.apply(key).map(p -> p.get("kind")).orElse(null);
                if (kind != null && LIFE_SAFETY_KINDS.contains(kind)) {
                    refusals.add(key + ": would remove a " + kind + " input; a life-safety sensor is removed on site");
                }
            }
        }
        return refusals;
    }
}
