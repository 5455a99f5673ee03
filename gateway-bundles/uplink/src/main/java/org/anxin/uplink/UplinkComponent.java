package org.anxin.uplink;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
import org.anxin.store.Outbox;
import org.anxin.uplink.api.DownlinkListener;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/** Runs the {@link Uplink} in the gateway; needs a configuration, since the gateway id has no default. */
@Component(configurationPid = UplinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = UplinkConfig.class)
public class UplinkComponent {

    public static final String PID = "org.anxin.uplink";

    private final Uplink uplink;
    private final List<DownlinkListener> listeners = new CopyOnWriteArrayList<>();
    private final List<HealthSource> healthSources = new CopyOnWriteArrayList<>();

    @Activate
    public UplinkComponent(@Reference Outbox outbox, UplinkConfig config, BundleContext context, Map<String, Object> properties) {
        String configDir = context.getProperty("felix.fileinstall.dir");
        UplinkOptions options = UplinkOptions.from(config, configDir == null ? null : java.nio.file.Path.of(configDir));
        UplinkSecrets.requireOwnerOnly(properties.get(UplinkSecrets.CONFIG_FILE), options);
        this.uplink = new Uplink(options, outbox, Clock.systemUTC(),
                context.getBundle().getVersion().toString(), this::dispatch, this::health);
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

    @Deactivate
    void stop() {
        uplink.close();
    }
}
