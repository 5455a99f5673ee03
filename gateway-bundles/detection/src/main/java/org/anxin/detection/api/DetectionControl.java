package org.anxin.detection.api;

import java.time.Instant;

/**
 * What can be asked of a running detection engine from outside the reading flow. The gateway's
 * detection component publishes it as an OSGi service; the bridge's command channel will call it.
 */
public interface DetectionControl {

    /**
     * Sets {@code mode} until {@code until}; the routine rules resume then.
     *
     * @throws IllegalArgumentException when {@code until} is not after now
     */
    void setMode(HomeMode mode, Instant until);

    /** Ends a mode early; a no-op when none is set. */
    void clearMode();

    /** Forgets the learned routine; the fixed rules apply until it is learned again. */
    void resetLearning();

    /** The number of complete days the routine has been learned from. */
    int learnedDays();
}
