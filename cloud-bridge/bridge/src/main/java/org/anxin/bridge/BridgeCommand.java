package org.anxin.bridge;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.anxin.bridge.core.BridgeOptions;
import org.anxin.bridge.core.NamedThreads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code anxin bridge}: runs the cloud bridge until the process is interrupted. */
@Command(name = "bridge",
        mixinStandardHelpOptions = true,
        description = {"Runs the cloud bridge: receives the gateways' messages over MQTT, stores them in"
                + " SQLite or PostgreSQL, escalates alerts to the homes' contacts, visitors and service centre"
                + " (webhook, e-mail, SMS), POSTs every alert to a webhook feed, watches the gateways, and serves"
                + " a REST API described at /api/openapi.json. Stops on Ctrl-C."})
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

    @Option(names = "--mqtt-share-group", paramLabel = "GROUP", defaultValue = BridgeOptions.DEFAULT_MQTT_SHARE_GROUP,
            description = "join this MQTT 5 shared-subscription group, so that several bridge instances (one database)"
                    + " share the load; needs an MQTT 5 broker such as Mosquitto (default: none, one instance, MQTT 3.1.1)")
    String mqttShareGroup;

    @Option(names = "--admin-user", paramLabel = "USER",
            description = "create (or reset the password of) this operator on start")
    String adminUser;

    @Option(names = "--admin-password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_ADMIN_PASSWORD}",
            description = "its password: 12 characters or more, not all digits, not a common one (default: environment variable ANXIN_ADMIN_PASSWORD)")
    String adminPassword;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "the bridge's address as recipients reach it, for acknowledgement links (default: the REST API's)")
    String publicUrl;

    @Option(names = "--smtp-host", paramLabel = "HOST", description = "send e-mail through this SMTP server")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "PORT", defaultValue = "587", description = "SMTP port (default: ${DEFAULT-VALUE})")
    int smtpPort;

    @Option(names = "--smtp-user", paramLabel = "USER", description = "SMTP user")
    String smtpUser;

    @Option(names = "--smtp-password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_SMTP_PASSWORD}",
            description = "SMTP password (default: environment variable ANXIN_SMTP_PASSWORD)")
    String smtpPassword;

    @Option(names = "--smtp-from", paramLabel = "ADDRESS", description = "sender address of the e-mails")
    String smtpFrom;

    @Option(names = "--smtp-starttls", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "require STARTTLS (default: ${DEFAULT-VALUE})")
    boolean smtpStartTls;

    @Option(names = "--sms-url", paramLabel = "TEMPLATE",
            description = "HTTP SMS gateway URL template with {phone} and {text}, e.g. https://sms.example/send?to={phone}")
    String smsUrl;

    @Option(names = "--sms-body", paramLabel = "TEMPLATE",
            description = "POST body template with {phone} and {text}; without it the request is a GET")
    String smsBody;

    @Option(names = "--sms-content-type", paramLabel = "TYPE", defaultValue = "application/json; charset=utf-8",
            description = "content type of the SMS body (default: ${DEFAULT-VALUE})")
    String smsContentType;

    @Option(names = "--sms-authorization", paramLabel = "VALUE", defaultValue = "${env:ANXIN_SMS_AUTHORIZATION}",
            description = "Authorization header for the SMS gateway (default: environment variable ANXIN_SMS_AUTHORIZATION)")
    String smsAuthorization;

    @Option(names = "--supervision-seconds", paramLabel = "SECONDS", defaultValue = "180",
            description = "a gateway silent this long raises GATEWAY_OFFLINE (default: ${DEFAULT-VALUE})")
    long supervisionSeconds;

    @Option(names = "--instance-timeout-seconds", paramLabel = "SECONDS", defaultValue = "60",
            description = "with a share group: an instance silent this long is dead, and another one drains its"
                    + " MQTT session (default: ${DEFAULT-VALUE})")
    long instanceTimeoutSeconds;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
            description = "time zone of the times in messages to people, e.g. Asia/Shanghai (default: ${DEFAULT-VALUE})")
    String zone;

    @Option(names = "--signing-key", paramLabel = "FILE", defaultValue = BridgeOptions.DEFAULT_SIGNING_KEY_FILE,
            description = "the bridge's Ed25519 private key (Base64 PKCS#8), which signs configuration and commands;"
                    + " made on first start if missing, readable by its owner only. Every instance of one bridge needs"
                    + " the same file: gateways trust only the key they were provisioned with (default: ${DEFAULT-VALUE})")
    java.nio.file.Path signingKey;

    @Option(names = "--public-broker", paramLabel = "URL",
            description = "the MQTT broker as gateways reach it, told to installers when a gateway is provisioned"
                    + " (default: --broker without credentials)")
    String publicBroker;

    @Option(names = "--allow-unsigned-gateways",
            description = "hear gateways that have no registered key (provisioned before gateways signed their messages)"
                    + " without a signature, while they are upgraded; anyone who can publish to the broker can then speak"
                    + " for them (default: refused)")
    boolean allowUnsignedGateways;
    @Option(names = "--fallback-recipient", paramLabel = "CHANNEL:ADDRESS",
            description = "the last resort of an alert that reaches nobody else (a gateway in no home, a"
                    + " policy reaching nobody) when no operator is on duty, e.g. sms:+8613800001111,"
                    + " email:duty@example.org, webhook:https://...; repeatable")
    java.util.List<String> fallbackRecipients = new java.util.ArrayList<>();
    @Option(names = "--metrics-token", paramLabel = "TOKEN", defaultValue = "${env:ANXIN_METRICS_TOKEN}",
            description = "serve GET /metrics (Prometheus) to requests bearing this token, 24 characters or more"
                    + " (default: environment variable ANXIN_METRICS_TOKEN; unset: no metrics are served)")
    String metricsToken;

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

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
                .httpPort(httpPort)
                .mqttShareGroup(mqttShareGroup)
                .publicUrl(publicUrl)
                .signingKeyFile(signingKey)
                .publicBrokerUrl(publicBroker)
                .allowUnsignedGateways(allowUnsignedGateways)
                .metricsToken(metricsToken);
        fallbackRecipients.forEach(builder::fallbackRecipient);
        if (adminUser != null || (adminPassword != null && !adminPassword.isBlank())) {
            builder.admin(adminUser, adminPassword);
        }
        if (mqttClientId != null) {
            builder.mqttClientId(mqttClientId);
        }
        PrintWriter out = spec.commandLine().getOut();
        BridgeOptions options;
        try {
            if (smtpHost != null) {
                builder.smtp(new BridgeOptions.Smtp(smtpHost, smtpPort, Optional.ofNullable(blank(smtpUser)),
                        Optional.ofNullable(blank(smtpPassword)), smtpFrom, smtpStartTls));
            }
            if (smsUrl != null) {
                builder.sms(new BridgeOptions.SmsGateway(smsUrl, Optional.ofNullable(blank(smsBody)), smsContentType,
                        Optional.ofNullable(blank(smsAuthorization))));
            }
            builder.supervisionInterval(java.time.Duration.ofSeconds(supervisionSeconds));
            builder.instanceTimeout(java.time.Duration.ofSeconds(instanceTimeoutSeconds));
            try {
                builder.zone(java.time.ZoneId.of(zone));
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("zone '" + zone + "' is not a time zone such as Asia/Shanghai");
            }
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
