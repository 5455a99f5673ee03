package org.anxin.detection;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * The health monitors' measurements against the elder's {@link HealthThresholds}.
 *
 * <p>Each measured kind has at most one open episode: HEALTH_READING_WARNING or
 * HEALTH_READING_CRITICAL by the worst threshold the latest reading crossed. A reading back in
 * range clears it; one of the other severity clears it and raises that one, so the bridge's
 * escalation follows the severity; another reading of the same severity says nothing new. A
 * weight is compared with every weighing of the last {@code weightChangeDays}: a change of more
 * than {@code weightChangeGrams} either way is a warning (a gain is fluid, a loss is not eating).
 *
 * <p>MEASUREMENT_MISSED (when {@code measurementKind} is set): no reading of that kind on the local
 * day before {@code measurementBy}; judged once a day, not while an away or visit mode is set nor
 * on a day the engine started after midnight, and cleared by the next reading of that kind.
 *
 * <p>The weighings, the last scheduled reading and the last day judged are kept in the engine's
 * state, written as soon as they change; the open episodes outlive a restart like every other.
 */
final class HealthRule implements Rule, OpenEpisodes {

    private record Weighing(Instant time, BigDecimal kg) {
    }

    private final HealthThresholds t;
    private final HomeState home;
    private final Map<ReadingKind, Alert> open = new EnumMap<>(ReadingKind.class);
    private final Deque<Weighing> weighings = new ArrayDeque<>();
    private Alert missed;
    private Instant measuredAt;
    private LocalDate judged;
    private boolean changed;

    HealthRule(HealthThresholds thresholds, HomeState home) {
        this.t = thresholds;
        this.home = home;
    }

    @Override
    public List<Alert> onReading(Reading r) {
        if (!r.kind().isMeasurement()) {
            return List.of();
        }
        List<Alert> alerts = new java.util.ArrayList<>();
        if (r.kind() == t.measurementKind()) {
            measuredAt = r.time();
            changed = true;
            if (missed != null) {
                alerts.add(missed.clear(r.time(), r.kind().wireName() + " measured: " + describe(r)));
                missed = null;
            }
        }
        Verdict v = judge(r);
        Alert current = open.get(r.kind());
        if (current != null && (v == null || current.type() != v.type)) {
            alerts.add(current.clear(r.time(), v == null ? "back in range: " + describe(r) : "now " + v.reason));
            open.remove(r.kind());
            current = null;
        }
        if (v != null && current == null) {
            Alert raised = Alert.raise(v.type, r.device(), r.time(), v.reason);
            open.put(r.kind(), raised);
            alerts.add(raised);
        }
        return alerts;
    }

    private record Verdict(AlertType type, String reason) {
    }

    private static final AlertType WARNING = AlertType.HEALTH_READING_WARNING;
    private static final AlertType CRITICAL = AlertType.HEALTH_READING_CRITICAL;

    /** The worst threshold the reading crossed, or null when it is in range. */
    private Verdict judge(Reading r) {
        BigDecimal v = new BigDecimal(r.value());
        return switch (r.kind()) {
            case SYSTOLIC -> high(r, v, t.systolicWarning(), t.systolicCritical());
            case DIASTOLIC -> high(r, v, t.diastolicWarning(), t.diastolicCritical());
            case SPO2 -> first(below(r, v, BigDecimal.valueOf(t.spo2Critical()), CRITICAL),
                    below(r, v, BigDecimal.valueOf(t.spo2Warning()), WARNING));
            case HEART_RATE -> first(below(r, v, BigDecimal.valueOf(t.heartRateLowCritical()), CRITICAL),
                    above(r, v, t.heartRateHighCritical(), CRITICAL),
                    below(r, v, BigDecimal.valueOf(t.heartRateLowWarning()), WARNING),
                    above(r, v, t.heartRateHighWarning(), WARNING));
            case BODY_TEMPERATURE -> first(below(r, v, t.temperatureLowCritical(), CRITICAL),
                    atLeast(r, v, t.temperatureCritical(), CRITICAL),
                    atLeast(r, v, t.temperatureWarning(), WARNING));
            case WEIGHT -> weight(r, v);
            default -> null;
        };
    }

    private Verdict high(Reading r, BigDecimal v, int warning, int critical) {
        return first(atLeast(r, v, BigDecimal.valueOf(critical), CRITICAL), atLeast(r, v, BigDecimal.valueOf(warning), WARNING));
    }

