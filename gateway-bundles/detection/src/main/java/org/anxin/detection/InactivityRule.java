package org.anxin.detection;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.TextStyle;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * NO_WATER_USE and NO_ACTIVITY: the present gap in water use (or in any activity) is longer than
 * this home's routine allows at this time of day and day of week. Until the routine is learned
 * ({@code learningDays} complete days), the fixed rule applies alone: for water the city programs'
 * rule, less than {@code noWaterLitres} over {@code noWaterHours}; for activity, none for
 * {@code noActivityHours}. Held back while the elder is out or a mode is set. Raised once per
 * episode and cleared by the next use or activity.
 */
final class InactivityRule implements Rule, OpenEpisodes {

    enum Signal { WATER, ACTIVITY }

    private record Use(Instant time, BigDecimal litres) {
    }

    /** A usual seen on this many days or fewer gets the whole of itself as margin. */
    static final int FULL_MARGIN_DAYS = 7;
    /**
     * The population prior weighs as much as this many days of the home's own: on its first day
     * a home is judged by the prior alone, on its seventh half by it, after four weeks a fifth.
     * The same weight holds a resting or up context back from taking over from the whole.
     */
    static final int PRIOR_DAYS = 7;

    /** The activity rule's allowance now, and what it rests on (usual: null when nothing is learned at this hour). */
    record Allowance(Duration threshold, RoutineModel.Usual usual, boolean resting, boolean widenedByPrior, boolean outingsUnseen) {
        Allowance(Duration threshold, RoutineModel.Usual usual, boolean resting, boolean widenedByPrior) {
            this(threshold, usual, resting, widenedByPrior, false);
        }
    }

    private final Signal signal;
    private final DetectionOptions options;
    private final HomeState home;
    private final Routine routine;
    private final RoutineModel model;
    private final GapPrior prior;
    private final Deque<Use> waterWindow = new ArrayDeque<>();
    private Alert open;
    /** The gap when the open alert was raised, for the clear's reason. */
    private Duration openGap = Duration.ZERO;
    private Instant lastClear;
    /** For water, in a home that sees more: the activity rule, whose open alert already says it. */
    private InactivityRule activityRule;

    InactivityRule(Signal signal, DetectionOptions options, HomeState home, Routine routine) {
        this(signal, options, home, routine, GapPrior.NONE);
    }

    InactivityRule(Signal signal, DetectionOptions options, HomeState home, Routine routine, GapPrior prior) {
        this.prior = prior;
        this.signal = signal;
        this.options = options;
        this.home = home;
        this.routine = routine;
        this.model = signal == Signal.WATER ? routine.water() : routine.activity();
    }

    @Override
    public void collectOpen(List<Episode> into) {
        if (open != null) {
            into.add(new Episode(open, Long.toString(openGap.toSeconds())));
        }
    }

    @Override
    public boolean restore(Episode episode) {
        if (episode.alert().type() != type()) {
            return false;
        }
        open = episode.alert();
        openGap = episode.detail().isEmpty() ? Duration.ZERO : Duration.ofSeconds(Long.parseLong(episode.detail()));
        return true;
    }

    /**
     * Makes this (water) rule hold back while {@code activity}'s alert is open in a home that sees
     * more than water: the whole home still is one silence, and NO_ACTIVITY already said it. Two
     * alerts for one silence were half of the false alarms of the robustness suite; the family
     * hears one. Water unused while she moves about is still this rule's to say.
     */
    void heldBackWhileOpen(InactivityRule activity) {
        this.activityRule = activity;
    }

    /** Whether this rule's alert is open: the present gap was judged abnormal and is not over. */
    boolean isOpen() {
        return open != null;
    }

    private AlertType type() {
        return signal == Signal.WATER ? AlertType.NO_WATER_USE : AlertType.NO_ACTIVITY;
    }

    private boolean enabled() {
        return signal == Signal.WATER ? options.noWaterUseEnabled() : options.noActivityEnabled();
    }

