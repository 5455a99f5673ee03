package org.anxin.detection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long activity gaps get at each half hour of the day in ordinary homes: a population prior
 * for a home the engine has not learned yet. For every half hour (with the hour either side, as
 * the routine itself is judged), the {@value #QUANTILE}-quantile of the gap reached on all the
 * home-days it was fitted on, pooled. A new home starts from it on its first day, and its own days
 * move the allowance from there (see {@link InactivityRule}); it is fitted by
 * {@code Datasets prior} from the shared homes, and the benchmark judges each home by a prior
 * fitted on the others only (leave-one-home-out).
 */
public final class GapPrior {

    /** One home-day in twenty reaches a longer gap at that half hour. */
    public static final double QUANTILE = 0.95;

    /** No prior: the fixed rules apply until the routine is learned, as before issue 18. */
    public static final GapPrior NONE = new GapPrior(null);

    /**
     * Fitted on Ordonez A, Ordonez B and van Kasteren A (the shared homes that see more than water,
     * 66 home-days: 15, 23 and 28) by {@code Datasets prior}; minutes, from the half hour starting 00:00;
     * then the same while resting (Ordonez A and B: van Kasteren has no mats).
     */
    public static final GapPrior SHIPPED = new GapPrior(new int[] {
        271, 271, 274, 304, 315, 311, 327, 357, 364, 394, 401, 407,
        437, 467, 497, 521, 551, 557, 570, 570, 582, 584, 582, 582,
        584, 550, 170, 149, 149, 149, 112, 98, 98, 115, 145, 175,
        205, 215, 229, 229, 229, 229, 180, 210, 229, 259, 240, 240}, new int[] {
        308, 315, 315, 315, 315, 227, 255, 285, 315, 345, 375, 405,
        435, 465, 495, 525, 555, 563, 570, 570, 585, 585, 584, 584,
        584, 550, 170, 149, 149, 149, 112, 98, 98, 120, 150, 180,
        210, 229, 245, 275, 305, 316, 316, 316, 240, 259, 240, 240});

    private final int[] minutes;
    /** The same while resting (someone on a bed or chair mat); -1 where no resting day was seen at that half hour. */
    private final int[] resting;

    private GapPrior(int[] minutes) {
        this(minutes, null);
    }

    private GapPrior(int[] minutes, int[] resting) {
        for (int[] m : new int[][] {minutes, resting}) {
            if (m != null && m.length != RoutineModel.SLOTS) {
                throw new IllegalArgumentException("a prior has " + RoutineModel.SLOTS + " half hours, not " + m.length);
            }
        }
        this.minutes = minutes == null ? null : minutes.clone();
        this.resting = resting == null ? null : resting.clone();
    }

    public static GapPrior of(int[] minutes, int[] resting) {
        return new GapPrior(minutes, resting);
    }

    /**
     * Fits a prior on home-days' activity profiles ({@link DetectionEngine#activityDays()}), and
     * on the resting context's ({@link DetectionEngine#restingDays()}): whole days count when
     * observed for at least half their half hours, as for the routine itself; a context is seen
     * only in part of any day, so there every observed half hour counts.
     */
    public static GapPrior fit(List<short[]> days, List<short[]> restingDays) {
        return new GapPrior(quantiles(days, RoutineModel.MIN_OBSERVED_SLOTS, true), quantiles(restingDays, 1, false));
    }

    private static int[] quantiles(List<short[]> days, int minObserved, boolean required) {
        int[] fitted = new int[RoutineModel.SLOTS];
        for (int slot = 0; slot < RoutineModel.SLOTS; slot++) {
            List<Integer> gaps = new ArrayList<>();
            for (short[] day : days) {
                int v = RoutineModel.around(day, slot);
                if (v >= 0 && RoutineModel.observed(day) >= minObserved) {
                    gaps.add(v);
                }
            }
            if (gaps.isEmpty()) {
                if (required) {
                    throw new IllegalArgumentException("no observed day at half hour " + slot);
                }
                fitted[slot] = -1;
                continue;
            }
            gaps.sort(null);
            fitted[slot] = gaps.get(Math.min(gaps.size() - 1, (int) Math.ceil(QUANTILE * gaps.size()) - 1));
        }
        return fitted;
    }

    /** The daytime half hours (08:00 to 22:00) over which a home's scale is judged. */
    static final int DAY_FROM_SLOT = 16;
    static final int DAY_TO_SLOT = 44;
    /** A home's scale rests on at least this many of its own days. */
    static final int SCALE_MIN_DAYS = 3;

    /**
     * How much longer this home's daytime gaps run than the population's: the mean over the
     * daytime half hours of the home's own 0.95-quantile (fitted as the prior is, on its own days),
     * over the prior's mean there; never below 1. A home whose sensors see little (reed switches
     * on cupboards only, no mats) shows 3 to 4 h of daytime quiet as ordinary; the prior, fitted
     * on homes that see more, would call that abnormal. Scaling the prior by the home's observed
     * gaps keeps its shape (which hours are long) and takes the home's level. Never below 1: a
     * home that sees much is held to the population's widening, as before.
     */
    double scaleFor(List<short[]> homeDays) {
        if (minutes == null) {
            return 1;
        }
        long observedDays = homeDays.stream().filter(d -> RoutineModel.observed(d) >= RoutineModel.MIN_OBSERVED_SLOTS).count();
        if (observedDays < SCALE_MIN_DAYS) {
            return 1;
        }
        int[] own = quantiles(homeDays, RoutineModel.MIN_OBSERVED_SLOTS, false);
        double home = 0;
        double population = 0;
        for (int slot = DAY_FROM_SLOT; slot < DAY_TO_SLOT; slot++) {
            if (own[slot] >= 0) {
                home += own[slot];
                population += minutes[slot];
            }
        }
        return population <= 0 ? 1 : Math.max(1, home / population);
    }

    boolean present() {
        return minutes != null;
    }

    /** The prior's gap at the half hour {@code slot}. */
    Duration at(int slot) {
        return Duration.ofMinutes(minutes[slot]);
    }

    /** The prior's gap at {@code slot} while resting; the whole's where no resting day was seen then. */
    Duration restingAt(int slot) {
        return resting == null || resting[slot] < 0 ? at(slot) : Duration.ofMinutes(resting[slot]);
    }

    /** The 48 numbers, as the source of {@link #SHIPPED} has them. */
    public int[] minutes() {
        return minutes == null ? null : minutes.clone();
    }

    /** The 48 resting numbers (-1: none seen), as the source of {@link #SHIPPED} has them. */
    public int[] restingMinutes() {
        return resting == null ? null : resting.clone();
    }

    @Override
    public String toString() {
        return minutes == null ? "none" : Arrays.toString(minutes) + ", resting " + Arrays.toString(resting);
    }
}
