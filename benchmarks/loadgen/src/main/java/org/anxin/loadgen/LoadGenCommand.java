package org.anxin.loadgen;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code benchmarks/loadgen.sh}: the flags of {@link LoadGenOptions}, documented in benchmarks/README.md. */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = {"Simulated Anxin gateways, each on its own MQTT connection, speaking the documented protocol"
                + " (birth, last will, heartbeats, readings, alerts, signed with their own keys) to a broker on this"
                + " machine, and the figures of the bridge behind it. Bounded: at most 20,000 gateways, one hour,"
                + " loopback addresses only."})
public final class LoadGenCommand implements Callable<Integer> {

    @Option(names = "--broker", paramLabel = "URL", defaultValue = "tcp://127.0.0.1:1883",
            description = "MQTT broker on this machine (default: ${DEFAULT-VALUE})")
    URI broker;
    @Option(names = "--gateways", paramLabel = "N", defaultValue = "100", description = "gateways, one connection each, at most 20000 (default: ${DEFAULT-VALUE})")
    int gateways;
    @Option(names = "--id-prefix", paramLabel = "PREFIX", defaultValue = "lg-", description = "gateway ids are PREFIX and a number (default: ${DEFAULT-VALUE})")
    String idPrefix;
    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "60", description = "the whole run, at most 3600 (default: ${DEFAULT-VALUE})")
    long duration;
    @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "60", description = "heartbeat period (default: ${DEFAULT-VALUE})")
    long heartbeat;
    @Option(names = "--readings-per-minute", paramLabel = "R", defaultValue = "0", description = "readings per gateway a minute (default: ${DEFAULT-VALUE})")
    double readingsPerMinute;
    @Option(names = "--alerts-per-minute", paramLabel = "A", defaultValue = "0", description = "emergency calls per gateway a minute (default: ${DEFAULT-VALUE})")
    double alertsPerMinute;
    @Option(names = "--connect-rate", paramLabel = "N", defaultValue = "500", description = "connections a second; 0: all at once, a reconnect storm (default: ${DEFAULT-VALUE})")
    int connectRate;
    @Option(names = "--backlog", paramLabel = "N", defaultValue = "0", description = "readings in each gateway's outbox before it connects (default: ${DEFAULT-VALUE})")
    int backlog;
    @Option(names = "--backlog-alert", description = "each gateway also holds one alert, stored after its backlog")
    boolean backlogAlert;
    @Option(names = "--inflight", paramLabel = "N", defaultValue = "256", description = "messages each gateway has unacknowledged by the broker, at most, as the uplink's maxInflight (default: ${DEFAULT-VALUE})")
    int inflight;
    @Option(names = "--drop", paramLabel = "N", defaultValue = "0", description = "gateways that fall silent at once (default: ${DEFAULT-VALUE})")
    int drop;
    @Option(names = "--drop-after", paramLabel = "SECONDS", defaultValue = "60", description = "when they do (default: ${DEFAULT-VALUE})")
    long dropAfter;
    @Option(names = "--sign", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "sign with each gateway's own key, registered with the bridge first; --no-sign needs a bridge with --allow-unsigned-gateways (default: ${DEFAULT-VALUE})")
    boolean sign;
    @Option(names = "--bridge", paramLabel = "URL", description = "the bridge's REST API on this machine, e.g. http://127.0.0.1:8080/")
    URI bridge;
    @Option(names = "--bridge-user", paramLabel = "USER", description = "an operator of the bridge, to register the gateways' keys")
    String bridgeUser;
    @Option(names = "--bridge-password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_ADMIN_PASSWORD}",
            description = "its password (default: environment variable ANXIN_ADMIN_PASSWORD)")
    String bridgePassword;
    @Option(names = "--receiver-port", paramLabel = "PORT", description = "listen on 127.0.0.1:PORT for the bridge's webhook feed (start the bridge with --webhook http://127.0.0.1:PORT/feed)")
    Integer receiverPort;
    @Option(names = "--bridge-pid", paramLabel = "PID", description = "the bridge's process, whose CPU and heap are sampled")
    Long bridgePid;

    @Override
    public Integer call() throws Exception {
        LoadGenOptions options;
        try {
            options = new LoadGenOptions(broker, gateways, idPrefix, Duration.ofSeconds(duration), Duration.ofSeconds(heartbeat),
                    readingsPerMinute, alertsPerMinute, connectRate, backlog, backlogAlert, inflight, drop,
                    Duration.ofSeconds(dropAfter), sign, Optional.ofNullable(bridge), Optional.ofNullable(bridgeUser),
                    Optional.ofNullable(bridgePassword), Optional.ofNullable(receiverPort), Optional.ofNullable(bridgePid));
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            return 2;
        }
        new LoadGen(options, Clock.systemUTC(), System.out).run();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenCommand()).execute(args));
    }
}
