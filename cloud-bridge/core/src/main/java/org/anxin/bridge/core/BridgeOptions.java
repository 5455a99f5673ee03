package org.anxin.bridge.core;

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
 * @param notificationListeners told of every notification's outcome, on the thread that sent it
 * @param mqttShareGroup the MQTT 5 shared-subscription group all instances of one bridge join, so
 *     the broker gives each message to one of them; empty (the default) for one instance with a
 *     plain MQTT 3.1.1 subscription
 * @param adminUser an operator account created (or given this password) on start
 * @param adminPassword its password, at least 10 characters
 * @param publicUrl the bridge's address as recipients reach it, for acknowledgement links;
 *     the REST API's own address when empty
 * @param smtp the SMTP server e-mail goes through; no e-mail when empty
 * @param sms the HTTP SMS gateway; no SMS when empty
 * @param deliveryAttempts how many times a message to a person is tried before it counts as failed
 * @param deliveryRetryBase the wait before its first retry; it doubles with each further retry
 * @param supervisionInterval a gateway silent this long raises GATEWAY_OFFLINE
 * @param escalationPollInterval how often due escalation steps and deliveries are looked for
 * @param sessionLength how long an operator's login lasts
 * @param zone the time zone of the times in messages to people, e.g. {@code Asia/Shanghai}
 * @param instanceTimeout with a share group: an instance not alive in the database for this long
 *     is dead, and another drains and ends its MQTT session
 * @param signingKeyFile the bridge's Ed25519 private key (Base64 PKCS#8), which signs configuration
 *     documents and commands; created with a new key when missing. Every instance of one bridge
 *     must be given the same file: gateways trust only the key they were provisioned with
 * @param publicBrokerUrl the broker's address as gateways reach it, told to installers when a
 *     gateway is provisioned; the bridge's own {@code brokerUrl} (without credentials) when empty
 * @param allowUnsignedGateways hear a gateway that has no registered key (one provisioned before
 *     gateways signed their messages) without a signature. Off by default: then such a gateway's
 *     messages are refused, since anyone who can publish to the broker could have sent them. A
 *     gateway with a registered key must sign whatever this says.
 * @param fallbackRecipients the last resort of an alert that reaches nobody else (its gateway in no
 *     home, or its home's policy reaching nobody) when no operator is on duty, each
 *     {@code channel:address} ({@code sms:+8613800001111}, {@code email:duty@example.org},
 *     {@code webhook:https://...}); when empty and nobody is on duty, such an alert is logged as
 *     an error and waits in the console's unassigned list
 * @param metricsToken the bearer token a Prometheus server presents at {@code GET /metrics}, at
 *     least {@value #MIN_METRICS_TOKEN_LENGTH} characters; {@code /metrics} answers 404 when empty
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
        List<NotificationListener> notificationListeners,
        String mqttShareGroup,
        Optional<String> adminUser,
        Optional<String> adminPassword,
        Optional<URI> publicUrl,
        Optional<Smtp> smtp,
        Optional<SmsGateway> sms,
        int deliveryAttempts,
        Duration deliveryRetryBase,
        Duration supervisionInterval,
        Duration escalationPollInterval,
        Duration sessionLength,
        Duration instanceTimeout,
        java.time.ZoneId zone,
        java.nio.file.Path signingKeyFile,
        Optional<String> publicBrokerUrl,
        boolean allowUnsignedGateways,
        List<String> fallbackRecipients,
        Optional<String> metricsToken) {

    /** Long enough that guessing it over HTTP is hopeless. */
    public static final int MIN_METRICS_TOKEN_LENGTH = 24;

    /**
     * An SMTP server.
     *
     * @param startTls require STARTTLS before anything is sent
     */
    public record Smtp(String host, int port, Optional<String> username, Optional<String> password, String from,
                       boolean startTls) {
        public Smtp {
            host = requireText(host, "smtpHost");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("smtpPort must be from 1 to 65535, got " + port);
            }
            username = orEmpty(username);
            password = orEmpty(password);
            from = requireText(from, "smtpFrom");
            if (!from.contains("@")) {
                throw new IllegalArgumentException("smtpFrom '" + from + "' is not an e-mail address");
            }
        }

        @Override
        public String toString() {
            return "Smtp[" + host + ":" + port + ", user=" + username.orElse("-") + ", password="
                    + password.map(p -> "***").orElse("-") + ", from=" + from + ", startTls=" + startTls + "]";
        }
    }

    /**
     * An HTTP SMS gateway. {@code {phone}} and {@code {text}} in the URL and body templates are
     * replaced by the recipient's number and the message.
     *
     * @param urlTemplate e.g. {@code https://sms.example/send?to={phone}&msg={text}}
     * @param bodyTemplate the POST body, e.g. {@code {"to":"{phone}","text":"{text}"}}; a GET when empty
     * @param contentType the body's content type
     * @param authorization an {@code Authorization} header value, never logged
     */
    public record SmsGateway(String urlTemplate, Optional<String> bodyTemplate, String contentType,
                             Optional<String> authorization) {
        public SmsGateway {
            urlTemplate = requireText(urlTemplate, "smsUrl");
            URI probe = parse(urlTemplate.replace("{phone}", "0").replace("{text}", "x"), "smsUrl", "an http(s) URL");
            String scheme = probe.getScheme() == null ? "" : probe.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || probe.getHost() == null) {
                throw new IllegalArgumentException("smsUrl must be an http:// or https:// URL template with a host");
            }
            bodyTemplate = orEmpty(bodyTemplate);
            if (!urlTemplate.contains("{phone}") && bodyTemplate.map(b -> !b.contains("{phone}")).orElse(true)) {
                throw new IllegalArgumentException("the SMS templates must place {phone} in the URL or the body");
            }
            contentType = contentType == null || contentType.isBlank() ? "application/json; charset=utf-8" : contentType;
            authorization = orEmpty(authorization);
        }

        @Override
        public String toString() {
            return "SmsGateway[" + Redaction.url(urlTemplate.replace("{phone}", "P").replace("{text}", "T"))
                    + ", body=" + bodyTemplate.isPresent() + ", authorization=" + authorization.map(a -> "***").orElse("-")
                    + "]";
        }
    }

    public static final String DEFAULT_BROKER_URL = "tcp://127.0.0.1:1883";
    public static final String DEFAULT_JDBC_URL = "jdbc:sqlite:anxin-bridge.db";
    public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_WEBHOOK_ATTEMPTS = 5;
    public static final Duration DEFAULT_WEBHOOK_RETRY_BASE = Duration.ofMillis(500);
    /** No shared subscription by default: MQTT 3.1.1, which every broker (Moquette too) speaks. */
    public static final String DEFAULT_MQTT_SHARE_GROUP = "";
    public static final int DEFAULT_DELIVERY_ATTEMPTS = 6;
    public static final Duration DEFAULT_DELIVERY_RETRY_BASE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SUPERVISION_INTERVAL = Duration.ofMinutes(3);
    public static final Duration DEFAULT_ESCALATION_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SESSION_LENGTH = Duration.ofHours(12);
    public static final Duration DEFAULT_INSTANCE_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_SIGNING_KEY_FILE = "anxin-bridge-signing.key";
    private static final java.util.regex.Pattern SHARE_GROUP = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{0,64}");

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
        mqttShareGroup = mqttShareGroup == null ? "" : mqttShareGroup.trim();
        if (!SHARE_GROUP.matcher(mqttShareGroup).matches()) {
            throw new IllegalArgumentException("mqttShareGroup '" + mqttShareGroup + "' must match " + SHARE_GROUP.pattern());
        }
        adminUser = orEmpty(adminUser);
        adminPassword = orEmpty(adminPassword);
        if (adminUser.isPresent() != adminPassword.isPresent()) {
            throw new IllegalArgumentException("adminUser and adminPassword go together");
        }
        if (adminUser.isPresent()) {
            Credentials.requireValid(adminUser.get(), adminPassword.get());
        }
        publicUrl = orEmpty(publicUrl);
        publicUrl.ifPresent(u -> {
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw new IllegalArgumentException("publicUrl '" + u + "' is not an http:// or https:// URL with a host");
            }
        });
        publicUrl = publicUrl.map(u -> u.toString().endsWith("/") ? u : URI.create(u + "/"));
        smtp = orEmpty(smtp);
        sms = orEmpty(sms);
        if (deliveryAttempts < 1) {
            throw new IllegalArgumentException("deliveryAttempts must be at least 1, got " + deliveryAttempts);
        }
        requirePositive(deliveryRetryBase, "deliveryRetryBase");
        requirePositive(supervisionInterval, "supervisionInterval");
        requirePositive(escalationPollInterval, "escalationPollInterval");
        requirePositive(sessionLength, "sessionLength");
        requirePositive(instanceTimeout, "instanceTimeout");
        zone = zone == null ? java.time.ZoneOffset.UTC : zone;
        Objects.requireNonNull(signingKeyFile, "signingKeyFile");
        publicBrokerUrl = orEmpty(publicBrokerUrl);
        if (publicBrokerUrl.isPresent()) {
            String url = publicBrokerUrl.get().trim();
            URI uri = parse(url, "publicBrokerUrl", "an MQTT URL such as ssl://mqtt.example.org:8883");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!MQTT_SCHEMES.contains(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException("publicBrokerUrl '" + Redaction.url(url)
                        + "' is not an MQTT URL: expected tcp://host:port (or ssl://, ws://, wss://)");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("publicBrokerUrl must not hold credentials: installers are shown it");
            }
            publicBrokerUrl = Optional.of(url);
        }
        fallbackRecipients = List.copyOf(fallbackRecipients == null ? List.of() : fallbackRecipients);
        for (String r : fallbackRecipients) {
            int colon = r.indexOf(':');
            if (colon < 1 || !Channel.NAMES.contains(r.substring(0, colon)) || colon == r.length() - 1) {
                throw new IllegalArgumentException("fallback recipient '" + r + "' must be channel:address with"
                        + " channel webhook, email or sms");
            }
        }
        metricsToken = orEmpty(metricsToken);
        if (metricsToken.isPresent() && metricsToken.get().length() < MIN_METRICS_TOKEN_LENGTH) {
            throw new IllegalArgumentException("metricsToken must be at least " + MIN_METRICS_TOKEN_LENGTH
                    + " characters, got " + metricsToken.get().length());
        }
    }

    /** The broker's address for gateways: {@link #publicBrokerUrl()}, else the bridge's own without credentials. */
    public String brokerUrlForGateways() {
        return publicBrokerUrl.orElseGet(() -> Redaction.url(brokerUrl));
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
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
        b.mqttShareGroup = mqttShareGroup;
        b.adminUser = adminUser.orElse(null);
        b.adminPassword = adminPassword.orElse(null);
        b.publicUrl = publicUrl.map(URI::toString).orElse(null);
        b.smtp = smtp.orElse(null);
        b.sms = sms.orElse(null);
        b.deliveryAttempts = deliveryAttempts;
        b.deliveryRetryBase = deliveryRetryBase;
        b.supervisionInterval = supervisionInterval;
        b.escalationPollInterval = escalationPollInterval;
        b.sessionLength = sessionLength;
        b.instanceTimeout = instanceTimeout;
        b.zone = zone;
        b.signingKeyFile = signingKeyFile;
        b.publicBrokerUrl = publicBrokerUrl.orElse(null);
        b.allowUnsignedGateways = allowUnsignedGateways;
        b.fallbackRecipients.addAll(fallbackRecipients);
        b.metricsToken = metricsToken.orElse(null);
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
                + ", notificationListeners=" + notificationListeners.size()
                + ", mqttShareGroup=" + (mqttShareGroup.isEmpty() ? "-" : mqttShareGroup)
                + ", adminUser=" + adminUser.orElse("-")
                + ", adminPassword=" + adminPassword.map(p -> "***").orElse("-")
                + ", publicUrl=" + publicUrl.map(Redaction::url).orElse("-")
                + ", smtp=" + smtp.map(Smtp::toString).orElse("-")
                + ", sms=" + sms.map(SmsGateway::toString).orElse("-")
                + ", deliveryAttempts=" + deliveryAttempts
                + ", deliveryRetryBase=" + deliveryRetryBase
                + ", supervisionInterval=" + supervisionInterval
                + ", escalationPollInterval=" + escalationPollInterval
                + ", sessionLength=" + sessionLength
                + ", instanceTimeout=" + instanceTimeout
                + ", zone=" + zone
                + ", signingKeyFile=" + signingKeyFile
                + ", publicBrokerUrl=" + publicBrokerUrl.orElse("-")
                + ", allowUnsignedGateways=" + allowUnsignedGateways
                + ", fallbackRecipients=" + fallbackRecipients.size()
                + ", metricsToken=" + metricsToken.map(p -> "***").orElse("-") + "]";
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
        private String mqttShareGroup = DEFAULT_MQTT_SHARE_GROUP;
        private String adminUser;
        private String adminPassword;
        private String publicUrl;
        private Smtp smtp;
        private SmsGateway sms;
        private int deliveryAttempts = DEFAULT_DELIVERY_ATTEMPTS;
        private Duration deliveryRetryBase = DEFAULT_DELIVERY_RETRY_BASE;
        private Duration supervisionInterval = DEFAULT_SUPERVISION_INTERVAL;
        private Duration escalationPollInterval = DEFAULT_ESCALATION_POLL_INTERVAL;
        private Duration sessionLength = DEFAULT_SESSION_LENGTH;
        private Duration instanceTimeout = DEFAULT_INSTANCE_TIMEOUT;
        private java.time.ZoneId zone = java.time.ZoneOffset.UTC;
        private java.nio.file.Path signingKeyFile = java.nio.file.Path.of(DEFAULT_SIGNING_KEY_FILE);
        private String publicBrokerUrl;
        private boolean allowUnsignedGateways;
        private final List<String> fallbackRecipients = new ArrayList<>();
        private String metricsToken;

        private Builder() {
        }

        /** The token for {@code GET /metrics}; {@code null} or blank to serve no metrics. */
        public Builder metricsToken(String metricsToken) {
            this.metricsToken = metricsToken;
            return this;
        }

        /** The shared-subscription group; {@code null} or blank for a plain subscription. */
        public Builder mqttShareGroup(String mqttShareGroup) {
            this.mqttShareGroup = mqttShareGroup;
            return this;
        }

        /** An operator account to create on start (both or neither). */
        public Builder admin(String user, String password) {
            this.adminUser = user;
            this.adminPassword = password;
            return this;
        }

        public Builder publicUrl(String publicUrl) {
            this.publicUrl = publicUrl;
            return this;
        }

        /** E-mail through this SMTP server; {@code null} for none. */
        public Builder smtp(Smtp smtp) {
            this.smtp = smtp;
            return this;
        }

        /** SMS through this HTTP gateway; {@code null} for none. */
        public Builder sms(SmsGateway sms) {
            this.sms = sms;
            return this;
        }

        public Builder deliveryAttempts(int deliveryAttempts) {
            this.deliveryAttempts = deliveryAttempts;
            return this;
        }

        public Builder deliveryRetryBase(Duration deliveryRetryBase) {
            this.deliveryRetryBase = deliveryRetryBase;
            return this;
        }

        public Builder supervisionInterval(Duration supervisionInterval) {
            this.supervisionInterval = supervisionInterval;
            return this;
        }

        public Builder escalationPollInterval(Duration escalationPollInterval) {
            this.escalationPollInterval = escalationPollInterval;
            return this;
        }

        /** The time zone of the times in messages to people; UTC by default. */
        public Builder zone(java.time.ZoneId zone) {
            this.zone = zone;
            return this;
        }

        /** The signing key's file; {@value #DEFAULT_SIGNING_KEY_FILE} in the working directory by default. */
        public Builder signingKeyFile(java.nio.file.Path signingKeyFile) {
            this.signingKeyFile = signingKeyFile;
            return this;
        }

        /** The broker's address as gateways reach it; {@code null} or blank for the bridge's own. */
        public Builder publicBrokerUrl(String publicBrokerUrl) {
            this.publicBrokerUrl = publicBrokerUrl;
            return this;
        }

        /** Hear gateways with no registered key, unsigned: for the time their installations are upgraded. */
        public Builder allowUnsignedGateways(boolean allowUnsignedGateways) {
            this.allowUnsignedGateways = allowUnsignedGateways;
            return this;
        }

        /** Adds a fallback recipient, {@code channel:address}. */
        public Builder fallbackRecipient(String recipient) {
            this.fallbackRecipients.add(recipient);
            return this;
        }

        public Builder instanceTimeout(Duration instanceTimeout) {
            this.instanceTimeout = instanceTimeout;
            return this;
        }

        public Builder sessionLength(Duration sessionLength) {
            this.sessionLength = sessionLength;
            return this;
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
                    webhookAttempts, webhookRetryBase, httpHost, httpPort, notificationListeners, mqttShareGroup,
                    blankToEmpty(adminUser), blankToEmpty(adminPassword),
                    blankToEmpty(publicUrl).map(url -> parse(url.trim(), "publicUrl", "an http(s) URL")),
                    Optional.ofNullable(smtp), Optional.ofNullable(sms), deliveryAttempts, deliveryRetryBase,
                    supervisionInterval, escalationPollInterval, sessionLength, instanceTimeout, zone, signingKeyFile,
                    blankToEmpty(publicBrokerUrl), allowUnsignedGateways, fallbackRecipients,
                    blankToEmpty(metricsToken));
        }

        private static Optional<String> blankToEmpty(String value) {
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
        }
    }
}
