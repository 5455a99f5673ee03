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
                "--http-host", "--http-port", "--mqtt-user", "--mqtt-password", "--mqtt-client-id");
    }

    @Test
    void badOptionValueIsReportedWithoutStarting() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BridgeCommand()).setErr(new PrintWriter(err));
        assertThat(cli.execute("--broker", "http://nope")).isEqualTo(2);
        assertThat(err.toString()).contains("brokerUrl 'http://nope' is not an MQTT URL");
    }
}
