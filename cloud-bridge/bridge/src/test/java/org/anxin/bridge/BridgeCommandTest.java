package org.anxin.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BridgeCommandTest {

    @Test
    void helpListsEveryOption() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BridgeCommand()).setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("--broker", "--db", "--db-user", "--db-password", "--webhook",
                "--http-host", "--http-port", "--mqtt-user", "--mqtt-password", "--mqtt-client-id", "--mqtt-share-group",
                "--admin-user", "--admin-password", "--public-url", "--smtp-host", "--smtp-from", "--sms-url",
                "--sms-body", "--supervision-seconds");
    }

    @Test
    void badOptionValueIsReportedWithoutStarting() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BridgeCommand()).setErr(new PrintWriter(err));
        assertThat(cli.execute("--broker", "http://nope")).isEqualTo(2);
        assertThat(err.toString()).contains("brokerUrl 'http://nope' is not an MQTT URL");
    }

    @Test
    void badChannelOptionIsReportedWithoutStarting() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BridgeCommand()).setErr(new PrintWriter(err));
        assertThat(cli.execute("--sms-url", "https://sms.example/send")).isEqualTo(2);
        assertThat(err.toString()).contains("must place {phone}");
    }

    @Test
    void anUnknownTimeZoneIsReportedWithoutStarting() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BridgeCommand()).setErr(new PrintWriter(err));
        assertThat(cli.execute("--zone", "Mars/Olympus")).isEqualTo(2);
        assertThat(err.toString()).contains("zone 'Mars/Olympus' is not a time zone");
    }
}
