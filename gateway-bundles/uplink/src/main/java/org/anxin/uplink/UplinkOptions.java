package org.anxin.uplink;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.security.PrivateKey;
import org.anxin.protocol.GatewayKeyFile;
import org.anxin.protocol.Reading;
import org.anxin.protocol.SignedEnvelope;

/**
 * The uplink's settings, checked.
 *
 * @param password never logged; {@link #toString()} hides it
 * @param tls the certificates for an {@code ssl://} broker; {@link TlsOptions#NONE} for the JVM's defaults
 * @param minReconnectWait the first wait after a lost connection; it doubles up to {@code maxReconnectWait}
 * @param signingKey this gateway's own Ed25519 key, which signs everything it sends
 *     ({@link SignedEnvelope}); {@code null} for a gateway provisioned before signatures, whose
 *     messages a bridge accepts only when it allows unsigned gateways. Never logged.
 */
public record UplinkOptions(String gatewayId, String brokerUrl, String username, String password,
                            Duration heartbeat, int maxInflight, Duration minReconnectWait, Duration maxReconnectWait,
                            TlsOptions tls, PrivateKey signingKey) {

    /**
     * TLS material, all optional.
     *
     * @param trustStore the CA certificate(s) the broker's certificate must chain to: a PEM or DER
     *     certificate file, or a PKCS#12 / JKS store ({@code .p12}, {@code .pfx}, {@code .jks});
     *     {@code null} for the JVM's default trust
     * @param keyStore this gateway's client certificate and key, PKCS#12 ({@code .p12}) or JKS;
     *     {@code null} for none
     */
    public record TlsOptions(Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) {

        public static final TlsOptions NONE = new TlsOptions(null, "", null, "");

        public boolean isDefault() {
            return trustStore == null && keyStore == null;
        }

        @Override
        public String toString() {
            return "TlsOptions[trustStore=" + trustStore + ", keyStore=" + keyStore + "]";
        }
    }

    public UplinkOptions {
        if (gatewayId == null || gatewayId.isBlank()) {
            throw new IllegalArgumentException("'gatewayId' is required");
        }
        Reading.requireDeviceId(gatewayId);
        String scheme = brokerUrl == null ? null : URI.create(brokerUrl).getScheme();
        if (scheme == null || !(scheme.equals("tcp") || scheme.equals("ssl"))) {
            throw new IllegalArgumentException("'brokerUrl' must look like tcp://host:1883 or ssl://host:8883, got " + brokerUrl);
        }
        if (maxInflight < 1) {
            throw new IllegalArgumentException("'maxInflight' must be at least 1");
        }
        if (minReconnectWait.isNegative() || minReconnectWait.isZero() || minReconnectWait.compareTo(maxReconnectWait) > 0) {
            throw new IllegalArgumentException("reconnect waits must satisfy 0 < min <= max, got " + minReconnectWait
                    + " and " + maxReconnectWait);
        }
        if (tls == null) {
            tls = TlsOptions.NONE;
        }
        if (!tls.isDefault() && !scheme.equals("ssl")) {
            throw new IllegalArgumentException("TLS certificates are configured but 'brokerUrl' is " + brokerUrl
                    + "; use ssl://host:8883");
        }
    }

    public static UplinkOptions of(String gatewayId, String brokerUrl) {
        return new UplinkOptions(gatewayId, brokerUrl, "", "", Duration.ofSeconds(60), 64, Duration.ofMillis(500),
                Duration.ofSeconds(60), TlsOptions.NONE, null);
    }

    /**
     * @param configDir the gateway's config directory, against which a relative {@code signingKey}
     *     is resolved (it is written there by {@code ./anxin provision}); {@code null} for the working directory
     */
    public static UplinkOptions from(UplinkConfig config, Path configDir) {
        TlsOptions tls = new TlsOptions(pathOrNull(config.trustStore()), config.trustStorePassword(),
                pathOrNull(config.keyStore()), config.keyStorePassword());
        Path keyFile = pathOrNull(config.signingKey());
        if (keyFile != null && configDir != null) {
            keyFile = configDir.resolve(keyFile);
        }
        return new UplinkOptions(trim(config.gatewayId()), trim(config.brokerUrl()), trim(config.username()),
                config.password(), Duration.ofSeconds(config.heartbeatSeconds()), config.maxInflight(),
                Duration.ofMillis(500), Duration.ofSeconds(config.maxReconnectSeconds()), tls,
                keyFile == null ? null : GatewayKeyFile.read(keyFile));
    }

    public UplinkOptions withSigningKey(PrivateKey signingKey) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey);
    }

    public UplinkOptions withHeartbeat(Duration heartbeat) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey);
    }

    public UplinkOptions withCredentials(String username, String password) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey);
    }

    public UplinkOptions withTls(TlsOptions tls) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey);
    }

    public UplinkOptions withMaxInflight(int maxInflight) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey);
    }

    public UplinkOptions withReconnectWaits(Duration min, Duration max) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, min, max, tls, signingKey);
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static Path pathOrNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }

    @Override
    public String toString() {
        return "UplinkOptions[gatewayId=" + gatewayId + ", brokerUrl=" + brokerUrl + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "" : "***") + ", heartbeat=" + heartbeat
                + ", maxInflight=" + maxInflight + ", reconnectWait=" + minReconnectWait + ".." + maxReconnectWait
                + ", tls=" + tls + ", signed=" + (signingKey != null) + "]";
    }
}
