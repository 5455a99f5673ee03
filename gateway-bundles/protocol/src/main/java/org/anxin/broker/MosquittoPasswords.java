package org.anxin.broker;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A line of a Mosquitto 2 password file ({@code password_file}), in the form
 * {@code mosquitto_passwd} writes: PBKDF2-HMAC-SHA512, 101 iterations, a 12-byte salt, a 64-byte
 * hash ({@code $7$}). Written here so provisioning needs no Mosquitto tools on the installer's machine.
 */
public final class MosquittoPasswords {

    private static final int ITERATIONS = 101;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MosquittoPasswords() {
    }

    public static String line(String user, String password) {
        byte[] salt = new byte[12];
        RANDOM.nextBytes(salt);
        return user + ":" + hash(password, salt, ITERATIONS);
    }

    public static String hash(String password, byte[] salt, int iterations) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(pbkdf2(password, salt, iterations));
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 64 * 8)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no PBKDF2WithHmacSHA512", e);
        }
    }

    /**
     * Whether the password is the one a password file's hash was made from, in Mosquitto 2's form
     * ({@code $7$}, PBKDF2-SHA512; Mosquitto 1.x's {@code $6$} is not read: set such a password again
     * with Mosquitto 2's {@code mosquitto_passwd}). The comparison takes the same time wherever the
     * hashes differ.
     *
     * @throws IllegalArgumentException for a hash in any other form
     */
    public static boolean matches(String password, String stored) {
        String[] parts = stored.split("\\$", -1);
        Base64.Decoder b64 = Base64.getDecoder();
        if (parts.length == 5 && parts[0].isEmpty() && parts[1].equals("7")) {
            int iterations = Integer.parseInt(parts[2]);
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be positive");
            }
            return MessageDigest.isEqual(pbkdf2(password, b64.decode(parts[3]), iterations), b64.decode(parts[4]));
        }
        throw new IllegalArgumentException("not a Mosquitto 2 password hash ($7$...)");
    }

    /** A password for a gateway: 24 random bytes, URL-safe Base64 (32 characters). */
    public static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
