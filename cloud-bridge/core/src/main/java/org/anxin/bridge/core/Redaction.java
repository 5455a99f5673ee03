package org.anxin.bridge.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** Addresses as they may appear in logs, the database and the API: without credentials. */
public final class Redaction {

    private static final Pattern JDBC_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    private Redaction() {
    }

    /** The URL without user info and query string, which is where tokens usually travel. */
    public static String url(URI uri) {
        if (uri.getHost() == null) {
            return uri.getScheme() == null ? "<unparseable>" : uri.getScheme() + ":<redacted>";
        }
        StringBuilder s = new StringBuilder();
        s.append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append("?…");
        }
        return s.toString();
    }

    public static String url(String url) {
        try {
            return url(new URI(url));
        } catch (URISyntaxException e) {
            return "<unparseable>";
        }
    }

    /** The JDBC URL with any password parameter masked. */
    public static String jdbcUrl(String url) {
        return JDBC_PASSWORD.matcher(url).replaceAll("$1***");
    }

    /** A phone number with all but its last four digits masked: {@code *******5678}. */
    public static String phone(String phone) {
        if (phone == null) {
            return "-";
        }
        int keep = Math.min(4, Math.max(0, phone.length() - 4));
        return "*".repeat(phone.length() - keep) + phone.substring(phone.length() - keep);
    }

    /** An e-mail address with the local part masked but its first letter: {@code w***@example.org}. */
    public static String email(String email) {
        if (email == null) {
            return "-";
        }
        int at = email.indexOf('@');
        return at <= 0 ? "***" : email.charAt(0) + "***" + email.substring(at);
    }
}
