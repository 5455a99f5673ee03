package org.anxin.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConfigFileValidatorTest {

    @Test
    void binaryDataIsNamedWithItsFirstControlByteEvenWhereItParses() {
        byte[] garbage = {'s', 'i', 'r', 'e', 'n', 0x00, (byte) 0x9c, 0x13, '=', '1'};
        assertThat(ConfigFileValidator.parseProblems(garbage)).containsExactly("it holds binary data, not text (byte 0x00 at offset 5)");
    }

    @Test
    void aBadUnicodeEscapeCannotBeParsed() {
        byte[] escape = "device=front\nkind=door\\u00zz\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(ConfigFileValidator.parseProblems(escape)).singleElement().asString()
                .startsWith("it cannot be parsed, so nothing in it is in force").contains("Malformed \\uxxxx encoding");
    }

    @Test
    void binaryGarbageWithABackslashUIsBothBinaryAndUnparsable() {
        byte[] garbage = {'d', '=', 0x00, (byte) 0xff, '\\', 'u', 0x13, 'z', '\n'};
        assertThat(ConfigFileValidator.parseProblems(garbage)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("binary data"))
                .anySatisfy(p -> assertThat(p).contains("cannot be parsed"));
    }

    @Test
    void anOrdinaryFileWithCommentsTabsAndChineseTextHasNoProblem() {
        byte[] ok = "# 厨房\ndevice=kitchen\tsmoke\r\nkind=smoke\npin=22\nnote=caf\\u00e9\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ConfigFileValidator.parseProblems(ok)).isEmpty();
    }
}
