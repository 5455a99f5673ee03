package org.anxin.diagnostics.metrics;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = MetricsFileWriter.PID,
        name = "Anxin metrics file",
        description = "Writes the gateway's counters and gauges in the Prometheus text format, for the node"
                + " exporter's textfile collector. Off until this configuration exists.")
public @interface MetricsFileConfig {

    @AttributeDefinition(name = "File",
            description = "where the metrics are written, replaced whole each time; it must end in .prom for the"
                    + " textfile collector. A relative path is under the gateway's data directory (property anxin.data)")
    String path() default "metrics/anxin_gateway.prom";

    @AttributeDefinition(name = "Interval (s)", min = "1", max = "3600",
            description = "how often the file is written")
    int intervalSeconds() default 15;
}
