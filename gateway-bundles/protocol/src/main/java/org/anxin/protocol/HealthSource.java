package org.anxin.protocol;

import java.util.List;

/**
 * A part of the gateway that can say what is wrong with it, for the heartbeat's
 * {@link GatewayHealth}. Provided as an OSGi service by the bundles that know (diagnostics: the
 * components and configuration files; the store; detection: device clocks and the self-test);
 * the uplink references every one it finds and judges them with {@link GatewayHealth#of}, so it
 * depends on no concrete class of theirs.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface HealthSource {

    /** What is wrong now; empty when nothing is. Called on the uplink's thread; must not block. */
    List<GatewayHealth.Problem> problems();

    /** The last self-test, from the source that runs them; {@code null} from every other. */
    default GatewayHealth.SelfTest selfTest() {
        return null;
    }
}
