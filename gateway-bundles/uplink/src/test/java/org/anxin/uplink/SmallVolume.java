package org.anxin.uplink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real small file system for full-disk tests: a tmpfs mounted for the test (the tests run as
 * root here and in CI). Where it cannot be mounted the test is skipped with the reason, not faked.
 * A copy of the store tests' SmallVolume (test classes are not shared between modules).
 */
final class SmallVolume implements AutoCloseable {

    private final Path dir;

    private SmallVolume(Path dir) {
        this.dir = dir;
    }

    static SmallVolume mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
        Assumptions.assumeTrue(out == null, () -> "cannot mount a " + megabytes + " MB tmpfs at " + dir + ": " + out);
        return new SmallVolume(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes a file until the volume refuses another byte; returns it (delete it and the space is back). */
    Path fill(String name) throws IOException {
        Path filler = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int chunk : new int[] {64 * 1024, 4096, 1}) {
                byte[] bytes = new byte[chunk];
                try {
                    while (true) {
                        out.write(bytes);
                    }
                } catch (IOException full) {
                    // next, smaller chunks take the last partial page
                }
            }
        } catch (IOException closing) {
            // the close flushes nothing (unbuffered), a failure here is the same full disk
        }
        return filler;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String out = run("umount", "-l", dir.toString());
        if (out != null) {
            throw new IOException("cannot unmount " + dir + ": " + out);
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out.trim() + " (exit " + p.exitValue() + ")";
    }
}
