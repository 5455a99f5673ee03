package org.anxin.diagnostics;

import java.time.Instant;
import java.util.List;

/**
 * What the gateway's components are doing, written to {@code status.json} in the data directory.
 *
 * @param time when this status was taken
 * @param components every declared component
 * @param configProblems every configuration file with a problem
 * @param siren the local siren read back from its output: sounding, silent, unknown, or none (no siren configured)
 */
public record GatewayStatus(Instant time, List<ComponentState> components, List<ConfigProblem> configProblems, String siren) {

    /**
     * One component.
     *
     * @param name the component name
     * @param bundle the bundle that declares it
     * @param state active, satisfied, unsatisfied-reference, unsatisfied-configuration, failed-activation,
     *     or unconfigured (it needs a configuration and has none)
     * @param failure why activation failed, when it did
     */
    public record ComponentState(String name, String bundle, String state, String failure) {
    }

    public long count(String state) {
        return components.stream().filter(c -> c.state().equals(state)).count();
    }
}
