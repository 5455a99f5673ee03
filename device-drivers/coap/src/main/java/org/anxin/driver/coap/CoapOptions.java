package org.anxin.driver.coap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.anxin.driver.api.LenientConfig;
import org.anxin.protocol.Reading;

/**
 * The CoAP server's settings, checked. {@code keys} maps each device id (its DTLS PSK identity) to
 * its key, as read from {@code keyFile}; empty for plain CoAP. {@link #toString()} never shows a key.
 */
public record CoapOptions(boolean dtls, InetSocketAddress address, Map<String, byte[]> keys, Optional<Path> keyFile, int maxPeers,
                          int maxBodyBytes, int sessionsPerDevice, Duration sessionIdle) {

    public static final int DEFAULT_SESSIONS_PER_DEVICE = 2;
    public static final Duration DEFAULT_SESSION_IDLE = Duration.ofMinutes(10);

    /** With the default session limits. */
    public CoapOptions(boolean dtls, InetSocketAddress address, Map<String, byte[]> keys, Optional<Path> keyFile, int maxPeers,
                       int maxBodyBytes) {
        this(dtls, address, keys, keyFile, maxPeers, maxBodyBytes, DEFAULT_SESSIONS_PER_DEVICE, DEFAULT_SESSION_IDLE);
    }

    /** Shorter keys can be guessed offline from a captured handshake. */
    public static final int MIN_KEY_BYTES = 16;

    public CoapOptions {
        keys = Map.copyOf(keys);
        if (dtls && keys.isEmpty()) {
            throw new IllegalArgumentException("security dtls-psk needs at least one device key in 'pskFile'");
        }
        if (maxPeers < 1 || maxBodyBytes < 64) {
            throw new IllegalArgumentException("'maxPeers' must be >= 1 and 'maxBodyBytes' >= 64");
        }
        if (sessionsPerDevice < 1 || sessionsPerDevice > maxPeers) {
            throw new IllegalArgumentException("'sessionsPerDevice' must be 1.." + maxPeers + " ('maxPeers'), got " + sessionsPerDevice);
        }
        // Scandium counts staleness in whole seconds; a day is the old default, beyond it a table of idle sessions fills up
        if (sessionIdle == null || sessionIdle.toSeconds() < 1 || sessionIdle.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("'sessionIdleMinutes' must be 1..1440, got " + (sessionIdle == null ? "none" : sessionIdle.toMinutes()));
        }
    }

    /**
     * From a configuration's properties, a bad setting at its default (logged), so that a typo
     * costs the setting and not the server the call pendants post to. Not {@code bindAddress}: its
     * default is every interface, wider than whatever was meant. A key file that cannot be read,
     * or a bad line in it, is thrown: there is no default key.
     */
    public static CoapOptions fromLeniently(Map<String, ?> properties) {
        return LenientConfig.read(CoapDriverConfig.class, properties, CoapOptions::from, "bindAddress").options();
    }

    public static CoapOptions from(CoapDriverConfig config) {
        boolean dtls = switch (config.security() == null ? "" : config.security().trim().toLowerCase(Locale.ROOT)) {
            case "dtls-psk" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("'security' must be dtls-psk or none, got '" + config.security() + "'");
        };
        if (config.port() < 0 || config.port() > 65535) {
            throw new IllegalArgumentException("'port' must be 0..65535, got " + config.port());
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.bindAddress() == null ? "" : config.bindAddress().trim());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'bindAddress' " + config.bindAddress() + " is not an address of this gateway");
        }
        Map<String, byte[]> keys = Map.of();
        Optional<Path> keyFile = Optional.empty();
        if (dtls) {
            if (config.pskFile() == null || config.pskFile().isBlank()) {
                throw new IllegalArgumentException("'pskFile' is required with security dtls-psk");
            }
            keyFile = Optional.of(Path.of(config.pskFile().trim()));
            keys = readKeys(keyFile.get());
        }
        if (config.sessionIdleMinutes() < 1 || config.sessionIdleMinutes() > 1440) {
            throw new IllegalArgumentException("'sessionIdleMinutes' must be 1..1440, got " + config.sessionIdleMinutes());
        }
        return new CoapOptions(dtls, new InetSocketAddress(bind, config.port()), keys, keyFile, config.maxPeers(), config.maxBodyBytes(),
                config.sessionsPerDevice(), Duration.ofMinutes(config.sessionIdleMinutes()));
    }

    /** Reads {@code device-id=key} lines; blank lines and {@code #} comments are skipped. Errors name the line, never the key. */
    static Map<String, byte[]> readKeys(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("'pskFile' " + file.toAbsolutePath() + " cannot be read: " + e.getMessage());
        }
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(where + ": expected device-id=key");
            }
            String device = line.substring(0, eq).trim();
            if (!Reading.DEVICE_ID.matcher(device).matches()) {
                throw new IllegalArgumentException(where + ": device id '" + device + "' does not match " + Reading.DEVICE_ID.pattern());
            }
            byte[] key = decodeKey(line.substring(eq + 1).trim(), where);
            if (keys.put(device, key) != null) {
                throw new IllegalArgumentException(where + ": device " + device + " has a second key");
            }
        }
        return keys;
    }

    private static byte[] decodeKey(String text, String where) {
        byte[] key;
        try {
            key = text.startsWith("base64:") ? Base64.getDecoder().decode(text.substring(7)) : HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": the key is neither hex nor base64:...");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(where + ": the key is " + key.length + " bytes; at least " + MIN_KEY_BYTES + " are needed");
        }
        return key;
    }

    @Override
    public String toString() {
        return "CoapOptions[" + (dtls ? "dtls-psk" : "none") + ", " + address + ", " + keys.size() + " device keys, maxPeers="
                + maxPeers + ", maxBodyBytes=" + maxBodyBytes
                + ", sessionsPerDevice=" + sessionsPerDevice + ", sessionIdle=" + sessionIdle + "]";
    }
}
