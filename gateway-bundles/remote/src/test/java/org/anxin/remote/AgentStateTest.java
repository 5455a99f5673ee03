package org.anxin.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateTest {

    @TempDir
    Path dir;

    private static AgentState.Applied applied(long version, long previous) {
        Map<String, Map<String, String>> before = new HashMap<>();
        before.put("org.anxin.detection", Map.of("noWaterHours", "12"));
        before.put("org.anxin.driver.replay-day", null); // did not exist before
        return new AgentState.Applied(version, previous, "{}", "sig" + version, Instant.EPOCH, before);
    }

    @Test
    void keepsTheLastNVersionsNewestFirstAndSurvivesARestart() throws Exception {
        AgentState state = AgentState.empty();
        for (long v = 1; v <= 4; v++) {
            state = state.applied(applied(v, v - 1), 3);
        }
        state = state.commandRun("c-1");
        Path file = dir.resolve("remote/state.json");
        state.save(file);
        AgentState loaded = AgentState.load(file);
        assertThat(loaded.kept()).containsExactly(4L, 3L, 2L);
        assertThat(loaded.running()).isEqualTo(4);
        assertThat(loaded.highestSeen()).isEqualTo(4);
        assertThat(loaded.judgedSignature()).isEqualTo("sig4");
        assertThat(loaded.recentCommands()).containsExactly("c-1");
        assertThat(loaded.history().get(0).before()).containsEntry("org.anxin.driver.replay-day", null);
    }

    @Test
    void aRejectedVersionRaisesTheBarButChangesNothingThatRuns() {
        AgentState state = AgentState.empty().applied(applied(1, 0), 5).judged(2, "sig2");
        assertThat(state.highestSeen()).isEqualTo(2);
        assertThat(state.running()).isEqualTo(1);
        assertThat(state.judged(1, "old")).isSameAs(state);
    }

    @Test
    void undoingLeavesTheOlderVersionsRunning() {
        AgentState state = AgentState.empty().applied(applied(1, 0), 5).applied(applied(2, 1), 5).undone(1);
        assertThat(state.running()).isEqualTo(1);
        assertThat(state.highestSeen()).isEqualTo(2);
        assertThat(state.kept()).isEqualTo(List.of(1L));
    }
}
