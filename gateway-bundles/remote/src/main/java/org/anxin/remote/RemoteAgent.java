package org.anxin.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.diagnostics.ConfigFileValidator;
import org.anxin.protocol.Body;
import org.anxin.protocol.Command;
import org.anxin.protocol.CommandRequest;
import org.anxin.protocol.CommandResult;
import org.anxin.protocol.ConfigDocument;
import org.anxin.protocol.ConfigReport;
import org.anxin.protocol.DesiredConfig;
import org.anxin.protocol.Envelope;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Signatures;
import org.anxin.remote.AgentState.Applied;
import org.anxin.store.Outbox;
import org.anxin.uplink.api.DownlinkListener;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's end of remote configuration. A document from the bridge is applied only when it is
 * signed with the bridge key this gateway was provisioned with, is addressed to this gateway, is
 * newer than every document judged before, passes every component's MetaType, and leaves the
 * life-safety alarms on ({@link LifeSafetyGuard}). It is applied through ConfigAdmin and the
 * config files ({@link ConfigFiles}); if a component it touches does not activate, the previous
 * configuration is put back. Every outcome is reported to the bridge through the outbox. Commands
 * ({@link Commands}) are checked the same way and answered with a result or an error.
 *
 * <p>All work runs on one thread, in arrival order, so a command and a document never interleave.
 */
@Component(configurationPid = RemoteAgent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = DownlinkListener.class, immediate = true)
@Designate(ocd = RemoteConfig.class)
public class RemoteAgent implements DownlinkListener {

    public static final String PID = "org.anxin.remote";
    static final String STATE_FILE = "remote/state.json";
    private static final Logger LOG = LoggerFactory.getLogger(RemoteAgent.class);

    private final RemoteOptions options;
    private final Outbox outbox;
    private final ConfigFileValidator validator;
    private final ConfigFiles files;
    private final ActivationCheck activation;
    private final Commands commands;
    private final Clock clock;
    private final Path stateFile;
    private final ExecutorService worker;
    private final AtomicLong refused = new AtomicLong();
    private AgentState state;

    @Activate
    public RemoteAgent(RemoteConfig config, BundleContext context, @Reference Outbox outbox,
                       @Reference ConfigurationAdmin configAdmin, @Reference ConfigFileValidator validator,
                       @Reference ServiceComponentRuntime scr, @Reference Commands commands) throws IOException {
        this(RemoteOptions.from(config), outbox, validator, new ConfigFiles(configAdmin, configDir(context)),
                new ActivationCheck(scr), commands, Clock.systemUTC(), dataDir(context).resolve(STATE_FILE));
    }

