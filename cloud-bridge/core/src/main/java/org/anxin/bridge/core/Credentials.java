package org.anxin.bridge.core;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an operator's user name and password must be: checked by the options (the first
 * administrator) and by the operator accounts alike.
 */
public final class Credentials {

    public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    static final int MIN_PASSWORD_LENGTH = 12;
    static final int MIN_DISTINCT_CHARACTERS = 5;
    /** Passwords long enough yet among the first an attacker tries; compared in lower case. */
    static final Set<String> COMMON_PASSWORDS = Set.of("password1234", "password12345", "password123456",
            "passw0rd1234", "qwerty123456", "qwertyuiop12", "qwertyuiopas", "1q2w3e4r5t6y", "1qaz2wsx3edc",
            "zaq12wsxcde3", "abc123456789", "abcd12345678", "123456789abc", "iloveyou1234", "letmein12345",
            "welcome12345", "changeme1234", "administrator", "admin1234567", "admin12345678", "anxin1234567",
            "anxin12345678", "woaini1314520", "5201314woaini", "woaini123456", "aa1234567890", "1234567890ab",
            "1234567890qwe", "asdfghjkl123", "zxcvbnm12345", "correct horse battery staple");

    private Credentials() {
    }

    /** A valid user name and a password strong enough; what is wrong is said, the password never. */
    public static void requireValid(String username, String password) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("username must match " + USERNAME.pattern());
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("password must not be all digits: a number is guessed first");
        }
        if (password.chars().distinct().count() < MIN_DISTINCT_CHARACTERS) {
            throw new IllegalArgumentException("password must have at least " + MIN_DISTINCT_CHARACTERS
                    + " different characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (COMMON_PASSWORDS.contains(lower) || lower.replaceAll("[0-9]+$", "").equals(username.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("password is too easy to guess (a common password, or the user name"
                    + " with digits); choose another");
        }
    }
}
