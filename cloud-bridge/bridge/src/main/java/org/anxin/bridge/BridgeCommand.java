package org.anxin.bridge;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code anxin bridge}: runs the cloud bridge until the process is interrupted. */
@Command(name = "bridge",
        mixinStandardHelpOptions = true,
        description = {"Runs the cloud bridge: receives the gateways' messages over MQTT, stores them in"
                + " SQLite or PostgreSQL, POSTs alerts to a webhook and serves a REST API (/api/gateways,"
                + " /api/alerts, /api/health). Stops on Ctrl-C."})
public final class BridgeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--broker", paramLabel = "URL", defaultValue = BridgeOptions.DEFAULT_BROKER_URL,
            description = "MQTT broker (default: ${DEFAULT-VALUE})")
    String broker;

    @Option(names = "--mqtt-user", paramLabel = "USER", description = "MQTT user name")
    String mqttUser;

    @Option(names = "--mqtt-password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_MQTT_PASSWORD}",
            description = "MQTT password (default: environment variable ANXIN_MQTT_PASSWORD)")
    String mqttPassword;

    @Option(names = "--mqtt-client-id", paramLabel = "ID",
            description = "MQTT client id; give a stable one to receive messages queued while the bridge was"
                    + " down (default: anxin-bridge-<random>)")
    String mqttClientId;

    @Option(names = "--db", paramLabel = "JDBC-URL", defaultValue = BridgeOptions.DEFAULT_JDBC_URL,
            description = "jdbc:sqlite:<file> or jdbc:postgresql://host/db (default: ${DEFAULT-VALUE})")
    String db;

    @Option(names = "--db-user", paramLabel = "USER", description = "database user")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_DB_PASSWORD}",
            description = "database password (default: environment variable ANXIN_DB_PASSWORD)")
    String dbPassword;

    @Option(names = "--webhook", paramLabel = "URL",
            description = "POST alert notifications to this http(s) URL (default: none, alerts are only stored)")
    String webhook;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = BridgeOptions.DEFAULT_HTTP_HOST,
            description = "REST API address (default: ${DEFAULT-VALUE})")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + BridgeOptions.DEFAULT_HTTP_PORT,
            description = "REST API port, 0 for any free one (default: ${DEFAULT-VALUE})")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        BridgeOptions.Builder builder = BridgeOptions.builder()
                .brokerUrl(broker)
                .mqttUsername(mqttUser)
                .mqttPassword(mqttPassword)
                .jdbcUrl(db)
                .jdbcUser(dbUser)
                .jdbcPassword(dbPassword)
                .webhookUrl(webhook)
                .httpHost(httpHost)
                .httpPort(httpPort);
        if (mqttClientId != null) {
            builder.mqttClientId(mqttClientId);
        }
        PrintWriter out = spec.commandLine().getOut();
        BridgeOptions options;
        try {
            options = builder.build();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("anxin bridge: " + e.getMessage());
            return 2;
        }
        Bridge bridge;
        try {
            bridge = Bridge.start(options);
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("anxin bridge: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            bridge.close();
            stopped.countDown();
        }, NamedThreads.PREFIX + "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("Anxin bridge running; REST API at " + bridge.httpUri() + "api/health. Ctrl-C stops it.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            bridge.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran; the bridge is closed either way
            }
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
