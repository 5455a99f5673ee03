package org.anxin.launcher;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.anxin.broker.BrokerAccounts;

/**
 * Moquette in this JVM, on loopback, so a new user needs no broker installed. It enforces the same
 * access files as Mosquitto ({@link BrokerAccounts}): the accounts of the password file, and the
 * ACL. Anonymous access is there only when asked for, for the demo and for tests about something
 * else, and says so.
 */
final class EmbeddedBroker implements AutoCloseable {

    /**
     * Who may connect and what they may do.
     *
     * @param passwordFile a Mosquitto password file; {@code null} for anyone
     * @param aclFile a Mosquitto ACL file; {@code null} for anyone
     */
    record Access(Path passwordFile, Path aclFile) {

        /** Anyone may connect, and publish and read anything: as any gateway, for the demo and tests only. */
        static final Access ANONYMOUS = new Access(null, null);

        Access {
            if ((passwordFile == null) != (aclFile == null)) {
                throw new IllegalArgumentException("a password file and an ACL file go together: accounts without an ACL"
                        + " let any gateway publish as any other");
            }
        }

        static Access files(Path passwordFile, Path aclFile) {
            return new Access(passwordFile, aclFile);
        }

        boolean anonymous() {
            return passwordFile == null;
        }
    }

    private final Server server = new Server();
    private final int port;

    private EmbeddedBroker(int port) {
        this.port = port;
    }

    /** An anonymous broker: for tests that are not about who may publish. */
    static EmbeddedBroker start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, Access.ANONYMOUS);
    }

    /** @throws IOException when an access file is missing or malformed: the broker then does not start at all */
    static EmbeddedBroker start(Path dataDir, int port, Access access) throws IOException {
        EmbeddedBroker broker = new EmbeddedBroker(port == 0 ? freePort() : port);
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(broker.port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "true");
        p.setProperty("data_path", Files.createDirectories(dataDir).toString());
        p.setProperty("telemetry_enabled", "false"); // Moquette reports usage to its authors unless told not to
        p.setProperty("allow_anonymous", Boolean.toString(access.anonymous()));
        if (access.anonymous()) {
            System.err.println("warning: the embedded MQTT broker on " + broker.url() + " is anonymous: anyone who reaches it"
                    + " can publish as any gateway");
            broker.server.startServer(new MemoryConfig(p));
        } else {
            AclFile acl = AclFile.read(access.aclFile());
            broker.server.startServer(new MemoryConfig(p), List.of(), null,
                    new PasswordFileAuthenticator(access.passwordFile(), acl::namesUser), acl);
        }
        return broker;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.stopServer();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
