package org.anxin.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.anxin.protocol.DesiredConfig;
import org.junit.jupiter.api.Test;

class DesiredPropertiesTest {

    private static final Instant T = Instant.parse("2026-12-04T01:00:00Z");
    private static final ConfigKey DETECTION = ConfigKey.parse("org.anxin.detection");
    private static final ConfigKey BEDROOM = ConfigKey.parse("org.anxin.driver.gpio.input-bedroom");
    /** As the home runs: night-door settings an installer wrote on site, which the bridge never pushed. */
    private final Map<ConfigKey, Map<String, String>> onTheGateway = Map.of(
            DETECTION, Map.of("noWaterHours", "12", "nightDoorEnabled", "true", "nightStart", "21:00", "nightEnd", "07:00"),
            BEDROOM, Map.of("device", "bedroom-door", "kind", "door", "pin", "22"));
    private final List<String> problems = new ArrayList<>();

    private Map<ConfigKey, Map<String, String>> of(DesiredConfig desired) {
        return DesiredProperties.of(desired, k -> Optional.ofNullable(onTheGateway.get(k)), problems);
    }

    @Test
    void aPatchOfOnePropertyKeepsEveryOtherPropertyTheGatewayHas() {
        Map<ConfigKey, Map<String, String>> result = of(new DesiredConfig("gw-1", 5, T, Map.of(), List.of(),
                Map.of("org.anxin.detection", Map.of("noWaterHours", 10)), Map.of()));
        assertThat(problems).isEmpty();
        assertThat(result).containsOnlyKeys(DETECTION);
        assertThat(result.get(DETECTION)).containsExactlyInAnyOrderEntriesOf(
                Map.of("noWaterHours", "10", "nightDoorEnabled", "true", "nightStart", "21:00", "nightEnd", "07:00"));
    }

    @Test
    void aReplacementGivesOnlyThePropertiesItNames() {
        Map<ConfigKey, Map<String, String>> result = of(new DesiredConfig("gw-1", 5, T,
                Map.of("org.anxin.detection", Map.of("noWaterHours", 10)), List.of()));
        assertThat(result.get(DETECTION)).containsExactlyEntriesOf(Map.of("noWaterHours", "10"));
    }

    @Test
    void anUnsetPropertyIsDeletedAndTheRestKept() {
        Map<ConfigKey, Map<String, String>> result = of(new DesiredConfig("gw-1", 5, T, Map.of(), List.of(),
                Map.of("org.anxin.detection", Map.of("nightStart", "22:30")), Map.of("org.anxin.detection", List.of("nightEnd"))));
        assertThat(result.get(DETECTION)).containsExactlyInAnyOrderEntriesOf(
                Map.of("noWaterHours", "12", "nightDoorEnabled", "true", "nightStart", "22:30"));
    }

    @Test
    void aPatchOfAConfigurationTheGatewayLacksCreatesItFromThePatchAlone() {
        Map<ConfigKey, Map<String, String>> result = of(new DesiredConfig("gw-1", 5, T, Map.of(), List.of(),
                Map.of("org.anxin.driver.gpio.input-hall", Map.of("device", "hall-door", "kind", "door", "pin", 5)), Map.of()));
        assertThat(result.get(ConfigKey.parse("org.anxin.driver.gpio.input-hall")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("device", "hall-door", "kind", "door", "pin", "5"));
    }

    @Test
    void unsettingPropertiesOfAConfigurationTheGatewayLacksIsAProblem() {
        Map<ConfigKey, Map<String, String>> result = of(new DesiredConfig("gw-1", 5, T, Map.of(), List.of(),
                Map.of(), Map.of("org.anxin.driver.gpio.input-hall", List.of("pin"))));
        assertThat(result).isEmpty();
        assertThat(problems).singleElement().asString()
                .isEqualTo("org.anxin.driver.gpio.input-hall: has no configuration on this gateway to unset properties of");
    }

    @Test
    void aValueThatIsNoScalarIsAProblemAndTheRestStillChecked() {
        Map<ConfigKey, Map<String, String>> result = of(new DesiredConfig("gw-1", 5, T, Map.of(), List.of(),
                Map.of("org.anxin.detection", Map.of("noWaterHours", List.of(1, 2), "nightStart", "22:30")), Map.of()));
        assertThat(problems).singleElement().asString().contains("'noWaterHours' must be a string, number or true/false");
        assertThat(result.get(DETECTION)).containsEntry("nightStart", "22:30").containsEntry("noWaterHours", "12");
    }

    @Test
    void theLifeSafetyGuardJudgesThePatchedResultSoAPatchNotNamingKindKeepsASmokeInputASmokeInput() {
        ConfigKey smoke = ConfigKey.parse("org.anxin.driver.gpio.input-kitchen-smoke");
        Map<ConfigKey, Map<String, String>> current = Map.of(smoke, Map.of("device", "kitchen-smoke", "kind", "smoke", "pin", "17"));
        Map<ConfigKey, Map<String, String>> patched = DesiredProperties.of(new DesiredConfig("gw-1", 5, T, Map.of(), List.of(),
                Map.of(smoke.name(), Map.of("pin", 18)), Map.of()), k -> Optional.ofNullable(current.get(k)), problems);
        assertThat(LifeSafetyGuard.refusals(patched, List.of(), k -> Optional.ofNullable(current.get(k)))).isEmpty();
        Map<ConfigKey, Map<String, String>> unsetKind = DesiredProperties.of(new DesiredConfig("gw-1", 6, T, Map.of(), List.of(),
                Map.of(), Map.of(smoke.name(), List.of("kind"))), k -> Optional.ofNullable(current.get(k)), problems);
        assertThat(LifeSafetyGuard.refusals(unsetKind, List.of(), k -> Optional.ofNullable(current.get(k))))
                .singleElement().asString().contains("would turn a smoke input into nothing");
    }
}
