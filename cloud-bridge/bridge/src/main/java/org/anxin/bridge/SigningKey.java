package org.anxin.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.anxin.protocol.Signatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's Ed25519 key, which signs every configuration document and command. Gateways are
 * provisioned with its public half, so it must outlive the bridge: it lives in a file, and every
 * instance of one bridge (behind one broker) must be given the same file.
 */
final class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * Reads the key pair in {@code file} (the Base64 PKCS#8 private key and the Base64 X.509 public
     * key, a line each), or creates the file with a new key
     * (readable by its owner only) when there is none.
     *
     * @throws IllegalStateException naming the file when it cannot be read, written or parsed
     */
    static SigningKey loadOrCreate(Path file) {
        if (Files.exists(file)) {
            return load(file);
        }
        KeyPair pair = Signatures.generate();
        Path parent = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(parent);
            // written whole to a file of its own, readable by its owner only from the start, then
            // linked into place: an instance starting at the same moment sees no file or a complete
            // one, and never has its key replaced by ours
            temp = Files.getFileStore(parent).supportsFileAttributeView("posix")
                    ? Files.createTempFile(parent, ".signing-", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(parent, ".signing-", ".tmp");
            Files.write(temp, (Signatures.encode(pair.getPrivate()) + "\n" + Signatures.encode(pair.getPublic()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                Files.createLink(file, temp);
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (e instanceof FileAlreadyExistsException) {
                    throw (FileAlreadyExistsException) e;
                }
                Files.move(temp, file); // no hard links here: fails, too, if the file appeared meanwhile
            }
        } catch (FileAlreadyExistsException e) {
            return load(file); // another instance made it a moment ago: share it
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the signing key file " + file + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    log.warn("could not remove {}: {}", temp, e.getMessage());
                }
            }
        }
        SigningKey key = new SigningKey(pair.getPrivate(), pair.getPublic());
        log.info("created a new signing key in {}; gateways must be provisioned with its public key {}", file,
                key.publicKeyBase64());
        return key;
    }

    private static SigningKey load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the signing key file " + file + ": " + e.getMessage(), e);
        }
        String[] lines = text.strip().split("\\s+");
        PrivateKey privateKey;
        PublicKey publicKey;
        try {
            if (lines.length != 2) {
                throw new IllegalArgumentException("expected two lines, found " + lines.length);
            }
            privateKey = Signatures.privateKey(lines[0]);
            publicKey = Signatures.publicKey(lines[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the signing key file " + file + " does not hold a Base64 PKCS#8 "
                    + Signatures.ALGORITHM + " private key and its Base64 X.509 public key, one a line ("
                    + e.getMessage() + "); restore the bridge's key (gateways trust only it) or, for a new installation,"
                    + " remove the file to have a new key made", e);
        }
        String probe = "anxin signing key check";
        if (!Signatures.verify(publicKey, probe, Signatures.sign(privateKey, probe))) {
            throw new IllegalStateException("the two keys in the signing key file " + file + " are not one pair");
        }
        SigningKey key = new SigningKey(privateKey, publicKey);
        log.info("signing with the key in {}; its public key is {}", file, key.publicKeyBase64());
        return key;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    PublicKey publicKey() {
        return publicKey;
    }

    String publicKeyBase64() {
        return Signatures.encode(publicKey);
    }

    String sign(String text) {
        return Signatures.sign(privateKey, text);
    }
}
