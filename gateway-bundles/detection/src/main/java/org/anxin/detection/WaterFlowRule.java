package org.anxin.detection;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * CONTINUOUS_WATER_FLOW: a meter reports water without a pause (no reading of water for
 * {@code flowPauseMinutes}, or a reading of 0 L) for longer than {@code continuousFlowMinutes}: a
 * tap left running. A timer's flow ({@link TimerFlows}) is allowed its longest recent run on top,
 * so the sprinklers do not raise it every night but a valve stuck open does. Cleared when the flow
 * stops. Also a day's total over {@code dailyWaterLitres} (a burst pipe), cleared when the day
 * ends; a timer's water is not in that total.
 */
final class WaterFlowRule implements Rule, OpenEpisodes {

    private static final class Flow {
        Instant start;
        Instant lastPositive;
        BigDecimal litres = BigDecimal.ZERO;
        Alert alert;
        /** Open at a restart, and the engine has not seen a minute since. */
        boolean restored;
        /** The engine's first minute or reading after the restart, when the flow was restored. */
        Instant resumedAt;

        /** Where a pause is counted from: a restart's gap in the readings is not a pause seen. */
        Instant pauseFrom() {
            return resumedAt != null && resumedAt.isAfter(lastPositive) ? resumedAt : lastPositive;
        }

        void resume(Instant now) {
            if (restored) {
                restored = false;
                resumedAt = now;
            }
        }
    }

    private final DetectionOptions options;
    private final HomeState home;
    private final Map<String, Flow> flows = new HashMap<>();
    private LocalDate day;
    private BigDecimal dayLitres = BigDecimal.ZERO;
    private Alert dayAlert;

    WaterFlowRule(DetectionOptions options, HomeState home) {
        this.options = options;
        this.home = home;
    }

    @Override
    public void collectOpen(List<Episode> into) {
        for (Flow flow : flows.values()) {
            if (flow.alert != null) {
                into.add(new Episode(flow.alert, flow.start + " " + flow.litres.toPlainString()));
            }
        }
        if (dayAlert != null) {
            into.add(new Episode(dayAlert, day + " " + dayLitres.toPlainString()));
        }
    }

    /**
     * Whether water still runs after a restart is not known: a flow open at the restart is given
     * one {@code flowPauseMinutes} from the engine's first minute after it to show that it does.
     * Its last water before the restart is not kept (it would cost a write per reading); the raise's
     * time stands for it, so a clear's "after" may understate how long it ran.
     */
    @Override
    public boolean restore(Episode episode) {
        Alert alert = episode.alert();
        String[] f = episode.detail().split(" ");
        if (alert.type() != AlertType.CONTINUOUS_WATER_FLOW || f.length != 2) {
            return false;
        }
        if (alert.device() == null) {
            day = LocalDate.parse(f[0]);
            dayLitres = new BigDecimal(f[1]);
            dayAlert = alert;
        } else {
            Flow flow = flows.computeIfAbsent(alert.device(), d -> new Flow());
            flow.start = Instant.parse(f[0]);
            flow.litres = new BigDecimal(f[1]);
            flow.lastPositive = alert.time();
            flow.restored = true;
            flow.alert = alert;
        }
        return true;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        if (r.kind() != ReadingKind.WATER || !options.continuousFlowEnabled()) {
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>(newDay(r.time()));
        BigDecimal litres = new BigDecimal(r.value());
        Flow flow = flows.computeIfAbsent(r.device(), d -> new Flow());
        if (litres.signum() == 0) {
            alerts.addAll(stop(r.device(), flow, r.time()));
            return alerts;
        }
        flow.resume(r.time());
        if (flow.start == null || Duration.between(flow.pauseFrom(), r.time()).compareTo(options.flowPause()) > 0) {
            alerts.addAll(stop(r.device(), flow, r.time()));
            flow.start = r.time();
            flow.litres = BigDecimal.ZERO;
        }
        flow.lastPositive = r.time();
        flow.litres = flow.litres.add(litres);
        Duration running = Duration.between(flow.start, r.time());
        Duration timerRun = home.timers.timerRun(r);
        Duration allowed = timerRun == null ? options.continuousFlow() : timerRun.plus(options.continuousFlow());
        if (flow.alert == null && running.compareTo(allowed) > 0) {
            flow.alert = Alert.raise(AlertType.CONTINUOUS_WATER_FLOW, r.device(), r.time(), "water running at "
                    + r.device() + " without a pause for " + Durations.human(running) + " (" + litres(flow.litres) + " L)"
                    + (timerRun == null ? "; a tap left open or a leak"
                    : ", longer than this timer's usual run of " + Durations.human(timerRun) + "; a valve stuck open or a leak"));
            alerts.add(flow.alert);
        }
        if (timerRun != null) {
            return alerts;
        }
        dayLitres = dayLitres.add(litres);
        if (dayAlert == null && dayLitres.doubleValue() > options.dailyWaterLitres()) {
            dayAlert = Alert.raise(AlertType.CONTINUOUS_WATER_FLOW, null, r.time(), litres(dayLitres)
                    + " L of water used today, more than " + litres(BigDecimal.valueOf(options.dailyWaterLitres()))
                    + " L; a burst pipe or a tap left open");
            alerts.add(dayAlert);
        }
        return alerts;
    }

    @Override
    public List<Alert> onTick(Instant now) {
        List<Alert> alerts = new ArrayList<>(newDay(now));
        for (Map.Entry<String, Flow> e : flows.entrySet()) {
            Flow flow = e.getValue();
            flow.resume(now);
            if (flow.start != null && Duration.between(flow.pauseFrom(), now).compareTo(options.flowPause()) > 0) {
                alerts.addAll(stop(e.getKey(), flow, now));
            }
        }
        return alerts;
    }

    private List<Alert> stop(String device, Flow flow, Instant when) {
        Alert alert = flow.alert;
        Duration ran = flow.start == null ? Duration.ZERO : Duration.between(flow.start, flow.lastPositive);
        flow.start = null;
        flow.restored = false;
        flow.resumedAt = null;
        flow.alert = null;
        if (alert == null) {
            return List.of();
        }
        return List.of(alert.clear(when, "water stopped at " + device + " after " + Durations.human(ran)
                + " (" + litres(flow.litres) + " L)"));
    }

    private List<Alert> newDay(Instant now) {
        LocalDate today = now.atZone(home.zone).toLocalDate();
        if (today.equals(day)) {
            return List.of();
        }
        day = today;
        BigDecimal yesterday = dayLitres;
        dayLitres = BigDecimal.ZERO;
        Alert alert = dayAlert;
        dayAlert = null;
        return alert == null ? List.of() : List.of(alert.clear(now, "a new day; " + litres(yesterday) + " L used the day before"));
    }

    private static String litres(BigDecimal l) {
        return l.setScale(0, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