    RemoteAgent(RemoteOptions options, Outbox outbox, ConfigFileValidator validator, ConfigFiles files,
                ActivationCheck activation, Commands commands, Clock clock, Path stateFile) throws IOException {
        this.options = options;
        this.outbox = outbox;
        this.validator = validator;
        this.files = files;
        this.activation = activation;
        this.commands = commands;
        this.clock = clock;
        this.stateFile = stateFile;
        this.state = AgentState.load(stateFile);
        this.worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "anxin-remote"));
        LOG.info("remote configuration: running version {}, kept {}, config directory {}", state.running(),
                state.kept(), files.dir());
    }

    private static Path configDir(BundleContext context) {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("felix.fileinstall.dir is not set: the gateway has no config directory to write");
        }
        return Path.of(dir);
    }

    private static Path dataDir(BundleContext context) {
        String dir = context.getProperty("anxin.data");
        return Path.of(dir == null || dir.isBlank() ? "data" : dir);
    }

    @Override
    public void onDownlink(Envelope envelope) {
        try {
            worker.execute(() -> handle(envelope));
        } catch (RejectedExecutionException e) {
            LOG.debug("stopping; message from the bridge left for the next start");
        }
    }

    /** Messages refused since start: forged, replayed, expired or malformed. */
    long refused() {
        return refused.get();
    }

    synchronized AgentState state() {
        return state;
    }

    private void handle(Envelope envelope) {
        try {
            if (envelope.body() instanceof ConfigDocument document) {
                onDocument(envelope.gateway(), document);
            } else if (envelope.body() instanceof CommandRequest request) {
                onCommand(envelope.gateway(), request);
            }
        } catch (RuntimeException e) {
            LOG.error("handling a message from the bridge failed", e);
        }
    }

    // --- configuration -----------------------------------------------------------------------

    void onDocument(String gateway, ConfigDocument signed) {
        if (!Signatures.verify(options.bridgeKey(), signed.document(), signed.signature())) {
            refused.incrementAndGet();
            long claimed = claimedVersion(signed.document());
            LOG.warn("refused configuration document (version {}): its signature does not verify with the bridge key", claimed);
            report(new ConfigReport(claimed, ConfigReport.Outcome.REJECTED, state().running(),
                    "forged: the signature does not verify with the bridge key this gateway was provisioned with", state().kept()));
            return;
        }
        DesiredConfig desired;
        try {
            desired = MessageCodec.mapper().readValue(signed.document(), DesiredConfig.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            refused.incrementAndGet();
            report(rejected(claimedVersion(signed.document()), "the signed document is not a configuration document: " + e.getMessage()));
            return;
        }
        if (!desired.gateway().equals(gateway)) {
            refused.incrementAndGet();
            report(rejected(desired.version(), "the document is for gateway " + desired.gateway() + ", not this one"));
            return;
        }
        AgentState now = state();
        if (desired.version() <= now.highestSeen()) {
            if (desired.version() == now.highestSeen() && signed.signature().equals(now.judgedSignature())) {
                LOG.debug("configuration version {} delivered again; already judged", desired.version());
                return;
            }
            refused.incrementAndGet();
            LOG.warn("refused configuration version {}: not newer than version {}", desired.version(), now.highestSeen());
            report(rejected(desired.version(), "replayed or older: version " + desired.version()
                    + " is not newer than version " + now.highestSeen() + ", which this gateway has already judged"));
            return;
        }
        apply(desired, signed);
    }

    private void apply(DesiredConfig desired, ConfigDocument signed) {
        long version = desired.version();
        List<String> problems = new ArrayList<>();
        Map<ConfigKey, Map<String, String>> set = DesiredProperties.of(desired, files::read, problems);
        set.forEach((key, values) -> validator.problemsOf(key.metaTypePid(), key.factory(), values)
                .forEach(p -> problems.add(key.name() + ": " + p)));
        List<ConfigKey> removed = new ArrayList<>();
        for (String name : desired.removed()) {
            try {
                ConfigKey key = ConfigKey.parse(name);
                if (desired.components().containsKey(name)) {
                    problems.add(name + ": both set and removed");
                }
                removed.add(key);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        problems.addAll(LifeSafetyGuard.refusals(set, removed, files::read));
        if (!problems.isEmpty()) {
            LOG.warn("refused configuration version {}: {}", version, problems);
            judged(version, signed.signature());
            report(rejected(version, String.join("; ", problems)));
            return;
        }
        Map<String, Map<String, String>> before = new LinkedHashMap<>();
        set.keySet().forEach(k -> before.put(k.name(), files.read(k).orElse(null)));
        removed.forEach(k -> before.put(k.name(), files.read(k).orElse(null)));
        long previous = state().running();
        String comment = "configuration version " + version + " from the bridge, applied " + clock.instant();
        Map<String, Map<String, String>> expected = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        try {
            for (Map.Entry<ConfigKey, Map<String, String>> e : set.entrySet()) {
                files.write(e.getKey(), e.getValue(), comment);
                String pid = files.pid(e.getKey()).orElseThrow();
                expected.put(pid, e.getValue());
                names.put(pid, e.getKey().name());
                result.put(e.getKey().name(), e.getValue());
            }
            for (ConfigKey key : removed) {
                files.delete(key);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("applying configuration version {} failed; putting the previous one back", version, e);
            restore(before);
            judged(version, signed.signature());
            report(new ConfigReport(version, ConfigReport.Outcome.ROLLED_BACK, previous,
                    "could not be applied (" + e.getMessage() + "); the previous configuration runs", state().kept()));
            return;
        }
        List<String> failures;
        try {
            failures = activation.await(expected, names, options.activationWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // stopping: the next start finds the files and ConfigAdmin agreeing on the new version
        }
        if (!failures.isEmpty()) {
            LOG.error("configuration version {} did not activate: {}; rolling back to version {}", version, failures, previous);
            restore(before);
            judged(version, signed.signature());
            report(new ConfigReport(version, ConfigReport.Outcome.ROLLED_BACK, previous,
                    "rolled back automatically: " + String.join("; ", failures), state().kept()));
            return;
        }
        AgentState next;
        synchronized (this) {
            next = state.applied(new Applied(version, previous, signed.document(), signed.signature(), clock.instant(), before), options.keep());
        }
        save(next);
        LOG.info("configuration version {} applied: {} set ({} patched), {} removed", version, set.keySet(),
                patchedNames(desired), removed);
        report(new ConfigReport(version, ConfigReport.Outcome.APPLIED, version, null, next.kept(), result));
    }

    private static List<String> patchedNames(DesiredConfig desired) {
        List<String> names = new ArrayList<>(desired.patch().keySet());
        desired.unset().keySet().stream().filter(n -> !names.contains(n)).forEach(names::add);
        return names;
    }

    /** Undoes versions back to {@code target} (the previous one when null); for the rollback command. */
    Map<String, Object> rollback(Long target) {
        AgentState now = state();
        List<Applied> history = now.history();
        if (history.isEmpty()) {
            throw new IllegalArgumentException("nothing to roll back: no remote configuration has been applied");
        }
        long to = target != null ? target : history.size() > 1 ? history.get(1).version() : history.get(0).previous();
        long from = now.running();
        if (to == from) {
            throw new IllegalArgumentException("version " + to + " is the one running");
        }
        int undo = -1;
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).version() == to) {
                undo = i;
            }
        }
        Applied oldest = history.get(history.size() - 1);
        if (undo < 0 && to == oldest.previous()) {
            undo = history.size();
        }
        if (undo < 0) {
            List<Long> possible = new ArrayList<>(now.kept().subList(1, now.kept().size()));
            possible.add(oldest.previous());
            throw new IllegalArgumentException("cannot roll back to version " + to + "; possible: " + possible);
        }
        for (int i = 0; i < undo; i++) {
            restore(history.get(i).before());
        }
        AgentState next;
        synchronized (this) {
            next = state.undone(undo);
        }
        save(next);
        LOG.warn("rolled back from configuration version {} to {}", from, to);
        report(new ConfigReport(from, ConfigReport.Outcome.ROLLED_BACK, to, "rolled back on command to version " + to, next.kept()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("from", from);
        result.put("running", to);
        result.put("kept", next.kept());
        return result;
    }

    private void restore(Map<String, Map<String, String>> before) {
        String comment = "restored by a rollback, " + clock.instant();
        before.forEach((name, properties) -> {
            ConfigKey key = ConfigKey.parse(name);
            try {
                if (properties == null) {
                    files.delete(key);
                } else {
                    files.write(key, properties, comment);
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("could not restore {}: {}", name, e.toString());
            }
        });
    }

    private void judged(long version, String signature) {
        AgentState next;
        synchronized (this) {
            next = state.judged(version, signature);
        }
        save(next);
    }

    private ConfigReport rejected(long version, String reason) {
        AgentState now = state();
        return new ConfigReport(version, ConfigReport.Outcome.REJECTED, now.running(), reason, now.kept());
    }

    private static long claimedVersion(String document) {
        try {
            return MessageCodec.mapper().readTree(document).path("version").asLong(0);
        } catch (JsonProcessingException e) {
            return 0;
        }
    }

    // --- commands ----------------------------------------------------------------------------

    void onCommand(String gateway, CommandRequest request) {
        if (!Signatures.verify(options.bridgeKey(), request.command(), request.signature())) {
            refused.incrementAndGet();
            String id = claimedId(request.command());
            LOG.warn("refused command {}: its signature does not verify with the bridge key", id);
            report(CommandResult.failed(id, null, "forged: the signature does not verify with the bridge key"));
            return;
        }
        Command command;
        try {
            command = MessageCodec.mapper().readValue(request.command(), Command.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            refused.incrementAndGet();
            report(CommandResult.failed(claimedId(request.command()), null, "not a command: " + e.getMessage()));
            return;
        }
        String refusal = null;
        if (!command.gateway().equals(gateway)) {
            refusal = "the command is for gateway " + command.gateway() + ", not this one";
        } else if (!clock.instant().isBefore(command.expires())) {
            refusal = "expired at " + command.expires() + " (this gateway's clock says " + clock.instant() + ")";
        } else if (state().recentCommands().contains(command.id())) {
            refusal = "replayed: command " + command.id() + " has already been run";
        }
        if (refusal != null) {
            refused.incrementAndGet();
            LOG.warn("refused command {} ({}): {}", command.id(), command.name(), refusal);
            report(CommandResult.failed(command.id(), command.name(), refusal));
            return;
        }
        AgentState next;
        synchronized (this) {
            next = state.commandRun(command.id());
        }
        save(next);
        LOG.info("running command {} ({}) {}", command.id(), command.name(), command.args());
        try {
            Map<String, Object> result = command.name().equals(Commands.ROLLBACK)
                    ? rollback(Commands.optionalLong(command.args(), "version"))
                    : commands.run(command.name(), command.args(), configurationSummary());
            report(CommandResult.done(command.id(), command.name(), result));
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("command {} ({}) failed: {}", command.id(), command.name(), e.getMessage());
            report(CommandResult.failed(command.id(), command.name(), e.getMessage()));
        }
    }

    private Map<String, Object> configurationSummary() {
        AgentState now = state();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("running", now.running());
        summary.put("kept", now.kept());
        summary.put("highestJudged", now.highestSeen());
        summary.put("refusedSinceStart", refused.get());
        return summary;
    }

    private static String claimedId(String command) {
        try {
            return MessageCodec.mapper().readTree(command).path("id").asText("unknown");
        } catch (JsonProcessingException e) {
            return "unknown";
        }
    }

    // --- plumbing ----------------------------------------------------------------------------

    private void save(AgentState next) {
        synchronized (this) {
            state = next;
        }
        try {
            next.save(stateFile);
        } catch (IOException e) {
            // the configuration itself is in ConfigAdmin and the files; only the bookkeeping is behind
            LOG.error("cannot save {}: {}", stateFile, e.toString());
        }
    }

    private void report(Body body) {
        try {
            outbox.append(body);
        } catch (RuntimeException e) { // StoreException among them: a full disk
            LOG.error("cannot queue the report to the bridge: {}", e.getMessage());
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
