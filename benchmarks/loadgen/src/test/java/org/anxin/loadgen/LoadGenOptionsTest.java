package org.anxin.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadGenOptionsTest {

    private static LoadGenOptions options(String broker, int gateways, long seconds, String bridge) {
        return new LoadGenOptions(URI.create(broker), gateways, "lg-", Duration.ofSeconds(seconds), Duration.ofSeconds(60),
                2, 0, 500, 0, false, 256, 0, Duration.ofSeconds(30), false,
                Optional.ofNullable(bridge).map(URI::create), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    @Test
    void aBrokerOnTheLoopbackRangeIsAccepted() {
        assertThat(options("tcp://127.0.0.1:1883", 10, 60, null).broker().getPort()).isEqualTo(1883);
        assertThat(options("tcp://localhost:18830", 10, 60, "http://127.0.0.2:8080/").bridge()).isPresent();
    }

    @Test
    void aBrokerOffThisMachineIsRefused() {
        for (String elsewhere : new String[] {"tcp://10.0.0.5:1883", "tcp://192.168.1.2:1883", "tcp://8.8.8.8:1883"}) {
            assertThatThrownBy(() -> options(elsewhere, 10, 60, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only targets loopback");
        }
    }

    @Test
    void aBridgeOffThisMachineIsRefusedToo() {
        assertThatThrownBy(() -> options("tcp://127.0.0.1:1883", 10, 60, "http://172.16.0.1:8080/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bridge");
    }

    @Test
    void moreThanTwentyThousandGatewaysAreRefused() {
        assertThat(options("tcp://127.0.0.1:1883", 20_000, 60, null).gateways()).isEqualTo(20_000);
        assertThatThrownBy(() -> options("tcp://127.0.0.1:1883", 20_001, 60, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20000");
    }

    @Test
    void aRunLongerThanAnHourIsRefused() {
        assertThat(options("tcp://127.0.0.1:1883", 10, 3_600, null).duration()).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> options("tcp://127.0.0.1:1883", 10, 3_601, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3600");
    }

    @Test
    void signingWithoutABridgeToRegisterTheKeysIsRefused() {
        assertThatThrownBy(() -> new LoadGenOptions(URI.create("tcp://127.0.0.1:1883"), 10, "lg-", Duration.ofSeconds(60),
                Duration.ofSeconds(60), 0, 0, 0, 0, false, 256, 0, Duration.ZERO, true, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("register");
    }

    @Test
    void gatewayIdsMatchTheProtocolsPatternAndSortInOrder() {
        LoadGenOptions o = options("tcp://127.0.0.1:1883", 10, 60, null);
        assertThat(o.gatewayId(7)).isEqualTo("lg-00007").matches("[A-Za-z0-9_.-]+");
        assertThat(o.gatewayId(12)).isGreaterThan(o.gatewayId(7));
    }
}
