package org.anxin.launcher;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Moquette in this JVM, on loopback, so a new user needs no broker installed. */
final class EmbeddedBroker implements AutoCloseable {

    private final Server server = new Server();
    private final int port;

    private EmbeddedBroker(int port) {
        this.port = port;
    }

    static EmbeddedBroker start(Path dataDir, int port) throws IOException {
        EmbeddedBroker broker = new EmbeddedBroker(port == 0 ? freePort() : port);
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(broker.port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("persistence_enabled", "true");
        p.setProperty("data_path", Files.createDirectories(dataDir).toString());
        p.setProperty("telemetry_enabled", "false"); // Moquette reports usage to its authors unless told not to
        p.setProperty("allow_anonymous", "true");
        broker.server.startServer(new MemoryConfig(p));
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