    /** The first threshold crossed, the critical ones being given first; null when none. */
    private static Verdict first(Verdict... verdicts) {
        for (Verdict v : verdicts) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private Verdict atLeast(Reading r, BigDecimal v, BigDecimal threshold, AlertType type) {
        return v.compareTo(threshold) >= 0 ? crossed(r, "at or above", threshold, type) : null;
    }

    private Verdict above(Reading r, BigDecimal v, int threshold, AlertType type) {
        return v.compareTo(BigDecimal.valueOf(threshold)) > 0 ? crossed(r, "above", BigDecimal.valueOf(threshold), type) : null;
    }

    private Verdict below(Reading r, BigDecimal v, BigDecimal threshold, AlertType type) {
        return v.compareTo(threshold) < 0 ? crossed(r, "below", threshold, type) : null;
    }

    private Verdict crossed(Reading r, String how, BigDecimal threshold, AlertType type) {
        return new Verdict(type, describe(r) + ", " + how + " the " + (type == CRITICAL ? "critical" : "warning")
                + " threshold " + threshold.stripTrailingZeros().toPlainString() + " " + r.kind().unit());
    }

    private Verdict weight(Reading r, BigDecimal kg) {
        java.time.Duration days = java.time.Duration.ofDays(t.weightChangeDays());
        Weighing furthest = null;
        for (Weighing w : weighings) {
            // either side of it: a scale that was offline posts its kept weighings late, oldest first
            boolean near = java.time.Duration.between(w.time, r.time()).abs().compareTo(days) <= 0;
            if (near && (furthest == null || kg.subtract(w.kg).abs().compareTo(kg.subtract(furthest.kg).abs()) > 0)) {
                furthest = w;
            }
        }
        weighings.addLast(new Weighing(r.time(), kg));
        Instant newest = weighings.stream().map(Weighing::time).max(Instant::compareTo).orElseThrow();
        weighings.removeIf(w -> w.time.isBefore(newest.minus(days)));
        changed = true;
        BigDecimal limit = BigDecimal.valueOf(t.weightChangeGrams(), 3);
        if (furthest == null || kg.subtract(furthest.kg).abs().compareTo(limit) <= 0) {
            return null;
        }
        BigDecimal change = kg.subtract(furthest.kg);
        return new Verdict(WARNING, describe(r) + ", " + change.abs().stripTrailingZeros().toPlainString() + " kg "
                + (change.signum() > 0 ? "more" : "less") + " than " + furthest.kg.stripTrailingZeros().toPlainString()
                + " kg on " + furthest.time.atZone(home.zone).toLocalDate() + " (more than "
                + limit.stripTrailingZeros().toPlainString() + " kg within " + t.weightChangeDays() + " days)");
    }

    private String describe(Reading r) {
        return r.kind().wireName() + " " + r.value() + " " + r.kind().unit() + " (" + r.device() + " at "
                + r.time().atZone(home.zone).toLocalTime().withNano(0) + ")";
    }

    @Override
    public List<Alert> onTick(Instant now) {
        if (t.measurementKind() == null) {
            return List.of();
        }
        ZonedDateTime local = now.atZone(home.zone);
        LocalDate day = local.toLocalDate();
        if (local.toLocalTime().isBefore(t.measurementBy()) || day.equals(judged)) {
            return List.of();
        }
        judged = day;
        changed = true;
        Instant midnight = day.atStartOfDay(home.zone).toInstant();
        if (missed != null || home.mode != null || home.start == null || home.start.isAfter(midnight)
                || (measuredAt != null && !measuredAt.isBefore(midnight))) {
            return List.of();
        }
        String reason = "no " + t.measurementKind().wireName() + " measured today by " + t.measurementBy()
                + (measuredAt == null ? "" : " (last: " + measuredAt.atZone(home.zone).toLocalDateTime().withNano(0) + ")");
        missed = Alert.raise(AlertType.MEASUREMENT_MISSED, null, now, reason);
        return List.of(missed);
    }

    @Override
    public void collectOpen(List<Episode> into) {
        open.forEach((kind, alert) -> into.add(new Episode(alert, kind.wireName())));
        if (missed != null) {
            into.add(new Episode(missed));
        }
    }

    @Override
    public boolean restore(Episode episode) {
        AlertType type = episode.alert().type();
        if (type == AlertType.MEASUREMENT_MISSED) {
            missed = episode.alert();
            return true;
        }
        if (type != WARNING && type != CRITICAL) {
            return false;
        }
        ReadingKind kind;
        try {
            kind = ReadingKind.fromWireName(episode.detail());
        } catch (IllegalArgumentException e) {
            return false; // not one this rule saved: no kind to clear it by
        }
        open.put(kind, episode.alert());
        return true;
    }

    /** Whether the state changed since the last call: the engine then writes it at once. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    void save(Map<String, String> s) {
        if (!weighings.isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (Weighing w : weighings) {
                b.append(b.isEmpty() ? "" : ",").append(w.time).append('=').append(w.kg.toPlainString());
            }
            s.put("health.weighings", b.toString());
        }
        if (measuredAt != null) {
            s.put("health.measuredAt", measuredAt.toString());
        }
        if (judged != null) {
            s.put("health.judged", judged.toString());
        }
    }

    void restore(Map<String, String> s) {
        weighings.clear();
        String text = s.getOrDefault("health.weighings", "");
        for (String item : text.isEmpty() ? new String[0] : text.split(",")) {
            String[] f = item.split("=", 2);
            weighings.addLast(new Weighing(Instant.parse(f[0]), new BigDecimal(f[1])));
        }
        String at = s.get("health.measuredAt");
        measuredAt = at == null ? null : Instant.parse(at);
        String day = s.get("health.judged");
        judged = day == null ? null : LocalDate.parse(day);
    }
}
