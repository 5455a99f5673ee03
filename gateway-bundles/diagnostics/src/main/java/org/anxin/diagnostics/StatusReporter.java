package org.anxin.diagnostics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.HealthSource;
import org.anxin.protocol.MessageCodec;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the state of every component and writes it, with the configuration problems, to
 * {@code status.json} in the data directory whenever it changes, and logs a one-line summary. An
 * installer or a test reads the file; a component that failed shows its reason there.
 *
 * <p>The same, with the drivers' faults, is the gateway's part of the heartbeat's health
 * ({@link HealthSource}): every component not active with its root cause, every bad configuration
 * file, every device or driver fault, and a siren that cannot be read back.
 */
@Component(immediate = true, service = {HealthSource.class, DeviceHealthListener.class})
public class StatusReporter implements HealthSource, DeviceHealthListener {

    /** Component states that are not a problem: running, waiting to be used, or not configured to run. */
    private static final java.util.Set<String> FINE = java.util.Set.of("active", "satisfied", "unconfigured", "disabled");

    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final long PERIOD_MS = 1000;

    private final ServiceComponentRuntime scr;
    private final ConfigFileValidator validator;
    private final Path statusFile;
    private final Supplier<GatewayStatus> source;
    private final ObjectMapper mapper = MessageCodec.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "anxin-status");
        t.setDaemon(true);
        return t;
    });
    /** The summary of the status last written to the file. */
    private String lastSummary = "";
    private String lastLogged = "";
    private boolean writeFailed;
    private volatile GatewayStatus last;
    /** The latest fault of each device or driver instance; removed when it clears. */
    private final java.util.Map<String, DeviceHealth> faults = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile org.anxin.driver.api.LocalAlarm localAlarm;

    @Activate
    public StatusReporter(BundleContext context, @Reference ServiceComponentRuntime scr,
                          @Reference ConfigFileValidator validator) {
        this.scr = scr;
        this.validator = validator;
        String dataDir = context.getProperty("anxin.data");
        this.statusFile = Path.of(dataDir == null ? "data" : dataDir).resolve("status.json");
        this.source = this::snapshot;
        timer.scheduleWithFixedDelay(this::report, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** For tests: the status from {@code source}, written by calling {@link #report()}. */
    StatusReporter(Path statusFile, Supplier<GatewayStatus> source) {
        this.scr = null;
        this.validator = null;
        this.statusFile = statusFile;
        this.source = source;
    }

    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC, unbind = "unsetLocalAlarm")
    void setLocalAlarm(org.anxin.driver.api.LocalAlarm alarm) {
        localAlarm = alarm;
    }

    void unsetLocalAlarm(org.anxin.driver.api.LocalAlarm alarm) {
        if (localAlarm == alarm) {
            localAlarm = null;
        }
    }

    /** The siren as its output says, so an installer (or a fault-injection test) sees whether it really sounds. */
    private String siren() {
        org.anxin.driver.api.LocalAlarm alarm = localAlarm;
        try {
            return alarm == null ? "none" : alarm.state().name().toLowerCase(java.util.Locale.ROOT);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    @Deactivate
    void stop() {
        timer.shutdownNow();
    }

    GatewayStatus snapshot() {
        List<GatewayStatus.ComponentState> states = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            String bundle = description.bundle.symbolicName;
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                String state = !scr.isComponentEnabled(description) ? "disabled"
                        : "require".equals(description.configurationPolicy) ? "unconfigured" : "unsatisfied";
                states.add(new GatewayStatus.ComponentState(description.name, bundle, state, null));
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                states.add(new GatewayStatus.ComponentState(description.name, bundle, stateName(configuration.state),
                        rootCause(configuration.failure)));
            }
        }
        states.sort(Comparator.comparing(GatewayStatus.ComponentState::name));
        return new GatewayStatus(Clock.systemUTC().instant(), states, validator.problems(), siren());
    }

    @Override
    public void healthChanged(DeviceHealth health) {
        String key = health.driver() + "/" + health.device();
        if (health.healthy()) {
            faults.remove(key);
        } else {
            faults.put(key, health);
        }
    }

    @Override
    public List<GatewayHealth.Problem> problems() {
        GatewayStatus status = last;
        return problemsOf(status == null ? snapshot() : status, faults.values());
    }

    /** What is wrong in a status and the drivers' faults, as the heartbeat says it. */
    static List<GatewayHealth.Problem> problemsOf(GatewayStatus status, java.util.Collection<DeviceHealth> faults) {
        List<GatewayHealth.Problem> problems = new ArrayList<>();
        for (GatewayStatus.ComponentState c : status.components()) {
            if (!FINE.contains(c.state())) {
                problems.add(new GatewayHealth.Problem(GatewayHealth.Code.COMPONENT_DOWN, c.name(),
                        c.failure() != null ? c.state() + ": " + c.failure() : c.state()));
            }
        }
        for (ConfigProblem p : status.configProblems()) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.CONFIG_INVALID, p.file(), p.problem()));
        }
        for (DeviceHealth f : faults) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.DRIVER_FAULT, f.device() + " (" + f.driver() + ")",
                    f.fault().orElse("")));
        }
        if ("unknown".equals(status.siren())) {
            problems.add(new GatewayHealth.Problem(GatewayHealth.Code.SIREN_UNKNOWN, "siren",
                    "the siren's output cannot be read back"));
        }
        return problems;
    }

    void report() {
        try {
            GatewayStatus status = source.get();
            last = status;
            String summary = status.components().stream()
                    .collect(Collectors.groupingBy(GatewayStatus.ComponentState::state, java.util.TreeMap::new, Collectors.counting()))
                    + " config problems: " + status.configProblems().size() + " siren: " + status.siren();
            if (summary.equals(lastSummary)) {
                return;
            }
            if (!summary.equals(lastLogged)) {
                lastLogged = summary;
                LOG.info("gateway components: {}", summary);
                for (GatewayStatus.ComponentState c : status.components()) {
                    if (c.failure() != null) {
                        LOG.error("component {} failed: {}", c.name(), c.failure());
                    }
                }
            }
            write(statusFile, mapper, status);
            // only once written: a write refused (a full disk) is tried again each period, or the
            // file would show the siren silent for good while it sounds
            lastSummary = summary;
            writeFailed = false;
        } catch (IOException | RuntimeException e) {
            if (!writeFailed) {
                LOG.warn("cannot write {}: {}; trying again every {} ms", statusFile, e.toString(), PERIOD_MS);
            }
            writeFailed = true;
        }
    }

    /** Writes the status whole or not at all: a reader never sees half a file. */
    static void write(Path statusFile, ObjectMapper mapper, GatewayStatus status) throws IOException {
        Files.createDirectories(statusFile.getParent());
        Path tmp = statusFile.resolveSibling("status.json.tmp");
        try {
            mapper.writeValue(tmp.toFile(), status);
            Files.move(tmp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp); // a partial file on a full disk holds space the alarms need
            throw e;
        }
    }

    /** A failure's stack trace shortened to its innermost cause, which is what an installer can act on. */
    static String rootCause(String stackTrace) {
        if (stackTrace == null) {
            return null;
        }
        String cause = firstLine(stackTrace);
        for (String line : stackTrace.split("\n")) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String stateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "active";
            case ComponentConfigurationDTO.SATISFIED -> "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied-reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied-configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed-activation";
            default -> "unknown-" + state;
        };
    }
}
