package org.anxin.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A part of the gateway that counts what it does, for the opt-in metrics file
 * ({@code docs/metrics.md}). Provided as an OSGi service by the bundles that count (the store, the
 * uplink, detection); diagnostics' writer references every one it finds, so, like
 * {@link HealthSource}, it depends on no concrete class of theirs.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface MetricsSource {

    /** The values now. Called on the writer's thread; must not block. */
    List<Metric> metrics();

    /** A counter only goes up (since the gateway started); a gauge is a level now. */
    enum Type {
        COUNTER, GAUGE
    }

    /**
     * One sample in the Prometheus text format's terms.
     *
     * @param name the metric's name; a counter's ends in {@code _total}
     * @param help one line saying what it counts
     * @param labels label names and values; names of one metric are the same for all its samples
     */
    record Metric(String name, Type type, String help, Map<String, String> labels, double value) {

        private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

        public Metric {
            Objects.requireNonNull(type, "type");
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("metric name '" + name + "' must match " + NAME.pattern());
            }
            if (type == Type.COUNTER && !name.endsWith("_total")) {
                throw new IllegalArgumentException("counter " + name + " must end in _total");
            }
            help = help == null ? "" : help.replace('\n', ' ');
            labels = Map.copyOf(labels == null ? Map.of() : labels);
            for (String label : labels.keySet()) {
                if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
                    throw new IllegalArgumentException("label name '" + label + "' of " + name + " must match "
                            + LABEL.pattern() + " and not begin with __");
                }
            }
        }

        public static Metric counter(String name, String help, double value) {
            return new Metric(name, Type.COUNTER, help, Map.of(), value);
        }

        public static Metric counter(String name, String help, Map<String, String> labels, double value) {
            return new Metric(name, Type.COUNTER, help, labels, value);
        }

        public static Metric gauge(String name, String help, double value) {
            return new Metric(name, Type.GAUGE, help, Map.of(), value);
        }
    }
}
