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
                            TlsOptions tls, PrivateKey signingKey, Confirming confirming) {

    /** On what a row leaves the outbox. */
    public enum DeleteOn {
        /** the bridge's receipt that it stored the message (docs/store-and-forward.md) */
        BRIDGE,
        /** the broker's PUBACK, as before receipts: for a gateway whose bridge predates them */
        BROKER;

        static DeleteOn parse(String s) {
            for (DeleteOn d : values()) {
                if (d.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return d;
                }
            }
            throw new IllegalArgumentException("'deleteOn' must be bridge or broker, got '" + s + "'");
        }
    }

    /**
     * How the uplink waits for the bridge's receipts.
     *
     * @param deleteOn what deletes a row
     * @param confirmWait how long a message the broker acknowledged waits for the bridge's receipt before it is sent again
     * @param maxUnconfirmed readings acknowledged by the broker and not yet confirmed, at most; alerts
     *     are sent whatever the count
     * @param bridgeKey the bridge's public key, which signs receipts, asked at each receipt (the
     *     gateway's remote configuration may arrive after the uplink started); {@code null}, or a
     *     {@code null} from it, takes them unchecked
     */
    public record Confirming(DeleteOn deleteOn, Duration confirmWait, int maxUnconfirmed,
                             java.util.function.Supplier<java.security.PublicKey> bridgeKey) {

        public static final Confirming DEFAULT = new Confirming(DeleteOn.BRIDGE, Duration.ofSeconds(60), 2000, null);
        /** Delete on the broker's PUBACK: for a test's plain subscriber, or a bridge before receipts. */
        public static final Confirming BY_BROKER = new Confirming(DeleteOn.BROKER, Duration.ofSeconds(60), 2000, null);

        public Confirming {
            java.util.Objects.requireNonNull(deleteOn, "deleteOn");
            if (confirmWait == null || confirmWait.isNegative() || confirmWait.isZero()) {
                throw new IllegalArgumentException("'confirmSeconds' must be positive, got " + confirmWait);
            }
            if (maxUnconfirmed < 1) {
                throw new IllegalArgumentException("'maxUnconfirmed' must be at least 1, got " + maxUnconfirmed);
            }
        }

        public Confirming withConfirmWait(Duration confirmWait) {
            return new Confirming(deleteOn, confirmWait, maxUnconfirmed, bridgeKey);
        }

        public Confirming withBridgeKey(java.security.PublicKey bridgeKey) {
            return new Confirming(deleteOn, confirmWait, maxUnconfirmed, () -> bridgeKey);
        }

        public Confirming withBridgeKey(java.util.function.Supplier<java.security.PublicKey> bridgeKey) {
            return new Confirming(deleteOn, confirmWait, maxUnconfirmed, bridgeKey);
        }

        /** The key receipts must verify with now; {@code null} for none. */
        public java.security.PublicKey bridgeKeyNow() {
            return bridgeKey == null ? null : bridgeKey.get();
        }

        public Confirming withMaxUnconfirmed(int maxUnconfirmed) {
            return new Confirming(deleteOn, confirmWait, maxUnconfirmed, bridgeKey);
        }

        @Override
        public String toString() {
            return "Confirming[deleteOn=" + deleteOn + ", confirmWait=" + confirmWait + ", maxUnconfirmed=" + maxUnconfirmed + "]";
        }
    }

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
        if (confirming == null) {
            confirming = Confirming.DEFAULT;
        }
        if (!tls.isDefault() && !scheme.equals("ssl")) {
            throw new IllegalArgumentException("TLS certificates are configured but 'brokerUrl' is " + brokerUrl
                    + "; use ssl://host:8883");
        }
    }

    public static UplinkOptions of(String gatewayId, String brokerUrl) {
        return new UplinkOptions(gatewayId, brokerUrl, "", "", Duration.ofSeconds(60), 64, Duration.ofMillis(500),
                Duration.ofSeconds(60), TlsOptions.NONE, null, Confirming.DEFAULT);
    }

    /**
     * @param configDir the gateway's config directory, against which a relative {@code signingKey}
     *     is resolved (it is written there by {@code ./anxin provision}); {@code null} for the working directory
     * @param bridgeKey the bridge's public key, which signs receipts (remote configuration's
     *     {@code bridgeKey}), asked at each receipt
     */
    public static UplinkOptions from(UplinkConfig config, Path configDir,
                                     java.util.function.Supplier<java.security.PublicKey> bridgeKey) {
        TlsOptions tls = new TlsOptions(pathOrNull(config.trustStore()), config.trustStorePassword(),
                pathOrNull(config.keyStore()), config.keyStorePassword());
        Path keyFile = pathOrNull(config.signingKey());
        if (keyFile != null && configDir != null) {
            keyFile = configDir.resolve(keyFile);
        }
        return new UplinkOptions(trim(config.gatewayId()), trim(config.brokerUrl()), trim(config.username()),
                config.password(), Duration.ofSeconds(config.heartbeatSeconds()), config.maxInflight(),
                Duration.ofMillis(500), Duration.ofSeconds(config.maxReconnectSeconds()), tls,
                keyFile == null ? null : GatewayKeyFile.read(keyFile),
                new Confirming(DeleteOn.parse(config.deleteOn()), Duration.ofSeconds(config.confirmSeconds()),
                        config.maxUnconfirmed(), bridgeKey));
    }

    public UplinkOptions withConfirming(Confirming confirming) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey, confirming);
    }

    public UplinkOptions withSigningKey(PrivateKey signingKey) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey, confirming);
    }

    public UplinkOptions withHeartbeat(Duration heartbeat) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey, confirming);
    }

    public UplinkOptions withCredentials(String username, String password) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey, confirming);
    }

    public UplinkOptions withTls(TlsOptions tls) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey, confirming);
    }

    public UplinkOptions withMaxInflight(int maxInflight) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, minReconnectWait,
                maxReconnectWait, tls, signingKey, confirming);
    }

    public UplinkOptions withReconnectWaits(Duration min, Duration max) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, min, max, tls, signingKey, confirming);
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
                + ", tls=" + tls + ", signed=" + (signingKey != null) + ", " + confirming + "]";
    }
}
