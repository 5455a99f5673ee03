package org.anxin.launcher;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto process of a test's own (never the machine's on 1883), configured with the fragment
 * the repository ships, {@code mosquitto/anxin.conf}, pointed at the test's password and ACL files:
 * authentication on, as in the field.
 */
final class MosquittoProcess implements AutoCloseable {

    static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private final Process process;

    private MosquittoProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts it with the gateways' listener on {@code port} and the bridge's on {@code bridgePort},
     * both on 127.0.0.1, its configuration and log in {@code dir}; the test is skipped without Mosquitto.
     */
    static MosquittoProcess start(Path dir, int port, int bridgePort, Path passwordFile, Path aclFile) throws Exception {
        assumeTrue(Files.isExecutable(MOSQUITTO), "needs Mosquitto installed (.ci/run installs it)");
        String fragment;
        try (InputStream in = MosquittoProcess.class.getResourceAsStream("/mosquitto/anxin.conf")) {
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
        Files.createDirectories(dir);
        // run as ourselves: started as root, Mosquitto would switch to its own user and not read the temp dir
        Path config = Files.writeString(dir.resolve("mosquitto.conf"), shipped
                + "\nuser " + System.getProperty("user.name") + "\npersistence false\n");
        Path log = dir.resolve("mosquitto.log");
        Process broker = new ProcessBuilder(MOSQUITTO.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            BrokerAccessTest.awaitListening(port);
            BrokerAccessTest.awaitListening(bridgePort);
        } catch (RuntimeException e) {
            broker.destroy();
            throw new AssertionError("Mosquitto did not start: " + Files.readString(log), e);
        }
        return new MosquittoProcess(broker);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