    private Instant last() {
        return signal == Signal.WATER ? home.lastWaterUse : home.lastActivity;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        if (signal == Signal.WATER && r.kind() == ReadingKind.WATER) {
            BigDecimal litres = new BigDecimal(r.value());
            if (litres.signum() > 0 && !home.timers.isTimed(r)) {
                waterWindow.addLast(new Use(r.time(), litres));
            }
        }
        boolean event = signal == Signal.WATER ? home.isWaterUse(r) : home.isActivity(r);
        if (!event || open == null) {
            return List.of();
        }
        Duration gap = Duration.between(open.time(), r.time()).plus(openGap);
        Alert cleared = open.clear(r.time(), (signal == Signal.WATER ? "water used again at " : "activity again at ")
                + r.device() + " after " + Durations.human(gap) + " without");
        open = null;
        lastClear = r.time();
        return List.of(cleared);
    }


    @Override
    public List<Alert> onTick(Instant now) {
        if (signal == Signal.WATER) {
            Instant horizon = now.minus(options.noWaterPeriod());
            while (!waterWindow.isEmpty() && !waterWindow.peekFirst().time().isAfter(horizon)) {
                waterWindow.removeFirst();
            }
        }
        if (!enabled() || open != null || home.held() || home.start == null) {
            return List.of();
        }
        if (activityRule != null && home.seesMoreThanWater && activityRule.isOpen()) {
            return List.of();
        }
        if (signal == Signal.ACTIVITY && !home.seesMoreThanWater) {
            // a home with only a water meter: NO_WATER_USE already says it, once
            return List.of();
        }
        Instant since = home.gapStart(last());
        Duration gap = Duration.between(since, now);
        String reason = learnedRuleApplies(now) ? learned(now, gap) : fixed(now, gap);
        if (reason == null) {
            return List.of();
        }
        open = Alert.raise(type(), null, now, reason);
        openGap = gap;
        return List.of(open);
    }

    boolean learnedRuleApplies(Instant now) {
        return routineLearned(now);
    }

    /**
     * Whether the routine has its {@code learningDays}. Before, the fixed rules judge: the
     * population prior alone, tried from the first day, raised 15 false NO_ACTIVITY in Ordonez A's
     * first week (a prior fitted on the other homes is too short for a home whose sensors see
     * little); it widens the learned thresholds instead, while they rest on few days.
     */
    private boolean routineLearned(Instant now) {
        return options.learningEnabled() && routine.activity().learnedDays(now) >= options.learningDays()
                && model.learnedDays(now) >= options.learningDays();
    }

    private String learned(Instant now, Duration gap) {
        if (signal == Signal.ACTIVITY) {
            Allowance a = activityAllowance(now);
            if (a == null || gap.compareTo(a.threshold()) <= 0) {
                return null;
            }
            if (a.usual() == null) {
                return what() + " for " + Durations.human(gap) + "; allowed " + Durations.human(a.threshold())
                        + " at this hour by the population prior, nothing learned here yet" + lastSeen();
            }
            return what() + " for " + Durations.human(gap) + "; " + usually(a.usual()) + (a.resting() ? " while resting" : "")
                    + (a.outingsUnseen() ? "; allowed " + Durations.human(a.threshold()) + " (the entrance never reports: it may be an outing)"
                    : a.widenedByPrior() ? "; allowed " + Durations.human(a.threshold()) + " (" + a.usual().days()
                    + " days of its own, widened by the population prior)" : "") + lastSeen();
        }
        RoutineModel.Usual usual = model.usual(now);
        if (usual == null) {
            return null;
        }
        Duration threshold = threshold(usual);
        boolean widened = false;
        if (!home.seesMoreThanWater && prior.present()) {
            // only a meter: water is the home's only sign of activity, and a model resting on few
            // days is not certain; widened towards the population prior at the home's own level,
            // as the activity allowance is (a flush-only home's gaps run long and irregular)
            Duration p = clamp(scaled(prior.at(slot(now)), now));
            // the prior keeps its full weight here: tried with the home's regularity, as for
            // activity, a meter's own days (flushes at odd minutes) took over too soon (meter
            // only: 0.439 -> 0.490 false alarms a day)
            Duration blended = blend(threshold, usual.days(), p, PRIOR_DAYS);
            if (blended.compareTo(threshold) > 0) {
                threshold = blended;
                widened = true;
            }
        }
        if (gap.compareTo(threshold) <= 0) {
            return null;
        }
        if (home.seesMoreThanWater && threshold.compareTo(options.learnedMaximum()) < 0) {
            // water unused for long while she moves about is not an emergency: sooner than the
            // backstop only when the rest of the home is abnormally still too, by the activity
            // routine's own threshold. A pause merely longer than the usual is common (a long
            // nap, an hour out of sight of the sensors) and, with water also unused, was the
            // main source of false NO_WATER_USE on the real homes.
            if (restOfHomeMoves(now)) {
                return null;
            }
        }
        return what() + " for " + Durations.human(gap) + "; " + usually(usual) + (widened ? "; allowed " + Durations.human(threshold)
                + " (" + usual.days() + " days of its own, widened by the population prior)" : "") + lastSeen();
    }

