package org.anxin.diagnostics.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.anxin.protocol.MetricsSource.Metric;

/**
 * The Prometheus text exposition format (0.0.4) for counters and gauges: all that the gateway
 * keeps. Written here rather than with Micrometer's registry, whose Prometheus bundles would have to
 * be resolved into the gateway for these few lines (docs/metrics.md says why).
 */
final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The metrics grouped by name, each name's HELP and TYPE once before its samples, as the format
     * requires.
     *
     * @throws IllegalArgumentException when two sources give one name different types or label
     *     names, or the same series twice: the file would be refused by the collector whole
     */
    static String format(Collection<Metric> metrics) {
        Map<String, List<Metric>> byName = new TreeMap<>();
        for (Metric m : metrics) {
            byName.computeIfAbsent(m.name(), n -> new ArrayList<>()).add(m);
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Metric>> e : byName.entrySet()) {
            Metric first = e.getValue().get(0);
            out.append("# HELP ").append(e.getKey()).append(' ').append(escapeHelp(first.help())).append('\n');
            out.append("# TYPE ").append(e.getKey()).append(' ').append(first.type().name().toLowerCase(Locale.ROOT))
                    .append('\n');
            Map<String, Metric> series = new LinkedHashMap<>();
            for (Metric m : e.getValue()) {
                if (m.type() != first.type() || !m.labels().keySet().equals(first.labels().keySet())) {
                    throw new IllegalArgumentException("metric " + e.getKey() + " is given with different types or"
                            + " label names: " + first + " and " + m);
                }
                String labels = labels(m.labels());
                if (series.put(labels, m) != null) {
                    throw new IllegalArgumentException("metric " + e.getKey() + labels + " is given twice");
                }
                out.append(e.getKey()).append(labels).append(' ').append(value(m.value())).append('\n');
            }
        }
        return out.toString();
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("{");
        new TreeMap<>(labels).forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(k).append("=\"").append(escapeLabel(v)).append('"');
        });
        return b.append('}').toString();
    }

    private static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
