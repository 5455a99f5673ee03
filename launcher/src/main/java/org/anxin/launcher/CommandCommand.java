package org.anxin.launcher;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.anxin.protocol.MessageCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code anxin command}: sends an operator command to a gateway through the bridge and prints its
 * answer, for installers and operators at a shell (pairing, a siren test, diagnostics).
 */
@Command(name = "command",
        mixinStandardHelpOptions = true,
        description = {"Sends a command to a gateway through the bridge and prints the gateway's answer:",
                "  permit-join [seconds=N]        open the Zigbee network for pairing (60 s by default)",
                "  test-siren [seconds=N]         sound the siren for N s (5 by default)",
                "  mode mode=away|visit|home [until=2026-12-01T18:00:00Z]",
                "  diagnostics                    versions, uptime, store, components, devices",
                "  rollback [version=N]           back to the previous (or a kept) configuration",
                "Exits 0 when the gateway carried it out, 1 when it refused (the reason is printed),"
                        + " 2 when the bridge could not deliver it (offline gateway, no answer)."})
final class CommandCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--bridge", paramLabel = "URL", required = true, description = "the bridge's REST API")
    URI bridge;

    @Option(names = "--user", paramLabel = "USER", required = true, description = "operator account on the bridge")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_OPERATOR_PASSWORD}",
            description = "its password (default: $ANXIN_OPERATOR_PASSWORD)")
    String password;

    @Option(names = "--gateway", paramLabel = "ID", required = true, description = "the gateway")
    String gateway;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "how long to wait for the gateway's answer (default: ${DEFAULT-VALUE})")
    int timeout;

    @Parameters(index = "0", paramLabel = "NAME", description = "permit-join, test-siren, mode, diagnostics or rollback")
    String name;

    @Parameters(index = "1..*", paramLabel = "ARG=VALUE", description = "the command's arguments")
    Map<String, String> args = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (password == null || password.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--password (or ANXIN_OPERATOR_PASSWORD) is required");
        }
        BridgeClient client;
        try {
            client = BridgeClient.login(bridge, user, password, Duration.ofSeconds(timeout + 30L));
        } catch (IOException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        Map<String, Object> typed = new LinkedHashMap<>();
        // numbers as numbers, so seconds=120 reaches the gateway as 120, not "120"
        args.forEach((k, v) -> typed.put(k, v.matches("-?\\d{1,18}") ? (Object) Long.parseLong(v) : v));
        body.put("args", typed);
        body.put("timeoutSeconds", timeout);
        BridgeClient.Answer answer = client.post("api/gateways/" + gateway + "/commands", body);
        if (answer.status() != 200) {
            System.err.println("not delivered (" + answer.status() + "): " + answer.error());
            return 2;
        }
        if (!answer.json().path("ok").asBoolean()) {
            System.err.println(gateway + " refused " + name + ": " + answer.json().path("error").asText());
            return 1;
        }
        System.out.println(MessageCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(answer.json().path("result")));
        return 0;
    }
}
