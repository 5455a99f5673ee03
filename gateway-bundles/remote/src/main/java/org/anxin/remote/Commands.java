package org.anxin.remote;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.detection.api.DetectionControl;
import org.anxin.detection.api.HomeMode;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.LocalAlarm;
import org.anxin.driver.api.PairingService;
import org.anxin.store.Outbox;
import org.anxin.store.StoreStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * What an operator can ask of a gateway through the bridge, besides a rollback (the agent's own):
 * open the Zigbee network for pairing, set away or visit mode, test the siren, report diagnostics.
 * Each answers with a result, or throws {@link IllegalArgumentException} (bad arguments) or
 * {@link IllegalStateException} (the gateway cannot do it now) with a message for the operator.
 * Also listens to device health, to include it in diagnostics.
 */
@Component(service = {Commands.class, DeviceHealthListener.class}, immediate = true) // immediate: collects device health from the start
public class Commands implements DeviceHealthListener {

    static final String PERMIT_JOIN = "permit-join";
    static final String MODE = "mode";
    static final String TEST_SIREN = "test-siren";
    static final String DIAGNOSTICS = "diagnostics";
    static final String ROLLBACK = "rollback";
    static final Set<String> NAMES = Set.of(PERMIT_JOIN, MODE, TEST_SIREN, DIAGNOSTICS, ROLLBACK);

    private final BundleContext context;
    private final Outbox outbox;
    private final ServiceComponentRuntime scr;
    private final Map<String, DeviceHealth> devices = new ConcurrentHashMap<>();
    private final List<PairingService> networks = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile DetectionControl detection;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LocalAlarm siren;

    @Activate
    public Commands(BundleContext context, @Reference Outbox outbox, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.outbox = outbox;
        this.scr = scr;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addNetwork(PairingService network) {
        networks.add(network);
    }

    void removeNetwork(PairingService network) {
        networks.remove(network);
    }

    @Override
    public void healthChanged(DeviceHealth health) {
        devices.put(health.device(), health);
    }

    Map<String, Object> run(String name, Map<String, Object> args, Map<String, Object> configuration) {
        return switch (name) {
            case PERMIT_JOIN -> permitJoin(args);
            case MODE -> mode(args);
            case TEST_SIREN -> testSiren(args);
            case DIAGNOSTICS -> diagnostics(configuration);
            default -> throw new IllegalArgumentException("unknown command '" + name + "'; known: " + new TreeMap<>(
                    Map.of(PERMIT_JOIN, 0, MODE, 0, TEST_SIREN, 0, DIAGNOSTICS, 0, ROLLBACK, 0)).keySet());
        };
    }

    private Map<String, Object> permitJoin(Map<String, Object> args) {
        long seconds = optionalLong(args, "seconds") == null ? 60 : optionalLong(args, "seconds");
        if (seconds < 0 || seconds > PairingService.MAX_PERMIT_JOIN_SECONDS) {
            throw new IllegalArgumentException("'seconds' must be 0 to " + PairingService.MAX_PERMIT_JOIN_SECONDS + ", not " + seconds);
        }
        if (networks.isEmpty()) {
            throw new IllegalStateException("no Zigbee network on this gateway (no org.anxin.driver.zigbee configuration)");
        }
        int opened = 0;
        for (PairingService network : networks) {
            network.permitJoin((int) seconds); // IllegalStateException while the dongle is absent
            opened++;
        }
        return Map.of("networks", opened, "seconds", seconds);
    }

    private Map<String, Object> mode(Map<String, Object> args) {
        DetectionControl control = detection;
        if (control == null) {
            throw new IllegalStateException("detection is not running on this gateway");
        }
        Object mode = args.get("mode");
        if (!(mode instanceof String text)) {
            throw new IllegalArgumentException("'mode' is required: away, visit or home");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("home")) {
            control.clearMode();
            return Map.of("mode", "home");
        }
        HomeMode homeMode;
        try {
            homeMode = HomeMode.valueOf(lower.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'mode' must be away, visit or home, not '" + text + "'");
        }
        Object until = args.get("until");
        if (!(until instanceof String untilText)) {
            throw new IllegalArgumentException("'until' is required for " + lower + ": an ISO-8601 time such as 2026-12-01T18:00:00Z");
        }
        Instant end;
        try {
            end = Instant.parse(untilText);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'until' is not an ISO-8601 time such as 2026-12-01T18:00:00Z: " + untilText);
        }
        control.setMode(homeMode, end); // IllegalArgumentException when not in the future
        return Map.of("mode", lower, "until", end.toString());
    }

    private Map<String, Object> testSiren(Map<String, Object> args) {
        LocalAlarm alarm = siren;
        if (alarm == null) {
            throw new IllegalStateException("no siren on this gateway (no org.anxin.driver.gpio.alarm configuration)");
        }
        long seconds = optionalLong(args, "seconds") == null ? 5 : optionalLong(args, "seconds");
        alarm.test(Duration.ofSeconds(seconds));
        return Map.of("sounding", true, "seconds", seconds);
    }

    private Map<String, Object> diagnostics(Map<String, Object> configuration) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        report.put("java", System.getProperty("java.version"));
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        report.put("heap", Map.of("usedBytes", heap.getUsed(), "maxBytes", heap.getMax()));
        Map<String, String> versions = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() != null && (bundle.getSymbolicName().startsWith("org.anxin")
                    || bundle.getBundleId() == 0)) {
                versions.put(bundle.getSymbolicName(), bundle.getVersion().toString());
            }
        }
        report.put("versions", versions);
        StoreStatus store = outbox.status();
        report.put("store", org.anxin.protocol.MessageCodec.mapper().convertValue(store, Map.class));
        Map<String, String> components = new TreeMap<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            List<String> states = new ArrayList<>();
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                states.add(state(c.state));
            }
            components.put(description.name, states.isEmpty() ? "not configured" : String.join(", ", states));
        }
        report.put("components", components);
        report.put("configuration", configuration);
        List<Map<String, Object>> health = new ArrayList<>();
        for (DeviceHealth d : new TreeMap<>(devices).values()) {
            Map<String, Object> device = new LinkedHashMap<>();
            device.put("device", d.device());
            device.put("driver", d.driver());
            d.lastSeen().ifPresent(t -> device.put("lastSeen", t.toString()));
            d.batteryPercent().ifPresent(b -> device.put("batteryPercent", b));
            d.fault().ifPresent(f -> device.put("fault", f));
            health.add(device);
        }
        report.put("devices", health);
        return report;
    }

    private static String state(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "active";
            case ComponentConfigurationDTO.SATISFIED -> "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed activation";
            default -> "state " + state;
        };
    }

    static Long optionalLong(Map<String, Object> args, String name) {
        Object value = args.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // below
            }
        }
        throw new IllegalArgumentException("'" + name + "' must be a whole number, not " + value);
    }
}
