package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.anxin.broker.BrokerAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileAuthenticatorTest {

    @TempDir
    Path dir;

    @Test
    void theAccountsOfTheFileGetInAndNobodyElse() throws Exception {
        Path file = dir.resolve("anxin.passwd");
        BrokerAccounts.putUser(file, "gw-a", "password-of-a", false);
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(file);
        assertThat(auth.checkValid("anxin-gw-gw-a", "gw-a", bytes("password-of-a"))).isTrue();
        assertThat(auth.checkValid("anxin-gw-gw-a", "gw-a", bytes("password-of-b"))).isFalse();
        assertThat(auth.checkValid("anxin-gw-gw-z", "gw-z", bytes("password-of-a"))).isFalse();
        assertThat(auth.checkValid("anon", null, null)).isFalse();
        assertThat(auth.refused()).isEqualTo(3);
    }

    @Test
    void noAccountMayTakeAnotherGatewaysClientIdAndSoDisconnectIt() throws Exception {
        Path file = dir.resolve("anxin.passwd");
        BrokerAccounts.putUser(file, "gw-a", "password-of-a", false);
        BrokerAccounts.putUser(file, "gw-b", "password-of-b", false);
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(file);
        assertThat(auth.checkValid("anxin-gw-gw-b", "gw-a", bytes("password-of-a"))).isFalse();
        assertThat(auth.checkValid("anxin-gw-gw-b", "gw-b", bytes("password-of-b"))).isTrue();
        assertThat(auth.checkValid("anxin-demo-monitor", "gw-a", bytes("password-of-a"))).isTrue();
    }

    @Test
    void aGatewaysAccountConnectsOnlyAsItsUplinkSoItCannotTakeTheBridgesClientId() throws Exception {
        Path file = dir.resolve("anxin.passwd");
        BrokerAccounts.putUser(file, "gw-a", "password-of-a", false);
        BrokerAccounts.putUser(file, "anxin-bridge", "bridge-pw", false);
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(file, "anxin-bridge"::equals);
        assertThat(auth.checkValid("anxin-gw-gw-a", "gw-a", bytes("password-of-a"))).isTrue();
        assertThat(auth.checkValid("anxin-bridge-1", "gw-a", bytes("password-of-a"))).isFalse();
        assertThat(auth.checkValid("anxin-bridge-1", "anxin-bridge", bytes("bridge-pw"))).isTrue();
        assertThat(auth.checkValid("anxin-bridge-1-pub", "anxin-bridge", bytes("bridge-pw"))).isTrue();
    }

    @Test
    void aGatewayProvisionedWhileTheBrokerRunsGetsInWithoutARestart() throws Exception {
        Path file = dir.resolve("anxin.passwd");
        BrokerAccounts.putUser(file, "anxin-bridge", "bridge-pw", false);
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(file);
        assertThat(auth.checkValid("c", "gw-new", bytes("new-pw"))).isFalse();
        BrokerAccounts.putUser(file, "gw-new", "new-pw", false);
        assertThat(auth.checkValid("c", "gw-new", bytes("new-pw"))).isTrue();
        assertThat(auth.checkValid("c", "anxin-bridge", bytes("bridge-pw"))).isTrue();
    }

    @Test
    void anAccountMadeByMosquittoPasswdItselfGetsIn() throws Exception {
        Path tool = Path.of("/usr/bin/mosquitto_passwd");
        assumeTrue(Files.isExecutable(tool), "needs mosquitto_passwd (the mosquitto package)");
        Path file = dir.resolve("made-by-mosquitto");
        Process p = new ProcessBuilder(tool.toString(), "-c", "-b", file.toString(), "anxin-bridge", "operator's choice")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(file);
        assertThat(auth.checkValid("c", "anxin-bridge", bytes("operator's choice"))).isTrue();
        assertThat(auth.checkValid("c", "anxin-bridge", bytes("operator's choice!"))).isFalse();
    }

    @Test
    void aFileWithALineThatIsNoAccountStopsTheBrokerFromStarting() throws Exception {
        Path file = Files.writeString(dir.resolve("bad"), "gw-a:plaintext-password\n");
        assertThatThrownBy(() -> new PasswordFileAuthenticator(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("line 1").hasMessageNotContaining("plaintext-password");
        assertThatThrownBy(() -> new PasswordFileAuthenticator(dir.resolve("missing"))).isInstanceOf(IOException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
