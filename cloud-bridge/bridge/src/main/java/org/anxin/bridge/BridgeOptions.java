package org.anxin.bridge;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * How a {@link Bridge} runs. Build one with {@link #builder()}; the constructor checks every value
 * and says what is wrong with it. {@link #toString()} never shows a password.
 *
 * @param brokerUrl the MQTT broker, {@code tcp://}, {@code ssl://}, {@code ws://} or {@code wss://}
 * @param mqttClientId the MQTT client id; the broker keeps this session's queued messages while the
 *     bridge is away, so give a stable one to receive what arrived during a restart
 * @param mqttUsername the MQTT user, if the broker wants one
 * @param mqttPassword the MQTT password
 * @param jdbcUrl {@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}
 * @param jdbcUser the database user, if not in the URL
 * @param jdbcPassword the database password, if not in the URL
 * @param webhookUrl where alert notifications are POSTed; none are sent when empty
 * @param webhookAttempts how many times one notification is tried before it counts as failed
 * @param webhookRetryBase the wait before the first retry; it doubles with each further retry
 * @param httpHost the address the REST API listens on
 * @param httpPort the REST API's port; 0 picks a free one
 * @param notificationListeners told of every notification's outcome, on the notifier's thread
 */
public record BridgeOptions(
        String brokerUrl,
        String mqttClientId,
        Optional<String> mqttUsername,
        Optional<String> mqttPassword,
        String jdbcUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        Optional<URI> webhookUrl,
        int webhookAttempts,
        Duration webhookRetryBase,
        String httpHost,
        int httpPort,
        List<NotificationListener> notificationListeners) {

    public static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    public static final String DEFAULT_JDBC_URL = "jdbc:sqlite:anxin-bridge.db";
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_WEBHOOK_ATTEMPTS = 5;
    public static final Duration DEFAULT_WEBHOOK_RETRY_BASE = Duration.ofMillis(500);

    private static final Set<String> MQTT_SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

    public BridgeOptions {
        brokerUrl = requireMqttUrl(brokerUrl);
        mqttClientId = requireText(mqttClientId, "mqttClientId");
        mqttUsername = orEmpty(mqttUsername);
        mqttPassword = orEmpty(mqttPassword);
        jdbcUrl = requireJdbcUrl(jdbcUrl);
        jdbcUser = orEmpty(jdbcUser);
        jdbcPassword = orEmpty(jdbcPassword);
        webhookUrl = orEmpty(webhookUrl);
        webhookUrl.ifPresent(BridgeOptions::requireHttpUrl);
        if (webhookAttempts < 1) {
            throw new IllegalArgumentException("webhookAttempts must be at least 1, got " + webhookAttempts);
        }
        Objects.requireNonNull(webhookRetryBase, "webhookRetryBase");
        if (webhookRetryBase.isNegative() || webhookRetryBase.isZero()) {
            throw new IllegalArgumentException("webhookRetryBase must be positive, got " + webhookRetryBase);
        }
        httpHost = requireText(httpHost, "httpHost");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be from 0 to 65535, got " + httpPort);
        }
        notificationListeners = List.copyOf(notificationListeners == null ? List.of() : notificationListeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.brokerUrl = brokerUrl;
        b.mqttClientId = mqttClientId;
        b.mqttUsername = mqttUsername.orElse(null);
        b.mqttPassword = mqttPassword.orElse(null);
        b.jdbcUrl = jdbcUrl;
        b.jdbcUser = jdbcUser.orElse(null);
        b.jdbcPassword = jdbcPassword.orElse(null);
        b.webhookUrl = webhookUrl.map(URI::toString).orElse(null);
        b.webhookAttempts = webhookAttempts;
        b.webhookRetryBase = webhookRetryBase;
        b.httpHost = httpHost;
        b.httpPort = httpPort;
        b.notificationListeners.addAll(notificationListeners);
        return b;
    }

    /** Whether the database is PostgreSQL rather than SQLite. */
    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "BridgeOptions[brokerUrl=" + Redaction.url(brokerUrl)
                + ", mqttClientId=" + mqttClientId
                + ", mqttUsername=" + mqttUsername.orElse("-")
                + ", mqttPassword=" + mqttPassword.map(p -> "***").orElse("-")
                + ", jdbcUrl=" + Redaction.jdbcUrl(jdbcUrl)
                + ", jdbcUser=" + jdbcUser.orElse("-")
                + ", jdbcPassword=" + jdbcPassword.map(p -> "***").orElse("-")
                + ", webhookUrl=" + webhookUrl.map(Redaction::url).orElse("-")
                + ", webhookAttempts=" + webhookAttempts
                + ", webhookRetryBase=" + webhookRetryBase
                + ", httpHost=" + httpHost
                + ", httpPort=" + httpPort
                + ", notificationListeners=" + notificationListeners.size() + "]";
    }

    private static <T> Optional<T> orEmpty(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value.trim();
    }

    private static String requireMqttUrl(String url) {
        String value = requireText(url, "brokerUrl");
        URI uri = parse(value, "brokerUrl", "an MQTT URL such as tcp://127.0.0.1:1883");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!MQTT_SCHEMES.contains(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("brokerUrl '" + Redaction.url(value)
                    + "' is not an MQTT URL: expected tcp://host:port (or ssl://, ws://, wss://)");
        }
        return value;
    }

    private static String requireJdbcUrl(String url) {
        String value = requireText(url, "jdbcUrl");
        if (!value.startsWith("jdbc:sqlite:") && !value.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl '" + Redaction.jdbcUrl(value)
                    + "' is not supported: expected jdbc:sqlite:<file> or jdbc:postgresql://host/db");
        }
        return value;
    }

    private static void requireHttpUrl(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("webhookUrl '" + Redaction.url(uri)
                    + "' is not an http:// or https:// URL with a host");
        }
    }

    private static URI parse(String value, String name, String expected) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " '" + Redaction.url(value) + "' is not " + expected
                    + ": " + e.getReason());
        }
    }

    /** Collects options; every unset one keeps its default. */
    public static final class Builder {
        private String brokerUrl = DEFAULT_BROKER_URL;
        private String mqttClientId = "anxin-bridge-" + UUID.randomUUID().toString().substring(0, 8);
        private String mqttUsername;
        private String mqttPassword;
        private String jdbcUrl = DEFAULT_JDBC_URL;
        private String jdbcUser;
        private String jdbcPassword;
        private String webhookUrl;
        private int webhookAttempts = DEFAULT_WEBHOOK_ATTEMPTS;
        private Duration webhookRetryBase = DEFAULT_WEBHOOK_RETRY_BASE;
        private String httpHost = DEFAULT_HTTP_HOST;
        private int httpPort = DEFAULT_HTTP_PORT;
        private final List<NotificationListener> notificationListeners = new ArrayList<>();

        private Builder() {
        }

        public Builder brokerUrl(String brokerUrl) {
            this.brokerUrl = brokerUrl;
            return this;
        }

        public Builder mqttClientId(String mqttClientId) {
            this.mqttClientId = mqttClientId;
            return this;
        }

        public Builder mqttUsername(String mqttUsername) {
            this.mqttUsername = mqttUsername;
            return this;
        }

        public Builder mqttPassword(String mqttPassword) {
            this.mqttPassword = mqttPassword;
            return this;
        }

        public Builder jdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
            return this;
        }

        public Builder jdbcUser(String jdbcUser) {
            this.jdbcUser = jdbcUser;
            return this;
        }

        public Builder jdbcPassword(String jdbcPassword) {
            this.jdbcPassword = jdbcPassword;
            return this;
        }

        /** The webhook URL, or {@code null} (or blank) for none. */
        public Builder webhookUrl(String webhookUrl) {
            this.webhookUrl = webhookUrl;
            return this;
        }

        public Builder webhookAttempts(int webhookAttempts) {
            this.webhookAttempts = webhookAttempts;
            return this;
        }

        public Builder webhookRetryBase(Duration webhookRetryBase) {
            this.webhookRetryBase = webhookRetryBase;
            return this;
        }

        public Builder httpHost(String httpHost) {
            this.httpHost = httpHost;
            return this;
        }

        public Builder httpPort(int httpPort) {
            this.httpPort = httpPort;
            return this;
        }

        public Builder notificationListener(NotificationListener listener) {
            notificationListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @throws IllegalArgumentException saying which value is wrong and why */
        public BridgeOptions build() {
            return new BridgeOptions(brokerUrl, mqttClientId, blankToEmpty(mqttUsername), blankToEmpty(mqttPassword),
                    jdbcUrl, blankToEmpty(jdbcUser), blankToEmpty(jdbcPassword),
                    blankToEmpty(webhookUrl).map(url -> parse(url.trim(), "webhookUrl", "an http(s) URL")),
                    webhookAttempts, webhookRetryBase, httpHost, httpPort, notificationListeners);
        }

        private static Optional<String> blankToEmpty(String value) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }
    }
}
