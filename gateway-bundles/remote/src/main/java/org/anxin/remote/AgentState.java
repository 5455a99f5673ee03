package org.anxin.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.MessageCodec;

/**
 * What the agent must remember across restarts, in {@code DATA/remote/state.json}: the highest
 * version it has judged (so an older or replayed document is refused), the version it runs, the
 * last applied versions with what each replaced (to roll back), and the recent command ids (so a
 * replayed command is refused).
 *
 * @param highestSeen the highest version judged, applied or not
 * @param judgedSignature the signature of that version's document, to know it when the broker
 *     delivers it again (it is retained) from a replay with another body
 * @param history applied versions, newest first; the first is the one running
 * @param recentCommands ids of the commands run lately, newest last
 */
record AgentState(long highestSeen, String judgedSignature, List<Applied> history, List<String> recentCommands) {

    static final int RECENT_COMMANDS = 200;
    private static final ObjectMapper MAPPER = MessageCodec.mapper();

    AgentState {
        history = history == null ? List.of() : List.copyOf(history);
        recentCommands = recentCommands == null ? List.of() : List.copyOf(recentCommands);
    }

    /**
     * One applied version.
     *
     * @param previous the version that ran before it
     * @param before each configuration it touched as it was before, null for one that did not exist
     */
    record Applied(long version, long previous, String document, String signature, Instant appliedAt,
                   Map<String, Map<String, String>> before) {
    }

    static AgentState empty() {
        return new AgentState(0, null, List.of(), List.of());
    }

    long running() {
        return history.isEmpty() ? 0 : history.get(0).version();
    }

    List<Long> kept() {
        return history.stream().map(Applied::version).toList();
    }

    AgentState judged(long version, String signature) {
        return version > highestSeen ? new AgentState(version, signature, history, recentCommands) : this;
    }

    AgentState applied(Applied applied, int keep) {
        List<Applied> next = new ArrayList<>();
        next.add(applied);
        next.addAll(history);
        return new AgentState(Math.max(highestSeen, applied.version()), applied.signature(),
                next.subList(0, Math.min(keep, next.size())), recentCommands);
    }

    /** The history once the newest {@code count} versions are undone. */
    AgentState undone(int count) {
        return new AgentState(highestSeen, judgedSignature, history.subList(count, history.size()), recentCommands);
    }

    AgentState commandRun(String id) {
        List<String> next = new ArrayList<>(recentCommands);
        next.add(id);
        return new AgentState(highestSeen, judgedSignature, history, next.subList(Math.max(0, next.size() - RECENT_COMMANDS), next.size()));
    }

    static AgentState load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return empty();
        }
        return MAPPER.readValue(file.toFile(), AgentState.class);
    }

    void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), this);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