    private static String usually(RoutineModel.Usual usual) {
        return "usually at most " + Durations.human(usual.atMost()) + " at this hour" + (usual.weekdaySpecific()
                ? " on a " + usual.weekday().getDisplayName(TextStyle.FULL, Locale.ENGLISH) : "");
    }

    /**
     * Whether, in a home that sees more than water, the rest of the home has moved lately: until
     * water's routine is learned, within the city rule's own period ({@code noWaterHours}); after,
     * within the activity rule's present allowance. Water unused while she moves about is no
     * emergency, in the first week as after it: a frugal elder uses under 10 L in 12 h.
     */
    private boolean restOfHomeMoves(Instant now) {
        if (!home.seesMoreThanWater) {
            return false;
        }
        Duration allowance;
        if (!routineLearned(now)) {
            // the city rule's own period, or the activity rule's first-week allowance if longer
            Duration first = firstWeekAllowance(now);
            allowance = first.compareTo(options.noWaterPeriod()) > 0 ? first : options.noWaterPeriod();
        } else {
            Allowance a = activityAllowance(now);
            if (a == null) {
                return false;
            }
            allowance = a.threshold();
        }
        return Duration.between(home.gapStart(home.lastActivity), now).compareTo(allowance) <= 0;
    }

    /**
     * How long activity may pause now. From the whole routine: its threshold ({@link #threshold}),
     * widened, while it rests on few days, towards the population prior at this half hour
     * (weighted as {@link #priorWeight} days; never narrowed by it: a home whose own days show
     * longer pauses keeps them). Then the present context (resting, up) moves it towards that
     * context's own threshold by the days the context rests on, against the same weight: a
     * context seen on three afternoons does not take over from the whole. Resting only ever
     * lengthens the allowance, by the resting prior and the home's resting days. Without a prior, as
     * before: the context's threshold once it has {@value Routine#MIN_CONTEXT_DAYS} days, the
     * whole's otherwise. Null when there is nothing to judge by.
     */
    Allowance activityAllowance(Instant now) {
        Allowance a = knownOutingsAllowance(now);
        if (a == null || a.resting() || !home.coverage.entranceSilent(now)) {
            return a;
        }
        // the entrance is judged never to report: a silence while up may be an outing as well as
        // a fall, and neither is presumed. The allowance goes towards half way to the outing's own
        // horizon (notReturnedHours), within learnedMaximumHours: an incident still raises within
        // a day, and an ordinary afternoon out is no emergency. Someone on a mat is at home.
        // The home's own days at this hour include its outings (none was seen as one), so the
        // widening is a prior on unseen outings and gives way to them as the prior does: a home
        // silent for at most 30 min at 11:00 on each of 14 days has shown it does not go out then.
        Duration halfway = a.threshold().plus(options.notReturnedAfter()).dividedBy(2);
        int n = a.usual() == null ? 0 : a.usual().days();
        Duration widened = clamp(blend(a.threshold(), n, halfway, priorWeight(routine.activity(), now)));
        return widened.compareTo(a.threshold()) > 0 ? new Allowance(widened, a.usual(), false, a.widenedByPrior(), true) : a;
    }

