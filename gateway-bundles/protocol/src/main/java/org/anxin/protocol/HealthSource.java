package org.anxin.protocol;

import java.time.Duration;
import java.time.Instant;
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

    /**
     * Whether a count kept since start (failures, refusals) went up within a window: a problem
     * while it happens and for a while after, not for ever because it happened once.
     */
    final class RecentIncrease {
        private final Duration window;
        private long seen;
        private Instant rose;

        public RecentIncrease(Duration window) {
            this.window = window;
        }

        /** Takes the count now; true while the last rise is less than the window ago. */
        public synchronized boolean rose(long count, Instant now) {
            if (count > seen) {
                seen = count;
                rose = now;
            }
            return rose != null && now.isBefore(rose.plus(window));
        }
    }
}
