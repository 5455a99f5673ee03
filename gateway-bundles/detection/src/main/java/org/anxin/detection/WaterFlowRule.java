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
 * tap left running. Cleared when the flow stops. Also a day's total over {@code dailyWaterLitres}
 * (a burst pipe), cleared when the day ends.
 */
final class WaterFlowRule implements Rule {

    private static final class Flow {
        Instant start;
        Instant lastPositive;
        BigDecimal litres = BigDecimal.ZERO;
        Alert alert;
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
        if (flow.start == null || Duration.between(flow.lastPositive, r.time()).compareTo(options.flowPause()) > 0) {
            alerts.addAll(stop(r.device(), flow, r.time()));
            flow.start = r.time();
            flow.litres = BigDecimal.ZERO;
        }
        flow.lastPositive = r.time();
        flow.litres = flow.litres.add(litres);
        Duration running = Duration.between(flow.start, r.time());
        if (flow.alert == null && running.compareTo(options.continuousFlow()) > 0) {
            flow.alert = Alert.raise(AlertType.CONTINUOUS_WATER_FLOW, r.device(), r.time(), "water running at "
                    + r.device() + " without a pause for " + Durations.human(running) + " (" + litres(flow.litres)
                    + " L); a tap left open or a leak");
            alerts.add(flow.alert);
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
            if (flow.start != null && Duration.between(flow.lastPositive, now).compareTo(options.flowPause()) > 0) {
                alerts.addAll(stop(e.getKey(), flow, now));
            }
        }
        return alerts;
    }

    private List<Alert> stop(String device, Flow flow, Instant when) {
        Alert alert = flow.alert;
        Duration ran = flow.start == null ? Duration.ZERO : Duration.between(flow.start, flow.lastPositive);
        flow.start = null;
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
