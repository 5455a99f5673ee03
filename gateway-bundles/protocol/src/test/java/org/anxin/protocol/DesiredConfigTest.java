package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredConfigTest {

    private static final Instant T = Instant.parse("2026-12-04T01:00:00Z");

    @Test
    void aPatchRoundTripsThroughJsonInItsOwnFieldsNotInComponents() throws Exception {
        DesiredConfig sent = new DesiredConfig("gw-1", 4, T, Map.of(), List.of(),
                Map.of("org.anxin.detection", Map.of("noWaterHours", 10)), Map.of("org.anxin.detection", List.of("nightEnd")));
        String json = MessageCodec.mapper().writeValueAsString(sent);
        assertThat(json).contains("\"patch\":{\"org.anxin.detection\":{\"noWaterHours\":10}}",
                "\"unset\":{\"org.anxin.detection\":[\"nightEnd\"]}").doesNotContain("components", "patches");
        DesiredConfig received = MessageCodec.mapper().readValue(json, DesiredConfig.class);
        assertThat(received).isEqualTo(sent);
        assertThat(received.patches()).isTrue();
    }

    @Test
    void aDocumentWithoutPatchFieldsIsAReplacementAsBefore() throws Exception {
        DesiredConfig old = MessageCodec.mapper().readValue("{\"gateway\":\"gw-1\",\"version\":3,\"issued\":\"2026-11-23T10:00:00Z\","
                + "\"components\":{\"org.anxin.detection\":{\"noWaterHours\":10}}}", DesiredConfig.class);
        assertThat(old.patches()).isFalse();
        assertThat(old.patch()).isEmpty();
        assertThat(old.components()).containsKey("org.anxin.detection");
    }

    @Test
    void aConfigurationIsEitherPatchedOrReplacedOrRemovedNeverTwo() {
        assertThatThrownBy(() -> new DesiredConfig("gw-1", 1, T, Map.of("a", Map.of("x", 1)), List.of(),
                Map.of("a", Map.of("y", 2)), Map.of())).hasMessageContaining("a is patched and also replaced or removed");
        assertThatThrownBy(() -> new DesiredConfig("gw-1", 1, T, Map.of(), List.of("a"),
                Map.of(), Map.of("a", List.of("y")))).hasMessageContaining("a is patched and also replaced or removed");
        assertThatThrownBy(() -> new DesiredConfig("gw-1", 1, T, Map.of(), List.of(),
                Map.of("a", Map.of("y", 2)), Map.of("a", List.of("y")))).hasMessageContaining("'y' is both set and unset");
    }

    @Test
    void aReportCarriesTheResultOnlyWhenThereIsOne() throws Exception {
        ConfigReport applied = new ConfigReport(4, ConfigReport.Outcome.APPLIED, 4, null, List.of(4L),
                Map.of("org.anxin.detection", Map.of("noWaterHours", "10", "nightDoorStart", "22:00")));
        Envelope sent = Envelope.of("gw-1", 9, T, applied);
        assertThat(MessageCodec.decode(MessageCodec.encode(sent))).isEqualTo(sent);
        String rejected = MessageCodec.mapper().writeValueAsString(
                new ConfigReport(5, ConfigReport.Outcome.REJECTED, 4, "bad", List.of(4L)));
        assertThat(rejected).doesNotContain("result");
    }
}
