package org.anxin.testing.mosquitto;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.anxin.broker.BrokerAccounts;
import org.anxin.broker.MosquittoPasswords;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A Mosquitto process of a test's own, never the machine's on 1883: run on the fragment the
 * product ships ({@code /mosquitto/anxin.conf}) and on a password file and ACL made by
 * {@link BrokerAccounts}, as {@code ./anxin provision} makes them. So no anonymous client gets in,
 * a gateway's account reaches only its own topics, client ids on the gateways' listener are the
 * user names, and the bridge connects on a loopback listener of its own: authentication on, as in
 * the field. Both listeners are on free loopback ports. Start one per test class (a process takes
 * about a tenth of a second) and close it after the class.
 */
public final class MosquittoBroker implements AutoCloseable {

    public static final Path EXECUTABLE = Path.of("/usr/sbin/mosquitto");
    private static final long START_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long RELOAD_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** An account of the password file, with the password it was given. */
    public record Account(String user, String password) {

        /** Clean-session options that log in with this account. */
        public MqttConnectOptions options() {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setConnectionTimeout(5);
            options.setUserName(user);
            options.setPassword(password.toCharArray());
            return options;
        }
    }

    private final Process process;
    private final Path passwordFile;
    private final Path log;
    private final int port;
    private final int bridgePort;
    private final Map<String, String> passwords = new HashMap<>(); // the accounts made here

    private MosquittoBroker(Process process, Path passwordFile, Path log, int port, int bridgePort) {
        this.process = process;
        this.passwordFile = passwordFile;
        this.log = log;
        this.port = port;
        this.bridgePort = bridgePort;
    }

    /**
     * A broker with the product's ACL, an account for the bridge ({@link #bridge()}) and one for
     * each of {@code gateways}; more gateways' accounts are added with {@link #gateway} (each costs
     * a reload, up to a second). Its files and log are in {@code dir}. The test is skipped where
     * Mosquitto is not installed ({@code .ci/run} installs it).
     */
    public static MosquittoBroker start(Path dir, String... gateways) throws Exception {
        Files.createDirectories(dir);
        Path passwordFile = dir.resolve("anxin.passwd");
        Path aclFile = dir.resolve("anxin.acl");
        Map<String, String> accounts = new HashMap<>();
        accounts.put(BrokerAccounts.DEFAULT_BRIDGE_USER, MosquittoPasswords.newPassword());
        for (String gateway : gateways) {
            accounts.put(gateway, MosquittoPasswords.newPassword());
        }
        for (Map.Entry<String, String> account : accounts.entrySet()) {
            BrokerAccounts.putUser(passwordFile, account.getKey(), account.getValue(), false);
        }
        BrokerAccounts.writeAcl(aclFile, BrokerAccounts.DEFAULT_BRIDGE_USER);
        MosquittoBroker broker = start(dir, freePort(), freePort(), passwordFile, aclFile);
        broker.passwords.putAll(accounts);
        return broker;
    }

    /**
     * A broker on access files written by someone else (the test's {@code ./anxin provision}), with
     * the gateways' listener on {@code port} and the bridge's on {@code bridgePort}.
     */
    public static MosquittoBroker start(Path dir, int port, int bridgePort, Path passwordFile, Path aclFile)
            throws Exception {
        assumeTrue(Files.isExecutable(EXECUTABLE), "needs Mosquitto installed (.ci/run installs it)");
        String shipped;
        try (InputStream in = MosquittoBroker.class.getResourceAsStream("/mosquitto/anxin.conf")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
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
        Process process = new ProcessBuilder(EXECUTABLE.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MosquittoBroker broker = new MosquittoBroker(process, passwordFile, log, port, bridgePort);
        try {
            broker.awaitListening(port);
            broker.awaitListening(bridgePort);
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** The gateways' listener. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The bridge's own listener (client ids kept as given). */
    public String bridgeUrl() {
        return "tcp://127.0.0.1:" + bridgePort;
    }

    /** The bridge's account, {@link BrokerAccounts#DEFAULT_BRIDGE_USER}, of a broker made by {@link #start(Path)}. */
    public synchronized Account bridge() {
        String password = passwords.get(BrokerAccounts.DEFAULT_BRIDGE_USER);
        if (password == null) {
            throw new IllegalStateException("this broker runs on files it did not write: it knows no bridge password");
        }
        return new Account(BrokerAccounts.DEFAULT_BRIDGE_USER, password);
    }

    /**
     * The gateway's own account (user name = gateway id), made on first use as provisioning makes
     * it: added to the password file, then Mosquitto reloaded (SIGHUP) and waited for until the
     * account logs in.
     */
    public synchronized Account gateway(String id) throws Exception {
        String known = passwords.get(id);
        if (known != null) {
            return new Account(id, known);
        }
        Account account = new Account(id, MosquittoPasswords.newPassword());
        BrokerAccounts.putUser(passwordFile, id, account.password(), false);
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (hup.waitFor() != 0) {
            throw new IllegalStateException("could not signal Mosquitto " + process.pid() + " to reload");
        }
        awaitLogin(account);
        passwords.put(id, account.password());
        return account;
    }

    /** The password file it reads: the product's form, hashes only. */
    public Path passwordFile() {
        return passwordFile;
    }

    /** Its output, for a test's failure message. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitListening(int listener) throws InterruptedException {
        for (long end = System.nanoTime() + START_NANOS; System.nanoTime() < end; Thread.sleep(20)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Mosquitto exited: " + log());
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener)) {
                return;
            } catch (IOException notYet) {
                // still starting
            }
        }
        throw new IllegalStateException("Mosquitto did not listen on " + listener + ": " + log());
    }

    /** Until the account logs in: the reload takes effect a moment after the signal. */
    private void awaitLogin(Account account) throws Exception {
        // on the bridge's listener, where a probe's client id is its own and disconnects nobody
        MqttClient probe = new MqttClient(bridgeUrl(), "probe-" + UUID.randomUUID(), new MemoryPersistence());
        try {
            for (long end = System.nanoTime() + RELOAD_NANOS; ; Thread.sleep(20)) {
                try {
                    probe.connect(account.options());
                    probe.disconnect();
                    return;
                } catch (MqttException e) {
                    boolean refused = e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                            || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED;
                    if (!refused || System.nanoTime() > end) {
                        throw new IllegalStateException("the account " + account.user() + " does not log in after a reload: "
                                + log(), e);
                    }
                }
            }
        } finally {
            probe.close();
        }
    }
}
