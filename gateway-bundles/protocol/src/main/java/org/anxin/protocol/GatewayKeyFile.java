package org.anxin.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.EnumSet;
import java.util.Set;

/**
 * A gateway's own Ed25519 key pair in a file readable by its owner only: the Base64 PKCS#8 private
 * key and the Base64 X.509 public key, a line each. {@code ./anxin provision} writes it; the
 * gateway's uplink reads it and signs what it sends ({@link SignedEnvelope}).
 */
public final class GatewayKeyFile {

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private GatewayKeyFile() {
    }

    /**
     * Writes a new file, created owner-only (0600) so the key is never readable by others, not even
     * for a moment.
     *
     * @throws java.nio.file.FileAlreadyExistsException when the file exists: a key is never overwritten here
     */
    public static void create(Path file, KeyPair pair) throws IOException {
        byte[] text = (Signatures.encode(pair.getPrivate()) + "\n" + Signatures.encode(pair.getPublic()) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        Path parent = file.toAbsolutePath().getParent();
        if (Files.getFileStore(parent).supportsFileAttributeView("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.write(file, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * The private key in the file, checked to pair with the public key beside it.
     *
     * @throws IllegalArgumentException naming the file when it is missing, readable by others or not a key pair
     */
    public static PrivateKey read(Path file) {
        try {
            if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> loose = EnumSet.copyOf(Files.getPosixFilePermissions(file));
                loose.retainAll(OTHERS);
                if (!loose.isEmpty()) {
                    throw new IllegalArgumentException("the gateway key file " + file + " is accessible to others ("
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(file))
                            + "); make it owner-only: chmod 600 " + file);
                }
            }
            String[] lines = Files.readString(file, StandardCharsets.US_ASCII).strip().split("\\s+");
            if (lines.length != 2) {
                throw new IllegalArgumentException("the gateway key file " + file
                        + " must hold the private and the public key, a line each; found " + lines.length + " line(s)");
            }
            PrivateKey privateKey = Signatures.privateKey(lines[0]);
            PublicKey publicKey = Signatures.publicKey(lines[1]);
            byte[] probe = "anxin gateway key check".getBytes(StandardCharsets.US_ASCII);
            if (!Signatures.verify(publicKey, probe, Signatures.sign(privateKey, probe))) {
                throw new IllegalArgumentException("the two keys in the gateway key file " + file + " are not one pair");
            }
            return privateKey;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the gateway key file " + file + ": " + e, e);
        }
    }
}
