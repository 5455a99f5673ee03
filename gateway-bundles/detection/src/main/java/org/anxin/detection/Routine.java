package org.anxin.detection;

import java.time.ZoneId;

/**
 * The home's learned routine: water use, and any activity, the latter also apart for while the
 * elder rests (on a bed or chair mat) and while up and about.
 */
record Routine(RoutineModel water, RoutineModel activity, RoutineModel activityUp, RoutineModel activityResting) {

    /** A context model needs this many days with a sample at the hour before it is trusted over the whole. */
    static final int MIN_CONTEXT_DAYS = 3;

    static Routine open(ZoneId zone, RoutineStore store) {
        return new Routine(new RoutineModel("water", zone, store), new RoutineModel("activity", zone, store),
                new RoutineModel("activity-up", zone, store), new RoutineModel("activity-resting", zone, store));
    }

    void clear() {
        water.clear();
        activity.clear();
        activityUp.clear();
        activityResting.clear();
    }
}
