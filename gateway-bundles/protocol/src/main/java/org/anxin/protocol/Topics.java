package org.anxin.protocol;

import java.util.Optional;

/**
 * The topic layout: {@code anxin/v1/gw/<gateway>/<channel>}.
 */
public final class Topics {

    public static final String ROOT = "anxin/v1/gw";

    /** Everything every gateway sends; the bridge subscribes to this. */
    public static final String ALL_FROM_GATEWAYS = ROOT + "/+/#";

    private Topics() {
    }

    public static String of(String gateway, Channel channel) {
        return ROOT + "/" + Reading.requireDeviceId(gateway) + "/" + channel.path();
    }

    /** The gateway and channel of a topic, or empty when the topic is not ours. */
    public static Optional<Address> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT + "/")) {
            return Optional.empty();
        }
        String rest = topic.substring(ROOT.length() + 1);
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String gateway = rest.substring(0, slash);
        Channel channel = Channel.fromPath(rest.substring(slash + 1));
        if (channel == null || !Reading.DEVICE_ID.matcher(gateway).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Address(gateway, channel));
    }

    public record Address(String gateway, Channel channel) {
    }
}
