package org.anxin.driver.zigbee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Optional;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;
import com.zsmartsystems.zigbee.transport.ZigBeePort.FlowControl;

class ZigbeeOptionsTest {

    record Config(String dongle, String port, int baud, String flowControl, int channel, String networkDir, String[] roles)
            implements ZigbeeDriverConfig {

        static Config of(String dongle, String flow, String... roles) {
            return new Config(dongle, "/dev/ttyUSB0", 115200, flow, 15, "zigbee", roles);
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return ZigbeeDriverConfig.class;
        }
    }

    @Test
    void rolesMapIeeeAddressesToKindsAndTheNetworkDirectoryIsUnderTheDataDirectory() {
        ZigbeeOptions options = ZigbeeOptions.from(Config.of("znp", "hardware", "00124b0012345678:entry_door", "0015BC001A000001:gas,"
                + "0015BC001A000002:call"), Path.of("/var/lib/anxin"));
        assertThat(options.dongle()).isEqualTo(ZigbeeOptions.Dongle.ZNP);
        assertThat(options.flowControl()).isEqualTo(FlowControl.FLOWCONTROL_OUT_RTSCTS);
        assertThat(options.networkDir()).isEqualTo(Path.of("/var/lib/anxin/zigbee"));
        assertThat(options.role("00124B0012345678")).contains(ReadingKind.ENTRY_DOOR);
        assertThat(options.role("0015BC001A000001")).contains(ReadingKind.GAS);
        assertThat(options.role("0015BC001A000002")).contains(ReadingKind.CALL);
        assertThat(options.role("0015BC001A000003")).isEqualTo(Optional.empty());
    }

    @Test
    void badValuesAreRefusedSayingWhatIsWrong() {
        Path data = Path.of("data");
        assertThatThrownBy(() -> ZigbeeOptions.from(Config.of("xbee", "none"), data)).hasMessageContaining("'dongle' must be ezsp or znp");
        assertThatThrownBy(() -> ZigbeeOptions.from(Config.of("ezsp", "rts"), data)).hasMessageContaining("'flowControl'");
        assertThatThrownBy(() -> ZigbeeOptions.from(Config.of("ezsp", "none", "kitchen:door"), data)).hasMessageContaining("IEEE:kind");
        assertThatThrownBy(() -> ZigbeeOptions.from(Config.of("ezsp", "none", "00124B0012345678:water"), data))
                .hasMessageContaining("the kind must be one of");
        assertThatThrownBy(() -> ZigbeeOptions.from(Config.of("ezsp", "none", "00124B0012345678:door", "00124b0012345678:smoke"), data))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ZigbeeOptions.from(new Config("ezsp", " ", 115200, "none", 15, "zigbee", new String[0]), data))
                .hasMessageContaining("'port' is required");
        assertThatThrownBy(() -> ZigbeeOptions.from(new Config("ezsp", "/dev/ttyACM0", 115200, "none", 27, "zigbee", new String[0]), data))
                .hasMessageContaining("'channel' must be 11..26");
    }

    @Test
    void aTypoInASettingFallsBackToItsDefaultAndAMissingPortKeepsThatDongleDown() {
        Path data = Path.of("/var/lib/anxin");
        ZigbeeOptions options = ZigbeeOptions.fromLeniently(java.util.Map.of("port", "/dev/ttyACM0", "dongle", "zsnp", "baud", "fast",
                "flowControl", "rts", "channel", "27", "roles", "kitchen:door"), data);
        assertThat(options.port()).isEqualTo("/dev/ttyACM0");
        assertThat(options.dongle()).isEqualTo(ZigbeeOptions.Dongle.EZSP);
        assertThat(options.baud()).isEqualTo(115200);
        assertThat(options.flowControl()).isEqualTo(FlowControl.FLOWCONTROL_OUT_NONE);
        assertThat(options.channel()).isEqualTo(15);
        assertThat(options.roles()).isEmpty();
        assertThatThrownBy(() -> ZigbeeOptions.fromLeniently(java.util.Map.of("dongle", "znp", "baud", "fast"), data))
                .hasMessageContaining("'port' is required");
    }
}
