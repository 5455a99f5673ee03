package org.anxin.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.anxin.broker.BrokerAccounts;
import org.anxin.broker.MosquittoPasswords;
import java.util.regex.Pattern;
import org.anxin.detection.DetectionOptions;
import org.anxin.protocol.GatewayKeyFile;
import org.anxin.protocol.Reading;
import org.anxin.protocol.Signatures;
import org.anxin.secrets.SecretFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code anxin provision}: one command for an installer setting up a new gateway. It registers the
 * gateway with its home on the bridge, fetches the bridge's public key, makes the gateway's MQTT
 * credentials and its own Ed25519 key pair (the public half registered with the bridge, the private
 * half in an owner-only file beside the config), and writes the gateway's config directory. See
 * docs/installing.md.
 */
@Command(name = "provision",
        mixinStandardHelpOptions = true,
        description = {"Provisions a new gateway: registers it with a home on the bridge, creates its identity"
                + " (gateway id, its own signing key) and MQTT credentials, and writes its config directory with the bridge's public key,"
                + " so the gateway applies only configuration and commands the bridge signed. Copy the directory to"
                + " the gateway and start it with ./anxin gateway --config DIR. See docs/installing.md."})
final class ProvisionCommand implements Callable<Integer> {

    /** The gateway's key pair, in the config directory (FileInstall reads only {@code *.cfg}). */
    static final String KEY_FILE = "gateway.key";

    @Spec
    CommandSpec spec;

    @Option(names = "--bridge", paramLabel = "URL", required = true, description = "the bridge's REST API, e.g. https://bridge.example.org/")
    URI bridge;