    private Allowance knownOutingsAllowance(Instant now) {
        boolean resting = home.resting();
        RoutineModel.Usual whole = routine.activity().usual(now);
        Duration t = whole == null ? null : threshold(whole);
        boolean widened = false;
        if (prior.present()) {
            Duration p = clamp(scaled(prior.at(slot(now)), now));
            Duration blended = t == null ? p : blend(t, whole.days(), p, priorWeight(routine.activity(), now));
            if (t == null || blended.compareTo(t) > 0) {
                t = blended;
                widened = true;
            }
        }
        if (t == null) {
            return null;
        }
        RoutineModel context = resting ? routine.activityResting() : routine.activityUp();
        RoutineModel.Usual inContext = context.usual(now, 1);
        int nc = inContext == null ? 0 : inContext.days();
        if (!prior.present()) {
            // as before issue 18: the context once it has enough days, the whole otherwise
            return nc >= Routine.MIN_CONTEXT_DAYS ? new Allowance(threshold(inContext), inContext, resting, false)
                    : new Allowance(t, whole, false, false);
        }
        if (resting) {
            // someone on a mat is resting, not lying fallen: rest may make the pause allowed
            // longer than the whole's, never shorter; how much longer, the resting prior says
            // until the home's own resting days do
            Duration p = clamp(scaled(prior.restingAt(slot(now)), now));
            Duration own = nc == 0 ? p : blend(threshold(inContext), nc, p, PRIOR_DAYS);
            if (own.compareTo(t) > 0) {
                return new Allowance(clamp(own), inContext, true, nc < PRIOR_DAYS * 4);
            }
        } else if (nc >= Routine.MIN_CONTEXT_DAYS) {
            // up and about: the context's shorter pauses take over as its days grow
            return new Allowance(clamp(blend(threshold(inContext), nc, t, PRIOR_DAYS)),
                    inContext, false, widened);
        }
        return new Allowance(t, whole, false, widened);
    }

    /**
     * The home's own {@code n} days against {@code other} weighted as {@code weight} days:
     * (n × own + weight × other) / (n + weight); {@code other} alone on no day.
     */
    static Duration blend(Duration own, int n, Duration other, double weight) {
        if (n <= 0) {
            return other;
        }
        return Duration.ofSeconds(Math.round(blend((double) own.toSeconds(), n, other.toSeconds(), weight)));
    }

    /**
     * How many days of the home's own the population prior weighs as now: {@value #PRIOR_DAYS}
     * times how irregular the home's gap at this hour has been ({@link RoutineModel#spread}). The
     * prior stands for what the home has not shown yet; a home whose gap here was the same on
     * every day has shown its longest, and its own days soon outweigh the population's, while a
     * home whose gaps here range widely has the prior's full weight. So the allowance rests on
     * how regular the home is, not on how many readings it sends. The irregularity is itself
     * taken towards 1 by the same weight while it rests on few days.
     */
    static double priorWeight(RoutineModel model, Instant now) {
        RoutineModel.Spread spread = model.spread(now);
        // the irregularity seen is itself uncertain on few days: taken towards "irregular" (1),
        // which weighs as PRIOR_DAYS days, so two alike days do not yet dismiss the population
        return PRIOR_DAYS * blend(spread.irregularity(), spread.days(), 1, PRIOR_DAYS);
    }

    private static double blend(double own, int n, double other, double weight) {
        return (n * own + weight * other) / (n + weight);
    }

    private java.time.LocalDate scaleDay;
    private double scale = 1;

    /**
     * The population prior at this home's level ({@link GapPrior#scaleFor}): part of the coverage
     * judgement, from the home's own days of the whole activity routine, judged once a day.
     */
    private Duration scaled(Duration p, Instant now) {
        java.time.LocalDate today = now.atZone(home.zone).toLocalDate();
        if (!today.equals(scaleDay)) {
            scaleDay = today;
            scale = prior.scaleFor(routine.activity().profiles());
        }
        return scale <= 1 ? p : Duration.ofSeconds(Math.round(p.toSeconds() * scale));
    }

