package org.anxin.uplink;

import java.net.URI;
import java.time.Duration;
import org.anxin.protocol.Reading;

/**
 * The uplink's settings, checked.
 *
 * @param password never logged; {@link #toString()} hides it
 */
public record UplinkOptions(String gatewayId, String brokerUrl, String username, String password,
                            Duration heartbeat, int maxInflight, Duration maxReconnectWait) {

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
    }

    public static UplinkOptions of(String gatewayId, String brokerUrl) {
        return new UplinkOptions(gatewayId, brokerUrl, "", "", Duration.ofSeconds(60), 64, Duration.ofSeconds(60));
    }

    public static UplinkOptions from(UplinkConfig config) {
        return new UplinkOptions(trim(config.gatewayId()), trim(config.brokerUrl()), trim(config.username()),
                config.password(), Duration.ofSeconds(config.heartbeatSeconds()), config.maxInflight(),
                Duration.ofSeconds(config.maxReconnectSeconds()));
    }

    public UplinkOptions withHeartbeat(Duration heartbeat) {
        return new UplinkOptions(gatewayId, brokerUrl, username, password, heartbeat, maxInflight, maxReconnectWait);
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    @Override
    public String toString() {
        return "UplinkOptions[gatewayId=" + gatewayId + ", brokerUrl=" + brokerUrl + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "" : "***") + ", heartbeat=" + heartbeat
                + ", maxInflight=" + maxInflight + ", maxReconnectWait=" + maxReconnectWait + "]";
    }
}
