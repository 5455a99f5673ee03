package org.anxin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayKeyFileTest {

    @TempDir
    Path dir;

    @Test
    void aKeyFileIsCreatedOwnerOnlyAndReadBackAsTheKeyThatSigns() throws Exception {
        KeyPair pair = Signatures.generate();
        Path file = dir.resolve("gateway.key");
        GatewayKeyFile.create(file, pair);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        byte[] probe = "x".getBytes(StandardCharsets.UTF_8);
        assertThat(Signatures.verify(pair.getPublic(), probe, Signatures.sign(GatewayKeyFile.read(file), probe))).isTrue();
        assertThatThrownBy(() -> GatewayKeyFile.create(file, Signatures.generate()))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void aKeyFileOthersCanReadOrThatHoldsNoPairIsRefusedNamingTheFile() throws Exception {
        Path file = dir.resolve("gateway.key");
        GatewayKeyFile.create(file, Signatures.generate());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> GatewayKeyFile.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("chmod 600");

        Path mixed = dir.resolve("mixed.key");
        Files.writeString(mixed, Signatures.encode(Signatures.generate().getPrivate()) + "\n"
                + Signatures.encode(Signatures.generate().getPublic()) + "\n");
        Files.setPosixFilePermissions(mixed, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> GatewayKeyFile.read(mixed)).hasMessageContaining("not one pair");
    }
}
