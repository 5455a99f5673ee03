package org.anxin.launcher;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A line of a Mosquitto 2 password file ({@code password_file}), in the form
 * {@code mosquitto_passwd} writes: PBKDF2-HMAC-SHA512, 101 iterations, a 12-byte salt, a 64-byte
 * hash ({@code $7$}). Written here so provisioning needs no Mosquitto tools on the installer's machine.
 */
final class MosquittoPasswords {

    private static final int ITERATIONS = 101;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MosquittoPasswords() {
    }

    static String line(String user, String password) {
        byte[] salt = new byte[12];
        RANDOM.nextBytes(salt);
        return user + ":" + hash(password, salt, ITERATIONS);
    }

    static String hash(String password, byte[] salt, int iterations) {
        try {
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 64 * 8)).getEncoded();
            Base64.Encoder b64 = Base64.getEncoder();
            return "$7$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no PBKDF2WithHmacSHA512", e);
        }
    }

    /** A password for a gateway: 24 random bytes, URL-safe Base64 (32 characters). */
    static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
