package org.anxin.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UplinkSecretsTest {

    @TempDir
    Path dir;

    private final UplinkOptions withPassword = UplinkOptions.of("gw-1", "tcp://127.0.0.1:1883").withCredentials("gw-1", "s3cret-pw");

    @Test
    void aPasswordInAFileOthersCanReadStopsTheUplinkWithTheFix() throws Exception {
        Path cfg = file("org.anxin.uplink.cfg", "rw-r--r--");
        // FileInstall gives the file as a URL
        assertThatThrownBy(() -> UplinkSecrets.requireOwnerOnly(cfg.toUri().toString(), withPassword))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(cfg.toString()).hasMessageContaining("MQTT password")
                .hasMessageContaining("chmod 600").hasMessageNotContaining("s3cret-pw");
        assertThat(withPassword.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void aPasswordInAnOwnerOnlyFileIsAccepted() throws Exception {
        Path cfg = file("org.anxin.uplink.cfg", "rw-------");
        assertThatCode(() -> UplinkSecrets.requireOwnerOnly(cfg.toUri().toString(), withPassword)).doesNotThrowAnyException();
    }

    @Test
    void aFileWithoutAPasswordHoldsNoSecretAndMayBeReadable() throws Exception {
        Path cfg = file("org.anxin.uplink.cfg", "rw-r--r--");
        UplinkOptions anonymous = UplinkOptions.of("gw-1", "tcp://127.0.0.1:1883");
        assertThatCode(() -> UplinkSecrets.requireOwnerOnly(cfg.toUri().toString(), anonymous)).doesNotThrowAnyException();
        assertThatCode(() -> UplinkSecrets.requireOwnerOnly(null, withPassword)).doesNotThrowAnyException();
    }

    @Test
    void aClientKeyStoreOthersCanReadStopsTheUplink() throws Exception {
        Path cfg = file("org.anxin.uplink.cfg", "rw-------");
        Path keyStore = file("gw-1.p12", "rw-rw-r--");
        UplinkOptions tls = UplinkOptions.of("gw-1", "ssl://127.0.0.1:8883")
                .withTls(new UplinkOptions.TlsOptions(null, "", keyStore, "store-pw"));
        assertThatThrownBy(() -> UplinkSecrets.requireOwnerOnly(cfg.toUri().toString(), tls))
                .hasMessageContaining(keyStore.toString()).hasMessageContaining("client key");
    }

    private Path file(String name, String mode) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
