package org.anxin.bridge.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gauges of {@code docs/metrics.md} that count rows of the shared tables. */
public final class DatabaseGauges {

    private static final Logger log = LoggerFactory.getLogger(DatabaseGauges.class);

    private DatabaseGauges() {
    }

    /**
     * Gauges read from the database when scraped, so that every instance of a scaled-out bridge
     * reports the same figure (the shared tables'), never one instance's share.
     */
    public static void bind(MeterRegistry registry, Database db, BooleanSupplier mqttConnected) {
        gauge(registry, "anxin.bridge.escalations.open", "escalations nobody has acknowledged yet", db,
                "SELECT COUNT(*) FROM escalations WHERE state = 'open'");
        gauge(registry, "anxin.bridge.deliveries.pending", "notifications to people not yet sent or given up", db,
                "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'sending')");
        gauge(registry, "anxin.bridge.gateways.online", "gateways whose last state was online", db,
                "SELECT COUNT(*) FROM gateways WHERE status = 'online'");
        Gauge.builder("anxin.bridge.mqtt.connected", mqttConnected, m -> m.getAsBoolean() ? 1 : 0)
                .description("1 while this instance is connected to the broker").strongReference(true)
                .register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Database db, String sql) {
        Gauge.builder(name, db, d -> count(d, sql)).description(description).strongReference(true)
                .register(registry);
    }

    /** NaN when the database is away: Prometheus then shows no value rather than a false zero. */
    private static double count(Database db, String sql) {
        try {
            return db.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return (double) rs.getLong(1);
                }
            });
        } catch (RuntimeException e) {
            log.debug("gauge query failed: {}", e.toString());
            return Double.NaN;
        }
    }
}
