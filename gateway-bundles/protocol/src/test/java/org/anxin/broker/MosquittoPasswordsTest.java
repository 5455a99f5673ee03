package org.anxin.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MosquittoPasswordsTest {

    @Test
    void theHashIsPbkdf2Sha512AsMosquittoPasswdWritesIt() {
        // the same salt and iterations give the same hash; the form is $7$iterations$salt$hash
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b");
        String hash = MosquittoPasswords.hash("secret", salt, 101);
        assertThat(hash).startsWith("$7$101$AAECAwQFBgcICQoL$").isEqualTo(MosquittoPasswords.hash("secret", salt, 101));
        assertThat(hash.split("\\$")[4]).hasSize(88); // 64 bytes of Base64
    }
}
