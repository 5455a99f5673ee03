package org.anxin.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MosquittoPasswordsTest {

    @TempDir
    Path dir;

    @Test
    void theHashIsPbkdf2Sha512AsMosquittoPasswdWritesIt() {
        // the same salt and iterations give the same hash; the form is $7$iterations$salt$hash
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b");
        String hash = MosquittoPasswords.hash("secret", salt, 101);
        assertThat(hash).startsWith("$7$101$AAECAwQFBgcICQoL$").isEqualTo(MosquittoPasswords.hash("secret", salt, 101));
        assertThat(hash.split("\\$")[4]).hasSize(88); // 64 bytes of Base64
    }

    @Test
    void aRealMosquittoLetsTheProvisionedUserInAndNobodyElse() throws Exception {
        Path mosquitto = Path.of("/usr/sbin/mosquitto");
        assumeTrue(Files.isExecutable(mosquitto), "needs Mosquitto installed (CI installs it)");
        String password = MosquittoPasswords.newPassword();
        Path passwords = Files.writeString(dir.resolve("passwords"), MosquittoPasswords.line("gw-prov", password) + "\n");
        int port = EmbeddedBroker.freePort();
        // run as ourselves: started as root, Mosquitto would switch to its own user and not read the temp dir
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), "user " + System.getProperty("user.name") + "\n"
                + "listener " + port + " 127.0.0.1\n"
                + "allow_anonymous false\npassword_file " + passwords + "\n");
        Process broker = new ProcessBuilder(mosquitto.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            String url = "tcp://127.0.0.1:" + port;
            connect(url, "gw-prov", password, 50);
            assertThatThrownBy(() -> connect(url, "gw-prov", password + "x", 1)).isInstanceOf(MqttException.class);
        } finally {
            broker.destroy();
            broker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void connect(String url, String user, String password, int attempts) throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        for (int i = 1; ; i++) {
            try (MqttClient client = new MqttClient(url, "prov-test-" + System.nanoTime(), new MemoryPersistence())) {
                client.connect(options);
                client.disconnect();
                return;
            } catch (MqttException e) {
                // the broker may still be starting; a refusal of the credentials is final
                if (i >= attempts || e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                        || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