    /** How many times the population's daytime gaps this home's run (1 when no longer); see {@link GapPrior#scaleFor}. */
    double priorScale(Instant now) {
        scaled(Duration.ZERO, now);
        return scale;
    }

    private int slot(Instant now) {
        java.time.LocalTime local = now.atZone(home.zone).toLocalTime();
        return (local.getHour() * 60 + local.getMinute()) / 30;
    }

    private Duration clamp(Duration d) {
        if (d.compareTo(options.learnedMinimum()) < 0) {
            return options.learnedMinimum();
        }
        return d.compareTo(options.learnedMaximum()) > 0 ? options.learnedMaximum() : d;
    }

    /**
     * Clearly abnormal: the usual plus a margin, within the minimum and maximum. The usual is the
     * longest gap seen on n days, and the chance that the next day goes past the longest of n is
     * 1/(n+1): the more days it rests on, the less margin it needs. So the margin is the whole
     * usual while it rests on {@value #FULL_MARGIN_DAYS} days or fewer, and that many n-ths of it on n days (half
     * on 14, a quarter on 28); never less than {@code learnedMarginMinutes}, for a usual gap of 20
     * min is not abnormal at 41.
     */
    Duration threshold(RoutineModel.Usual usual) {
        Duration atMost = usual.atMost();
        int days = Math.max(usual.days(), 1);
        Duration proportional = atMost.multipliedBy(Math.min(days, FULL_MARGIN_DAYS)).dividedBy(days);
        Duration margin = proportional.compareTo(options.learnedMargin()) > 0 ? proportional : options.learnedMargin();
        return clamp(atMost.plus(margin));
    }

    /**
     * How long activity may pause before the routine is learned: the fixed {@code noActivityHours},
     * or longer where the home has already shown a longer gap at this hour (and come back from
     * it) on one of its first days, by the learned rule's own margin for so few days (the whole
     * gap again, within {@code learnedMaximumHours}). A home without bed mats, whose resident
     * sleeps 12 h, showed it on its first night: the fixed rule alone called every following night
     * an emergency. Never shorter than the fixed rule: a few days are no evidence of short gaps.
     */
    Duration firstWeekAllowance(Instant now) {
        Duration fixed = options.noActivityPeriod();
        if (!options.learningEnabled()) {
            return fixed;
        }
        RoutineModel.Usual seen = routine.activity().longestSeen(now);
        if (seen == null) {
            return fixed;
        }
        Duration widened = threshold(seen);
        return widened.compareTo(fixed) > 0 ? widened : fixed;
    }

    private String fixed(Instant now, Duration gap) {
        if (signal == Signal.ACTIVITY) {
            Duration allowed = firstWeekAllowance(now);
            if (gap.compareTo(allowed) < 0) {
                return null;
            }
            return what() + " for " + Durations.human(gap) + lastSeen() + "; the fixed rule of "
                    + Durations.human(options.noActivityPeriod()) + " applies until the routine is learned"
                    + (allowed.compareTo(options.noActivityPeriod()) > 0 ? ", widened to " + Durations.human(allowed)
                    + " by the gaps this home already showed at this hour" : "");
        }
        Instant observedFrom = home.gapStart(lastClear);
        if (Duration.between(observedFrom, now).compareTo(options.noWaterPeriod()) < 0) {
            return null;
        }
        BigDecimal used = waterWindow.stream().map(Use::litres).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (used.doubleValue() >= options.noWaterLitres() || restOfHomeMoves(now)) {
            return null;
        }
        return "no water for " + Durations.human(gap) + "; " + used.stripTrailingZeros().toPlainString() + " L in the last "
                + Durations.human(options.noWaterPeriod()) + ", less than " + fmt(options.noWaterLitres()) + " L" + lastSeen();
    }

    private String what() {
        return signal == Signal.WATER ? "no water" : "no activity";
    }

    private String lastSeen() {
        Instant last = last();
        String device = signal == Signal.WATER ? home.lastWaterDevice : home.lastActivityDevice;
        if (last == null || device == null) {
            return "";
        }
        return " (last: " + device + " at " + last.atZone(home.zone).toLocalTime().withNano(0) + ")";
    }

    private static String fmt(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
