package org.anxin.secrets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Writes and checks files that hold secrets. A file is written to a temporary file in the same
 * directory that is created owner-only (so the secret is never readable by others, not even for a
 * moment, whatever the umask), flushed to disk, then moved over the target in one step, so a
 * reader sees the old file or the new one, never half of one.
 *
 * <p>On a file system without POSIX permissions (Windows) the file is still written atomically; its
 * protection is then the directory's ACL, and {@link #exposure} cannot tell and reports nothing.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SecretFiles() {
    }

    /**
     * Writes the file, mode 0600. Replacing a file keeps its owner and group, so a file made for
     * another account (when run as root) stays that account's.
     */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, false);
    }

    public static void write(Path file, String content, Charset charset) throws IOException {
        write(file, content.getBytes(charset), false);
    }

    /**
     * As {@link #write}, except that a file its group could read stays readable by its group (0640):
     * a service that reads the file through its group, such as Mosquitto reading a
     * {@code root:mosquitto} password file, keeps reading it. Others never can.
     */
    public static void update(Path file, byte[] content) throws IOException {
        write(file, content, true);
    }

    private static void write(Path file, byte[] content, boolean keepGroupRead) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        // the name ends in .tmp, so a watcher of *.cfg (FileInstall) never picks up the file half written
        String prefix = "." + file.getFileName() + ".";
        Path temp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            if (posix && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                keepOwnership(file, temp, keepGroupRead);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static void keepOwnership(Path file, Path temp, boolean keepGroupRead) throws IOException {
        PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
        PosixFileAttributes now = view.readAttributes();
        // only root may give a file away; anyone may keep their own, so this fails only where it matters
        if (!now.owner().equals(old.owner())) {
            view.setOwner(old.owner());
        }
        if (!now.group().equals(old.group())) {
            view.setGroup(old.group());
        }
        if (keepGroupRead && old.permissions().contains(PosixFilePermission.GROUP_READ)) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(OWNER_ONLY);
            permissions.add(PosixFilePermission.GROUP_READ);
            view.setPermissions(permissions);
        }
    }

    /**
     * What is wrong with a secret file's permissions: empty when no one but its owner may read or
     * write it (0600, 0400), else a sentence for the installer naming the file and the fix.
     *
     * @param what what the file holds, for the sentence ("the MQTT password")
     */
    public static Optional<String> exposure(Path file, String what) throws IOException {
        if (!Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> others = EnumSet.complementOf(EnumSet.of(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
        others.retainAll(permissions);
        if (others.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(file + " holds " + what + " but its permissions are " + PosixFilePermissions.toString(permissions)
                + ": others than its owner may read or change it. Run: chmod 600 " + file);
    }

    /**
     * Throws unless only the file's owner may read or write it.
     *
     * @throws IllegalStateException with the sentence of {@link #exposure}, or why the file cannot be checked
     */
    public static void requireOwnerOnly(Path file, String what) {
        Optional<String> problem;
        try {
            problem = exposure(file, what);
        } catch (IOException e) {
            throw new IllegalStateException("cannot check the permissions of " + file + ", which holds " + what + ": " + e, e);
        }
        if (problem.isPresent()) {
            throw new IllegalStateException(problem.get());
        }
    }
}