    @Option(names = "--user", paramLabel = "USER", required = true, description = "operator or installer account on the bridge")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "${env:ANXIN_OPERATOR_PASSWORD}",
            description = "its password (default: $ANXIN_OPERATOR_PASSWORD)")
    String password;

    @Option(names = "--home", paramLabel = "ID", required = true, description = "the home the gateway watches, as registered on the bridge")
    String home;

    @Option(names = "--gateway", paramLabel = "ID", description = "the gateway's id (default: gw- and 8 random hex digits)")
    String gateway;

    @Option(names = "--config", paramLabel = "DIR", defaultValue = "conf", description = "config directory to write (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--broker", paramLabel = "URL", description = "the MQTT broker the gateway connects to (default: the one the bridge names)")
    String broker;

    @Option(names = "--mqtt-passwords", paramLabel = "FILE",
            description = "add the gateway's MQTT account to this Mosquitto password file (password_file), created if missing")
    Path mqttPasswords;

    @Option(names = "--mqtt-acl", paramLabel = "FILE",
            description = "write the broker's ACL file (acl_file): each gateway publishes and reads only its own topics,"
                    + " the bridge's account reads all and sends the downlinks")
    Path mqttAcl;

    @Option(names = "--mqtt-bridge-user", paramLabel = "USER", defaultValue = BrokerAccounts.DEFAULT_BRIDGE_USER,
            description = "the bridge's MQTT user, for the ACL (default: ${DEFAULT-VALUE})")
    String bridgeUser;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "the home's time zone, written as the detection setting zone, e.g. Asia/Urumqi (default: the"
                    + " zone already in the config directory, else Asia/Shanghai: the bridge's homes have Chinese addresses and no zone)")
    String zone;

    @Option(names = "--force", description = "overwrite a config directory that already holds a gateway's identity")
    boolean force;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (password == null || password.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--password (or ANXIN_OPERATOR_PASSWORD) is required");
        }
        String id = gateway != null ? gateway : "gw-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        if (!Reading.DEVICE_ID.matcher(id).matches()) {
            throw new ParameterException(spec.commandLine(), "--gateway '" + id + "' is not an id: letters, digits, '.', '_' and '-'");
        }
        try {
            BrokerAccounts.requireUser(bridgeUser);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--mqtt-bridge-user: " + e.getMessage());
        }
        if (mqttPasswords != null && !force && Files.exists(mqttPasswords)
                && BrokerAccounts.readPasswords(mqttPasswords).containsKey(id)) {
            throw new ParameterException(spec.commandLine(), mqttPasswords + " already has the MQTT user " + id
                    + ": another gateway has this id. Use another --gateway, or --force to give it a new password");
        }
        if (id.equals(bridgeUser)) {
            throw new ParameterException(spec.commandLine(), "--gateway '" + id + "' is the bridge's MQTT user: a gateway with"
                    + " that name would get the bridge's rights on the broker");
        }
        String homeZone = zone == null ? null : checkedZone(zone);
        Path uplinkFile = config.resolve("org.anxin.uplink.cfg");
        if (Files.exists(uplinkFile) && !force) {
            throw new ParameterException(spec.commandLine(), uplinkFile + " exists: this directory already holds a gateway;"
                    + " use another --config or --force");
        }
        // a new key each time: re-provisioning replaces the gateway's key on the bridge too
        KeyPair gatewayKey = Signatures.generate();
        BridgeClient client = BridgeClient.login(bridge, user, password, Duration.ofSeconds(30));
        System.out.println("logged in to " + client.base() + " as " + user + "; registering gateway " + id + " with home " + home);
        BridgeClient.Answer answer = client.post("api/gateways/" + id + "/provision",
                Map.of("home", home, "gatewayKey", Signatures.encode(gatewayKey.getPublic())));
        if (!answer.ok()) {
            throw new IOException("the bridge refused: " + answer.status() + " " + answer.error());
        }
        JsonNode provisioned = answer.json();
        String bridgeKey = provisioned.path("bridgeKey").asText();
        Signatures.publicKey(bridgeKey); // a bridge that answered something else is caught here, not on the gateway
        String brokerUrl = broker != null ? broker : provisioned.path("brokerUrl").asText();
        String mqttPassword = MosquittoPasswords.newPassword();

        // the broker's account first: a gateway whose files exist but the broker does not know is worse than neither
        if (mqttPasswords != null) {
            try {
                BrokerAccounts.putUser(mqttPasswords, id, mqttPassword, force);
            } catch (IllegalStateException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (mqttAcl != null) {
            BrokerAccounts.writeAcl(mqttAcl, bridgeUser);
        }
        Files.createDirectories(config);
        Path keyFile = config.resolve(KEY_FILE);
        Files.deleteIfExists(keyFile); // only with --force, checked above: the bridge now knows the new key alone
        GatewayKeyFile.create(keyFile, gatewayKey);
        SecretFiles.write(config.resolve("org.anxin.uplink.cfg"), "# gateway " + id + " of home " + home
                + ", provisioned by ./anxin provision; holds its MQTT password: keep it 0600\n"
                + "gatewayId=" + id + "\nbrokerUrl=" + brokerUrl + "\nusername=" + id + "\npassword=" + mqttPassword
                + "\n# this gateway's own key, which signs all it sends (relative to this directory)\nsigningKey=" + KEY_FILE + "\n",
                StandardCharsets.ISO_8859_1);
        SecretFiles.write(config.resolve("org.anxin.remote.cfg"), "# the bridge's Ed25519 public key: only what it signed is applied\n"
                + "bridgeKey=" + bridgeKey + "\n", StandardCharsets.ISO_8859_1);
        writeIfAbsent(config.resolve("org.anxin.store.cfg"), "path=outbox.db\ncapacityMegabytes=128\n");
        Path detection = config.resolve("org.anxin.detection.cfg");
        String zoneWritten = writeZone(detection, homeZone);
        writeIfAbsent(detection, "# the defaults; the bridge may push this home's own\ncallRearmSeconds=300\n"
                + "# the home's time zone: the hours of its routine and of the night are read in it\n"
                + DetectionOptions.Setting.ZONE.property() + "=" + zoneWritten + "\n");
        System.out.println("gateway " + id + " provisioned:");
        System.out.println("  config directory " + config.toAbsolutePath() + " (the MQTT password is in org.anxin.uplink.cfg,"
                + " the gateway's private key in " + KEY_FILE + ", owner-only; keep both private)");
        System.out.println("  broker " + brokerUrl + ", MQTT user " + id);
        System.out.println("  time zone " + zoneWritten + " (" + detection.getFileName() + ")");
        System.out.println(mqttPasswords != null
                ? "  MQTT user added to " + mqttPasswords + "; reload Mosquitto (kill -HUP) to let it in"
                : "  add the MQTT user to the broker, e.g. mosquitto_passwd -b <password_file> " + id + " <password from the file>");
        if (mqttAcl != null) {
            System.out.println("  broker ACL written to " + mqttAcl + " (bridge user " + bridgeUser + "); Mosquitto needs:"
                    + " allow_anonymous false, password_file " + (mqttPasswords != null ? mqttPasswords : "<file>")
                    + ", acl_file " + mqttAcl + " (docs/installing.md)");
        }
        System.out.println("next: copy the directory to the gateway, run ./anxin gateway --config <dir>, then pair the sensors"
                + " (docs/installing.md)");
        return 0;
    }

    /** The zone as the detection setting reads it; one that is no zone is refused before the bridge is asked. */
    private String checkedZone(String given) {
        try {
            return DetectionOptions.fromProperties(Map.of(DetectionOptions.Setting.ZONE.property(), given)).zone().getId();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--zone: " + e.getMessage());
        }
    }

    /**
     * The zone the detection file gets: {@code given}, put in place of the zone of a file kept from
     * before (re-provisioning keeps the home's other settings); else the file's own, else the default.
     */
    private static String writeZone(Path file, String given) throws IOException {
        String property = DetectionOptions.Setting.ZONE.property();
        if (!Files.exists(file)) {
            return given != null ? given : DetectionOptions.Setting.ZONE.defaultValue();
        }
        Properties kept = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            kept.load(in);
        }
        if (given == null) {
            return kept.getProperty(property, DetectionOptions.Setting.ZONE.defaultValue()).trim();
        }
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            if (!line.strip().matches(Pattern.quote(property) + "\\s*[=:].*")) {
                text.append(line).append('\n');
            }
        }
        text.append(property).append('=').append(given).append('\n');
        write(file, text.toString());
        return given;
    }

    private static void writeIfAbsent(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            write(file, text);
        }
    }

    private static void write(Path file, String text) throws IOException {
        // no secret in it; written the same atomic way, so FileInstall never reads half of it
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.ISO_8859_1);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
