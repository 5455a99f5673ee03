package org.anxin.uplink;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
import org.anxin.protocol.MetricsSource;
import org.anxin.protocol.MetricsSource.Metric;
import org.anxin.store.Outbox;
import org.anxin.uplink.api.DownlinkListener;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/** Runs the {@link Uplink} in the gateway; needs a configuration, since the gateway id has no default. */
@Component(configurationPid = UplinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = MetricsSource.class, immediate = true) // immediate: it must run whether or not metrics are written
@Designate(ocd = UplinkConfig.class)
public class UplinkComponent implements MetricsSource {

    public static final String PID = "org.anxin.uplink";
    /** Remote configuration's PID, whose {@code bridgeKey} also checks receipts. */
    static final String REMOTE_PID = "org.anxin.remote";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UplinkComponent.class);

    private final Uplink uplink;
    private final List<DownlinkListener> listeners = new CopyOnWriteArrayList<>();
    private final List<HealthSource> healthSources = new CopyOnWriteArrayList<>();

    @Activate
    public UplinkComponent(@Reference Outbox outbox, @Reference ConfigurationAdmin configAdmin, UplinkConfig config, BundleContext context, Map<String, Object> properties) {
        String configDir = context.getProperty("felix.fileinstall.dir");
        UplinkOptions options = UplinkOptions.from(config, configDir == null ? null : java.nio.file.Path.of(configDir),
                new RemoteBridgeKey(configAdmin));
        UplinkSecrets.requireOwnerOnly(properties.get(UplinkSecrets.CONFIG_FILE), options);
        this.uplink = new Uplink(options, outbox, Clock.systemUTC(),
                context.getBundle().getVersion().toString(), this::dispatch, this::health);
    }

    /**
     * The bridge's public key, which signs receipts, from the one place it is configured: remote
     * configuration's {@code bridgeKey} ({@code org.anxin.remote.cfg}, written by {@code ./anxin
     * provision}). Asked at each receipt, since FileInstall may load that file after this one; while
     * there is none (a gateway without remote configuration) receipts are taken unchecked, which the
     * log says once.
     */
    static final class RemoteBridgeKey implements java.util.function.Supplier<java.security.PublicKey> {
        private final ConfigurationAdmin configAdmin;
        private String text;
        private java.security.PublicKey key;
        private boolean warned;

        RemoteBridgeKey(ConfigurationAdmin configAdmin) {
            this.configAdmin = configAdmin;
        }

        @Override
        public synchronized java.security.PublicKey get() {
            String now = null;
            try {
                org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + REMOTE_PID + ")");
                Object value = found == null || found.length == 0 || found[0].getProperties() == null ? null
                        : found[0].getProperties().get("bridgeKey");
                now = value instanceof String s && !s.isBlank() ? s.trim() : null;
                if (now != null && !now.equals(text)) {
                    key = org.anxin.protocol.Signatures.publicKey(now);
                    text = now;
                }
            } catch (java.io.IOException | org.osgi.framework.InvalidSyntaxException | IllegalArgumentException e) {
                now = null;
                if (!warned) {
                    LOG.warn("the bridgeKey of {} cannot be read ({}); receipts from the bridge are taken unchecked",
                            REMOTE_PID, e.getMessage());
                    warned = true;
                }
            }
            if (now == null) {
                if (!warned) {
                    LOG.warn("no bridgeKey in {}: receipts from the bridge are taken unchecked (the broker's ACL is"
                            + " their only guard)", REMOTE_PID);
                    warned = true;
                }
                return null;
            }
            return key;
        }
    }

    /**
     * The parts of the gateway that report their health (diagnostics, the store, detection), by
     * interface: the uplink depends on none of their classes, and one that is down is simply not
     * asked (its component shows as not active in diagnostics' part).
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeHealthSource")
    void addHealthSource(HealthSource source) {
        healthSources.add(source);
    }

    void removeHealthSource(HealthSource source) {
        healthSources.remove(source);
    }

    /** Every source's problems and the self-test, judged by {@link GatewayHealth#of}. */
    static GatewayHealth health(List<HealthSource> sources) {
        List<GatewayHealth.Problem> problems = new java.util.ArrayList<>();
        GatewayHealth.SelfTest selfTest = null;
        for (HealthSource source : sources) {
            try {
                problems.addAll(source.problems());
                if (source.selfTest() != null) {
                    selfTest = source.selfTest();
                }
            } catch (RuntimeException e) {
                problems.add(new GatewayHealth.Problem(GatewayHealth.Code.OTHER, source.getClass().getName(),
                        "its health could not be read: " + e));
            }
        }
        return GatewayHealth.of(problems, selfTest);
    }

    private GatewayHealth health() {
        return health(healthSources);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeListener")
    void addListener(DownlinkListener listener) {
        listeners.add(listener);
    }

    void removeListener(DownlinkListener listener) {
        listeners.remove(listener);
    }

    private void dispatch(Envelope envelope) {
        for (DownlinkListener listener : listeners) {
            listener.onDownlink(envelope);
        }
    }

    @Override
    public List<Metric> metrics() {
        return metricsOf(uplink);
    }

    /** The uplink's part of the metrics file (docs/metrics.md). */
    static List<Metric> metricsOf(Uplink uplink) {
        return List.of(
                Metric.gauge("anxin_gateway_uplink_connected", "1 while connected to the broker",
                        uplink.isConnected() ? 1 : 0),
                Metric.counter("anxin_gateway_uplink_connections_total",
                        "connections made to the broker; each after the first is a reconnect", uplink.connections()),
                Metric.counter("anxin_gateway_uplink_published_total", "messages the broker acknowledged",
                        uplink.published()),
                Metric.counter("anxin_gateway_uplink_downlink_total", "messages from the bridge, by outcome",
                        Map.of("outcome", "accepted"), uplink.downlinkReceived()),
                Metric.counter("anxin_gateway_uplink_downlink_total", "messages from the bridge, by outcome",
                        Map.of("outcome", "rejected"), uplink.downlinkRejected()),
                Metric.gauge("anxin_gateway_uplink_unremoved",
                        "messages acknowledged by the broker that the outbox could not delete yet", uplink.unremoved()),
                Metric.counter("anxin_gateway_uplink_delete_failures_total",
                        "deletes of acknowledged messages the outbox refused", uplink.deleteFailures()),
                Metric.gauge("anxin_gateway_uplink_unconfirmed",
                        "messages the broker acknowledged that wait for the bridge's receipt", uplink.unconfirmed()),
                Metric.counter("anxin_gateway_uplink_confirmed_total", "messages the bridge confirmed it stored",
                        uplink.confirmed()),
                Metric.counter("anxin_gateway_uplink_resent_total",
                        "messages sent again because the bridge had not confirmed them within confirmSeconds", uplink.resent()),
                Metric.counter("anxin_gateway_uplink_receipts_refused_total",
                        "receipts refused: bad signature, or for another gateway", uplink.receiptsRefused()));
    }

    @Deactivate
    void stop() {
        uplink.close();
    }
}
