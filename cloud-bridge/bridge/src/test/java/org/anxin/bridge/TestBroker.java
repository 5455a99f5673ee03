package org.anxin.bridge;

import io.moquette.broker.Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Properties;

/** An in-process Moquette broker on a free local port. */
final class TestBroker implements AutoCloseable {

    private final Server server = new Server();
    private final int port;

    private TestBroker(int port) {
        this.port = port;
    }

    static TestBroker start(Path dataDir) {
        return startOn(freePort(), dataDir);
    }

    static TestBroker startOn(int port, Path dataDir) {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("persistence_enabled", "false");
        p.setProperty("data_path", dataDir.toString());
        p.setProperty("allow_anonymous", "true");
        p.setProperty("telemetry_enabled", "false");
        TestBroker broker = new TestBroker(port);
        try {
            broker.server.startServer(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return broker;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
