package org.anxin.uplink;

import java.time.Clock;
import org.anxin.store.Outbox;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/** Runs the {@link Uplink} in the gateway; needs a configuration, since the gateway id has no default. */
@Component(configurationPid = UplinkComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = UplinkConfig.class)
public class UplinkComponent {

    public static final String PID = "org.anxin.uplink";

    private final Uplink uplink;

    @Activate
    public UplinkComponent(@Reference Outbox outbox, UplinkConfig config, BundleContext context) {
        this.uplink = new Uplink(UplinkOptions.from(config), outbox, Clock.systemUTC(), context.getBundle().getVersion().toString());
    }

    @Deactivate
    void stop() {
        uplink.close();
    }
}
