package org.anxin.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void aNewSecretFileIsReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("org.anxin.uplink.cfg");
        SecretFiles.write(file, "password=s3cret\n", StandardCharsets.ISO_8859_1);
        assertThat(Files.readString(file)).isEqualTo("password=s3cret\n");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(leftovers()).containsExactly("org.anxin.uplink.cfg");
    }

    @Test
    void aWorldReadableFileIsReplacedByAnOwnerOnlyOne() throws Exception {
        Path file = Files.writeString(dir.resolve("passwd"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SecretFiles.write(file, "new\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void anUpdateKeepsGroupReadForTheServiceThatReadsThroughItsGroupButNeverOthers() throws Exception {
        Path file = Files.writeString(dir.resolve("passwd"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SecretFiles.update(file, "new\n".getBytes(StandardCharsets.UTF_8));
        assertThat(mode(file)).isEqualTo("rw-r-----");
        Path strict = Files.writeString(dir.resolve("strict"), "old\n");
        Files.setPosixFilePermissions(strict, PosixFilePermissions.fromString("rw-------"));
        SecretFiles.update(strict, "new\n".getBytes(StandardCharsets.UTF_8));
        assertThat(mode(strict)).isEqualTo("rw-------");
    }

    @Test
    void aFileOthersCanReadIsNamedWithItsFix() throws Exception {
        Path file = Files.writeString(dir.resolve("org.anxin.uplink.cfg"), "password=x\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(SecretFiles.exposure(file, "the MQTT password")).hasValueSatisfying(problem -> assertThat(problem)
                .contains(file.toString(), "the MQTT password", "rw-r-----", "chmod 600").doesNotContain("password=x"));
        assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(file, "the MQTT password"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("chmod 600 " + file);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretFiles.exposure(file, "the MQTT password")).isEmpty();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        SecretFiles.requireOwnerOnly(file, "the MQTT password");
    }

    @Test
    void aFileThatCannotBeCheckedIsRefusedNotPassed() {
        assertThatThrownBy(() -> SecretFiles.requireOwnerOnly(dir.resolve("missing.p12"), "the client key"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing.p12");
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private String[] leftovers() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toArray(String[]::new);
        }
    }
}
