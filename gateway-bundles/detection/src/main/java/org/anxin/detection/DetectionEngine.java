package org.anxin.detection;

import java.util.ArrayList;
import java.util.List;
import org.anxin.protocol.Alert;
import org.anxin.protocol.Reading;

/** Runs every rule over each reading. Not thread-safe: one caller feeds it. */
public final class DetectionEngine {

    private final List<Rule> rules;

    public DetectionEngine(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static DetectionEngine create(DetectionOptions options) {
        return new DetectionEngine(List.of(new ImmediateAlarmRule(options.callRearm())));
    }

    /** The alerts this reading raises or clears, life-safety ones first. */
    public List<Alert> onReading(Reading reading) {
        List<Alert> alerts = new ArrayList<>();
        for (Rule rule : rules) {
            alerts.addAll(rule.onReading(reading));
        }
        alerts.sort((a, b) -> Boolean.compare(b.type().isLifeSafety(), a.type().isLifeSafety()));
        return alerts;
    }
}
