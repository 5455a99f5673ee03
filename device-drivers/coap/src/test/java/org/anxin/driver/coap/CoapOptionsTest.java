package org.anxin.driver.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoapOptionsTest {

    @TempDir
    Path dir;

    static CoapDriverConfig config(String security, int port, String pskFile) {
        return config(security, port, pskFile, 2, 10);
    }

    static CoapDriverConfig config(String security, int port, String pskFile, int sessionsPerDevice, int sessionIdleMinutes) {
        return new CoapDriverConfig() {
            @Override public String security() { return security; }
            @Override public int port() { return port; }
            @Override public String bindAddress() { return "127.0.0.1"; }
            @Override public String pskFile() { return pskFile; }
            @Override public int maxPeers() { return 64; }
            @Override public int maxBodyBytes() { return 2048; }
            @Override public int sessionsPerDevice() { return sessionsPerDevice; }
            @Override public int sessionIdleMinutes() { return sessionIdleMinutes; }
            @Override public Class<? extends Annotation> annotationType() { return CoapDriverConfig.class; }
        };
    }

    private Path keys(String text) throws IOException {
        return Files.writeString(dir.resolve("coap-keys.txt"), text);
    }

    @Test
    void keysAreReadPerDeviceInHexOrBase64AndNeverShown() throws IOException {
        Path file = keys("# kitchen\nkitchen-meter=00112233445566778899aabbccddeeff\n\npendant-1=base64:ABEiM0RVZneImaq7zN3u/w==\n");
        CoapOptions options = CoapOptions.from(config("dtls-psk", 5684, file.toString()));
        assertThat(options.dtls()).isTrue();
        assertThat(options.keys()).containsOnlyKeys("kitchen-meter", "pendant-1");
        assertThat(options.keys().get("pendant-1")).hasSize(16);
        assertThat(options.toString()).contains("2 device keys").doesNotContain("00112233", "ABEiM0");
    }

    @Test
    void aBadKeyFileIsRefusedNamingTheLineButNotTheKey() throws IOException {
        Path file = keys("kitchen-meter=00112233\n");
        assertThatThrownBy(() -> CoapOptions.from(config("dtls-psk", 5684, file.toString())))
                .hasMessageContaining("line 1: the key is 4 bytes; at least 16").hasMessageNotContaining("00112233");
        Path notHex = keys("ok=00112233445566778899aabbccddeeff\nbad=secretsecretsecret\n");
        assertThatThrownBy(() -> CoapOptions.from(config("dtls-psk", 5684, notHex.toString())))
                .hasMessageContaining("line 2: the key is neither hex nor base64").hasMessageNotContaining("secretsecret");
        Path twice = keys("a=00112233445566778899aabbccddeeff\na=00112233445566778899aabbccddeeff\n");
        assertThatThrownBy(() -> CoapOptions.from(config("dtls-psk", 5684, twice.toString()))).hasMessageContaining("second key");
    }

    @Test
    void dtlsIsTheDefaultAndNeedsKeys() {
        assertThatThrownBy(() -> CoapOptions.from(config("dtls-psk", 5684, ""))).hasMessageContaining("'pskFile' is required");
        assertThatThrownBy(() -> CoapOptions.from(config("dtls-psk", 5684, dir.resolve("missing").toString())))
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> CoapOptions.from(config("tls", 5684, ""))).hasMessageContaining("'security' must be dtls-psk or none");
        assertThat(CoapOptions.from(config("none", 5683, "")).dtls()).isFalse();
    }

    @Test
    void sessionLimitsAreCheckedWithTheSettingNamed() {
        CoapOptions options = CoapOptions.from(config("none", 5683, "", 3, 5));
        assertThat(options.sessionsPerDevice()).isEqualTo(3);
        assertThat(options.sessionIdle()).hasMinutes(5);
        assertThat(CoapOptions.from(config("none", 5683, "")).sessionIdle()).isEqualTo(CoapOptions.DEFAULT_SESSION_IDLE);
        assertThatThrownBy(() -> CoapOptions.from(config("none", 5683, "", 0, 10)))
                .hasMessageContaining("'sessionsPerDevice' must be 1..64 ('maxPeers'), got 0");
        assertThatThrownBy(() -> CoapOptions.from(config("none", 5683, "", 65, 10))).hasMessageContaining("'sessionsPerDevice'");
        assertThatThrownBy(() -> CoapOptions.from(config("none", 5683, "", 2, 0))).hasMessageContaining("'sessionIdleMinutes' must be 1..1440, got 0");
        assertThatThrownBy(() -> CoapOptions.from(config("none", 5683, "", 2, 1441))).hasMessageContaining("'sessionIdleMinutes'");
    }

    @Test
    void aTypoInASettingFallsBackToItsDefaultAndTheServerIsStillConfigured() throws IOException {
        Path file = keys("pendant-1=00112233445566778899aabbccddeeff\n");
        CoapOptions options = CoapOptions.fromLeniently(Map.of("pskFile", file.toString(), "bindAddress", "127.0.0.1",
                "port", "56B4", "security", "dtls", "maxPeers", "lots", "sessionsPerDevice", "100", "sessionIdleMinutes", "0"));
        assertThat(options.dtls()).isTrue();
        assertThat(options.address().getPort()).isEqualTo(5684);
        assertThat(options.maxPeers()).isEqualTo(64);
        assertThat(options.sessionsPerDevice()).isEqualTo(CoapOptions.DEFAULT_SESSIONS_PER_DEVICE);
        assertThat(options.sessionIdle()).isEqualTo(CoapOptions.DEFAULT_SESSION_IDLE);
        assertThat(options.keys()).containsOnlyKeys("pendant-1");
    }

    @Test
    void aBadBindAddressOrKeyFileHasNoSafeDefaultAndKeepsThatServerDown() throws IOException {
        Path file = keys("pendant-1=00112233445566778899aabbccddeeff\n");
        // every interface, the default, is wider than whatever was meant
        assertThatThrownBy(() -> CoapOptions.fromLeniently(Map.of("pskFile", file.toString(), "bindAddress", "127.0.0.l")))
                .hasMessageContaining("'bindAddress' 127.0.0.l is not an address");
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> CoapOptions.fromLeniently(Map.of("pskFile", missing.toString())))
                .hasMessageContaining("'pskFile' is required", "after falling back from: 'pskFile' " + missing.toAbsolutePath() + " cannot be read");
        Path bad = keys("pendant-1=secretsecretsecret\n");
        assertThatThrownBy(() -> CoapOptions.fromLeniently(Map.of("pskFile", bad.toString())))
                .hasMessageContaining("line 1: the key is neither hex nor base64").hasMessageNotContaining("secretsecret");
    }
}
