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

    private final Signal signal;
    private final DetectionOptions options;
    private final HomeState home;
    private final Routine routine;
    private final RoutineModel model;
    private final Deque<Use> waterWindow = new ArrayDeque<>();
    private Alert open;
    /** The gap when the open alert was raised, for the clear's reason. */
    private Duration openGap = Duration.ZERO;
    private Instant lastClear;

    InactivityRule(Signal signal, DetectionOptions options, HomeState home, Routine routine) {
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
        return options.learningEnabled() && model.learnedDays(now) >= options.learningDays();
    }

    private String learned(Instant now, Duration gap) {
        boolean resting = signal == Signal.ACTIVITY && home.resting();
        RoutineModel.Usual usual = signal == Signal.WATER ? model.usual(now) : activityUsual(now, resting);
        if (usual == null) {
            return null;
        }
        Duration threshold = threshold(usual);
        if (gap.compareTo(threshold) <= 0) {
            return null;
        }
        if (signal == Signal.WATER && home.seesMoreThanWater && threshold.compareTo(options.learnedMaximum()) < 0) {
            // water unused for long while she moves about is not an emergency: sooner than the
            // backstop only when the rest of the home is abnormally still too, by the activity
            // routine's own threshold. A pause merely longer than the usual is common (a long
            // nap, an hour out of sight of the sensors) and, with water also unused, was the
            // main source of false NO_WATER_USE on the real homes.
            if (restOfHomeMoves(now)) {
                return null;
            }
        }
        return what() + " for " + Durations.human(gap) + "; usually at most " + Durations.human(usual.atMost())
                + " at this hour" + (usual.weekdaySpecific()
                ? " on a " + usual.weekday().getDisplayName(TextStyle.FULL, Locale.ENGLISH) : "")
                + (resting ? " while resting" : "") + lastSeen();
    }

    /**
     * Whether, in a home that sees more than water, the rest of the home has moved within the
     * activity rule's own present allowance: by the learned routine once it is learned, by
     * {@code noActivityHours} before. Water unused while she moves about is no emergency, in the
     * first week as after it: a frugal elder uses under 10 L in 12 h.
     */
    private boolean restOfHomeMoves(Instant now) {
        if (!home.seesMoreThanWater) {
            return false;
        }
        Duration allowance;
        if (options.learningEnabled() && routine.activity().learnedDays(now) >= options.learningDays()) {
            RoutineModel.Usual still = activityUsual(now, home.resting());
            if (still == null) {
                return false;
            }
            allowance = threshold(still);
        } else {
            allowance = options.noActivityPeriod();
        }
        return Duration.between(home.gapStart(home.lastActivity), now).compareTo(allowance) <= 0;
    }

    /** The usual activity gap for the present context (resting or up), or the whole when that context is rare at this hour. */
    private RoutineModel.Usual activityUsual(Instant now, boolean resting) {
        RoutineModel context = resting ? routine.activityResting() : routine.activityUp();
        RoutineModel.Usual usual = context.usual(now, 1);
        if (usual != null && usual.days() >= Routine.MIN_CONTEXT_DAYS) {
            return usual;
        }
        return routine.activity().usual(now);
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
        Duration t = atMost.plus(margin);
        if (t.compareTo(options.learnedMinimum()) < 0) {
            return options.learnedMinimum();
        }
        return t.compareTo(options.learnedMaximum()) > 0 ? options.learnedMaximum() : t;
    }

    private String fixed(Instant now, Duration gap) {
        if (signal == Signal.ACTIVITY) {
            return gap.compareTo(options.noActivityPeriod()) >= 0
                    ? what() + " for " + Durations.human(gap) + lastSeen() + "; the fixed rule of "
                    + Durations.human(options.noActivityPeriod()) + " applies until the routine is learned"
                    : null;
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
