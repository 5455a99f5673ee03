package org.anxin.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifeSafetyGuardTest {

    private static final ConfigKey KITCHEN_SMOKE = ConfigKey.parse("org.anxin.driver.gpio.input-kitchen-smoke");
    private static final ConfigKey BEDROOM_DOOR = ConfigKey.parse("org.anxin.driver.gpio.input-bedroom");
    private final Map<ConfigKey, Map<String, String>> current = Map.of(
            KITCHEN_SMOKE, Map.of("pin", "17", "kind", "smoke"),
            BEDROOM_DOOR, Map.of("pin", "22", "kind", "door"),
            ConfigKey.parse("org.anxin.driver.zigbee-main"), Map.of("port", "/dev/ttyUSB0"));

    private List<String> refusals(Map<ConfigKey, Map<String, String>> set, List<ConfigKey> removed) {
        return LifeSafetyGuard.refusals(set, removed, k -> Optional.ofNullable(current.get(k)));
    }

    @Test
    void aSmokeInputCannotBeRemovedOrTurnedIntoSomethingElse() {
        assertThat(refusals(Map.of(), List.of(KITCHEN_SMOKE))).singleElement().asString().contains("remove a smoke input");
        assertThat(refusals(Map.of(KITCHEN_SMOKE, Map.of("pin", "17", "kind", "door")), List.of()))
                .singleElement().asString().contains("turn a smoke input into door");
    }

    @Test
    void aSmokeInputMayBeRetunedAndAnOrdinaryInputRemoved() {
        assertThat(refusals(Map.of(KITCHEN_SMOKE, Map.of("pin", "17", "kind", "smoke", "debounceMillis", "80")),
                List.of(BEDROOM_DOOR))).isEmpty();
    }

    @Test
    void theSirenAndSensorNetworksCannotBeRemoved() {
        assertThat(refusals(Map.of(), List.of(ConfigKey.parse("org.anxin.driver.gpio.alarm"),
                ConfigKey.parse("org.anxin.driver.zigbee-main")))).hasSize(2);
    }

    @Test
    void theUplinkAndTheBridgeKeyAreSetOnSiteOnly() {
        assertThat(refusals(Map.of(ConfigKey.parse("org.anxin.uplink"), Map.of("gatewayId", "gw-x")),
                List.of(ConfigKey.parse("org.anxin.remote")))).hasSize(2).allMatch(r -> r.contains("set on site"));
    }

    @Test
    void configNamesFollowFileInstall() {
        assertThat(ConfigKey.parse("org.anxin.detection")).isEqualTo(new ConfigKey("org.anxin.detection", "org.anxin.detection", false));
        assertThat(ConfigKey.parse("org.anxin.driver.gpio.input-kitchen-smoke"))
                .isEqualTo(new ConfigKey("org.anxin.driver.gpio.input-kitchen-smoke", "org.anxin.driver.gpio.input", true));
        assertThatThrownBy(() -> ConfigKey.parse("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKey.parse("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailureIsReportedByItsRootCause() {
        String trace = "java.lang.reflect.InvocationTargetException\n\tat x.y(Z.java:1)\n"
                + "Caused by: java.lang.IllegalArgumentException: scenario file /x.csv does not exist or cannot be read\n\tat a.b";
        assertThat(ActivationCheck.firstLine(trace))
                .isEqualTo("java.lang.IllegalArgumentException: scenario file /x.csv does not exist or cannot be read");
    }
}
