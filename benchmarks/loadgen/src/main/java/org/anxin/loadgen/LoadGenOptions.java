package org.anxin.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One run of the load generator, checked: every bound is enforced here, so the tool cannot be
 * pointed at another machine nor left running.
 *
 * @param broker the MQTT broker, {@code tcp://HOST:PORT} on a loopback address
 * @param gateways how many gateways connect, each its own MQTT connection (at most {@value #MAX_GATEWAYS})
 * @param idPrefix gateway ids are this prefix and a number; the prefix matches the protocol's id pattern
 * @param duration the whole run, connecting included (at most {@value #MAX_DURATION_SECONDS} s)
 * @param heartbeat each gateway's heartbeat period
 * @param readingsPerMinute readings each gateway sends a minute (0: none but its backlog)
 * @param alertsPerMinute alerts each gateway raises a minute (0: none but the backlog's)
 * @param connectRate new connections a second while connecting; 0 connects every gateway at once (a storm)
 * @param backlog readings each gateway holds in its outbox before it connects, drained at connect
 * @param backlogAlert each gateway also holds one alert, stored after its backlog, which leaves first
 * @param inflight messages each gateway has published and the broker not yet acknowledged, at most
 *     (the uplink's {@code maxInflight})
 * @param drop how many gateways fall silent at once, {@code dropAfter} into the run
 * @param dropAfter when they do
 * @param sign sign every message with the gateway's own Ed25519 key (schema 2), registered with the
 *     bridge before the run; unsigned messages need a bridge started with {@code --allow-unsigned-gateways}
 * @param bridge the bridge's REST API on a loopback address: its stored counter is followed, and keys registered
 * @param bridgeUser an operator of the bridge, for registering the keys
 * @param bridgePassword its password
 * @param receiverPort the port of the local webhook receiver the bridge's feed ({@code --webhook}) posts to
 * @param bridgePid the bridge's process, whose CPU and heap are sampled
 */
public record LoadGenOptions(
        URI broker,
        int gateways,
        String idPrefix,
        Duration duration,
        Duration heartbeat,
        double readingsPerMinute,
        double alertsPerMinute,
        int connectRate,
        int backlog,
        boolean backlogAlert,
        int inflight,
        int drop,
        Duration dropAfter,
        boolean sign,
        Optional<URI> bridge,
        Optional<String> bridgeUser,
        Optional<String> bridgePassword,
        Optional<Integer> receiverPort,
        Optional<Long> bridgePid) {

    /** Past this a single loopback machine measures its own exhaustion (ports, descriptors), not the bridge. */
    public static final int MAX_GATEWAYS = 20_000;
    public static final long MAX_DURATION_SECONDS = 3_600;
    /** A backlog is held in memory as signed payloads, about 0.6 kB each: 10 million is 6 GB. */
    public static final long MAX_BACKLOG_MESSAGES = 10_000_000;
    private static final Pattern ID_PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    public LoadGenOptions {
        broker = requireLoopback(broker, "broker", "tcp");
        if (broker.getPort() < 1) {
            throw new IllegalArgumentException("broker " + broker + " needs a port, e.g. tcp://127.0.0.1:1883");
        }
        if (gateways < 1 || gateways > MAX_GATEWAYS) {
            throw new IllegalArgumentException("gateways must be from 1 to " + MAX_GATEWAYS + ", got " + gateways);
        }
        if (idPrefix == null || !ID_PREFIX.matcher(idPrefix).matches()) {
            throw new IllegalArgumentException("id prefix '" + idPrefix + "' must match " + ID_PREFIX.pattern());
        }
        if (duration == null || duration.toSeconds() < 1 || duration.toSeconds() > MAX_DURATION_SECONDS) {
            throw new IllegalArgumentException("duration must be from 1 to " + MAX_DURATION_SECONDS + " seconds, got "
                    + (duration == null ? null : duration.toSeconds()));
        }
        if (heartbeat == null || heartbeat.toSeconds() < 1) {
            throw new IllegalArgumentException("heartbeat must be at least 1 second");
        }
        requireRate(readingsPerMinute, "readings per minute");
        requireRate(alertsPerMinute, "alerts per minute");
        if (connectRate < 0) {
            throw new IllegalArgumentException("connect rate must be 0 (all at once) or more, got " + connectRate);
        }
        if (backlog < 0 || (long) backlog * gateways > MAX_BACKLOG_MESSAGES) {
            throw new IllegalArgumentException("backlog must be 0 or more, and gateways x backlog at most "
                    + MAX_BACKLOG_MESSAGES + ", got " + gateways + " x " + backlog);
        }
        if (inflight < 1 || inflight > 65_535) {
            throw new IllegalArgumentException("inflight must be from 1 to 65535, got " + inflight);
        }
        if (drop < 0 || drop > gateways) {
            throw new IllegalArgumentException("drop must be from 0 to the number of gateways (" + gateways + "), got " + drop);
        }
        if (drop > 0 && (dropAfter == null || dropAfter.isNegative() || dropAfter.compareTo(duration) >= 0)) {
            throw new IllegalArgumentException("drop-after must fall within the run's duration");
        }
        bridge = bridge == null ? Optional.empty() : bridge.map(b -> requireLoopback(b, "bridge", "http"));
        bridgeUser = bridgeUser == null ? Optional.empty() : bridgeUser.filter(s -> !s.isBlank());
        bridgePassword = bridgePassword == null ? Optional.empty() : bridgePassword.filter(s -> !s.isBlank());
        if (sign && (bridge.isEmpty() || bridgeUser.isEmpty() || bridgePassword.isEmpty())) {
            throw new IllegalArgumentException("signing registers each gateway's key with the bridge: give the bridge's"
                    + " URL, an operator and its password");
        }
        receiverPort = receiverPort == null ? Optional.empty() : receiverPort;
        receiverPort.ifPresent(p -> {
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("receiver port must be from 0 to 65535, got " + p);
            }
        });
        bridgePid = bridgePid == null ? Optional.empty() : bridgePid;
    }

    /** The id of gateway {@code n}, zero-padded so that ids sort in order. */
    public String gatewayId(int n) {
        return String.format(Locale.ROOT, "%s%05d", idPrefix, n);
    }

    private static void requireRate(double rate, String what) {
        if (!(rate >= 0) || rate > 60_000) {
            throw new IllegalArgumentException(what + " must be from 0 to 60000, got " + rate);
        }
    }

    /**
     * Only this machine is a target: the address is resolved and must be a loopback one
     * (127.0.0.0/8 or ::1), so a name that points elsewhere is refused too.
     */
    static URI requireLoopback(URI uri, String what, String scheme) {
        if (uri == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (uri.getScheme() == null || !uri.getScheme().toLowerCase(Locale.ROOT).equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " " + uri + " must be a " + scheme + "://HOST:PORT address");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + " host '" + uri.getHost() + "' does not resolve");
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException(what + " " + uri + " is not on this machine (" + address.getHostAddress()
                    + "): the load generator only targets loopback addresses");
        }
        return uri;
    }
}
