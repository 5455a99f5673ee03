package org.anxin.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker of the test's own, as a separate process on a free loopback port, that the
 * test can stop and start again on the same port. The system's Mosquitto is left alone.
 */
final class MosquittoProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String extraConfig;
    private final boolean unlimitedQueues;
    private Process process;

    MosquittoProcess(Path dir, String extraConfig) throws IOException {
        this(dir, extraConfig, true);
    }

    private MosquittoProcess(Path dir, String extraConfig, boolean unlimitedQueues) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.extraConfig = extraConfig;
        this.unlimitedQueues = unlimitedQueues;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
    }

    /** A plain broker that keeps sessions across restarts and queues without limit for a slow subscriber. */
    static MosquittoProcess plain(Path dir) throws IOException {
        return new MosquittoProcess(dir, "allow_anonymous true\n");
    }

    /**
     * A broker with Mosquitto's own queue limits (1,000 queued and 20 in flight per session): what a
     * broker as installed does with a subscriber that falls behind, dropping what it acknowledged.
     */
    static MosquittoProcess withDefaultQueues(Path dir) throws IOException {
        return new MosquittoProcess(dir, "allow_anonymous true\n", false);
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    MosquittoProcess start() throws Exception {
        Path conf = dir.resolve("mosquitto.conf");
        // run as ourselves: started as root, Mosquitto would switch to its own user and fail to save sessions here
        Files.writeString(conf, "user " + System.getProperty("user.name") + "\n"
                + "listener " + port + " 127.0.0.1\n"
                + "persistence true\npersistence_location " + dir + "/\n"
                + (unlimitedQueues ? "max_queued_messages 0\nmax_inflight_messages 0\n" : "")
                + "log_dest file " + dir.resolve("mosquitto.log") + "\n"
                + extraConfig);
        process = new ProcessBuilder("mosquitto", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mosquitto exited: " + Files.readString(dir.resolve("stdout.log"))
                        + (Files.exists(dir.resolve("mosquitto.log")) ? Files.readString(dir.resolve("mosquitto.log")) : ""));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return this;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on " + port);
    }

    /** SIGTERM: Mosquitto saves its sessions and exits. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
