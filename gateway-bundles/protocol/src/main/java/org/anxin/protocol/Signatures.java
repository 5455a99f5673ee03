package org.anxin.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures over the text of a {@link ConfigDocument} or {@link CommandRequest} (the bridge's
 * key) or a {@link SignedEnvelope} (a gateway's key), and the
 * Base64 forms of the keys: a public key as X.509 SubjectPublicKeyInfo (what a gateway is
 * provisioned with), a private key as PKCS#8 (the bridge's key file). The JDK's own Ed25519 is
 * used; no extra library.
 */
public final class Signatures {

    public static final String ALGORITHM = "Ed25519";

    private Signatures() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
        }
    }

    /** Base64 signature of the text's UTF-8 bytes. */
    public static String sign(PrivateKey key, String text) {
        return sign(key, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Base64 signature of the bytes. */
    public static String sign(PrivateKey key, byte[] bytes) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(bytes);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} is the key's signature of the text; false for any malformed input. */
    public static boolean verify(PublicKey key, String text, String signature) {
        return text != null && verify(key, text.getBytes(StandardCharsets.UTF_8), signature);
    }

    /** Whether {@code signature} is the key's signature of the bytes; false for any malformed input. */
    public static boolean verify(PublicKey key, byte[] bytes, String signature) {
        if (key == null || bytes == null || signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(bytes);
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String encode(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String encode(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** @throws IllegalArgumentException when the text is not a Base64 Ed25519 public key */
    public static PublicKey publicKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a Base64 " + ALGORITHM + " public key (X.509): " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a Base64 Ed25519 private key */
    public static PrivateKey privateKey(String base64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a Base64 " + ALGORITHM + " private key (PKCS#8)", e);
        }
    }
}
