package org.anxin.launcher;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link BrokerAccessTest} on a Mosquitto process of its own (never the one on 1883), configured
 * with the fragment the repository ships, {@code mosquitto/anxin.conf}, pointed at the test's files.
 */
class MosquittoAccessTest extends BrokerAccessTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    @Override
    AutoCloseable startBroker(int port, int bridgePort, Path passwordFile, Path aclFile) throws Exception {
        assumeTrue(Files.isExecutable(MOSQUITTO), "needs Mosquitto installed (.ci/run installs it)");
        String fragment;
        try (InputStream in = MosquittoAccessTest.class.getResourceAsStream("/mosquitto/anxin.conf")) {
            fragment = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String shipped = fragment;
        for (String[] swap : new String[][] {{"password_file /etc/mosquitto/anxin.passwd", "password_file " + passwordFile},
                {"acl_file /etc/mosquitto/anxin.acl", "acl_file " + aclFile},
                {"\nlistener 1883\n", "\nlistener " + port + " 127.0.0.1\n"},
                {"\nlistener 1884 127.0.0.1\n", "\nlistener " + bridgePort + " 127.0.0.1\n"}}) {
            if (!shipped.contains(swap[0])) {
                throw new AssertionError("the shipped fragment no longer has the line " + swap[0].strip());
            }
            shipped = shipped.replace(swap[0], swap[1]);
        }
        // run as ourselves: started as root, Mosquitto would switch to its own user and not read the temp dir
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), shipped
                + "\nuser " + System.getProperty("user.name") + "\npersistence false\n");
        Process broker = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        try {
            awaitListening(port);
            awaitListening(bridgePort);
        } catch (RuntimeException e) {
            broker.destroy();
            throw new AssertionError("Mosquitto did not start: " + Files.readString(dir.resolve("mosquitto.log")), e);
        }
        return () -> {
            broker.destroy();
            broker.waitFor(5, TimeUnit.SECONDS);
        };
    }

    @Override
    boolean bridgeListensApart() {
        return true;
    }

    @Override
    boolean refusesSubscriptionsOutsideTheAcl() {
        return false;
    }
}
