package org.anxin.diagnostics.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real Unix datagram socket: socat bound where systemd's would be, printing what it receives. */
class SystemdNotifierTest {

    @TempDir
    Path dir;

    @Test
    void statesReachASocketAtAPath() throws Exception {
        Path socket = dir.resolve("notify");
        assertThat(received("UNIX-RECV:" + socket, socket.toString(), () -> Files.exists(socket)))
                .isEqualTo("READY=1WATCHDOG=1");
    }

    @Test
    void statesReachAnAbstractSocket() throws Exception {
        String name = "anxin-test-" + ProcessHandle.current().pid();
        assertThat(received("ABSTRACT-RECV:" + name, "@" + name, () -> true)).isEqualTo("READY=1WATCHDOG=1");
    }

    @Test
    void aRelativeSocketNameIsRefusedWithWhy() {
        assertThatThrownBy(() -> new SystemdNotifier("notify")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOTIFY_SOCKET is neither an absolute path nor an abstract socket");
    }

    @Test
    void aSocketThatIsGoneIsAnError() {
        assertThatThrownBy(() -> new SystemdNotifier(dir.resolve("gone").toString()).notify("WATCHDOG=1"))
                .isInstanceOf(RuntimeException.class);
    }

    private interface Condition {
        boolean met();
    }

    private static String received(String address, String notifySocket, Condition bound) throws Exception {
        Process socat = new ProcessBuilder("socat", "-u", address, "STDOUT").redirectErrorStream(true).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            SystemdNotifier notifier = new SystemdNotifier(notifySocket);
            // until socat has bound its socket, a send fails (path) or goes nowhere (abstract)
            while (true) {
                try {
                    if (bound.met()) {
                        Thread.sleep(200);
                        notifier.notify("READY=1");
                        break;
                    }
                } catch (RuntimeException notYet) {
                    // not bound yet
                }
                assertThat(System.nanoTime()).as("socat bound its socket").isLessThan(deadline);
                Thread.sleep(50);
            }
            notifier.notify("WATCHDOG=1");
            return read(socat.getInputStream(), "READY=1WATCHDOG=1".length(), deadline);
        } finally {
            socat.destroy();
            socat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static String read(InputStream in, int length, long deadline) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < length && System.nanoTime() < deadline) {
            if (in.available() > 0) {
                out.write(in.read());
            } else {
                Thread.sleep(20);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
