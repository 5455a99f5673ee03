package org.anxin.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.anxin.protocol.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package as built by this module: its fields and files as dpkg-deb reads them, the unit as
 * systemd-analyze reads it, and the package installed by dpkg into a throw-away root (its own
 * passwd, group and dpkg database; the maintainer scripts run against it through
 * {@code $DPKG_ROOT}), upgraded over itself, and the gateway started from there with the unit's
 * own command line.
 */
class DebPackageIT {

    private static final Path DEB = Path.of(System.getProperty("anxin.deb"));
    private static final String UNIT = "lib/systemd/system/anxin-gateway.service";
    private static final List<String> CONFFILES = List.of("/etc/anxin/org.anxin.detection.cfg", "/etc/anxin/org.anxin.store.cfg",
            "/etc/anxin/org.anxin.uplink.cfg");

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void asRoot() throws Exception {
        // dpkg gives files to the user anxin (chown): only root may
        assertThat(run("id", "-u").trim()).as("the package is installed as root").isEqualTo("0");
        assertThat(DEB).exists();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void thePackageIsForEveryArchitectureAndDependsOnDebiansJava17() throws Exception {
        assertThat(run("dpkg-deb", "--field", DEB.toString(), "Package", "Architecture", "Depends").lines())
                .containsExactly("Package: anxin-gateway", "Architecture: all",
                        "Depends: openjdk-17-jre-headless | java17-runtime-headless, adduser, passwd, init-system-helpers (>= 1.54~)");
    }

    @Test
    void theConfigurationIsConffilesAndTheMqttPasswordsFileIsOwnerOnly() throws Exception {
        assertThat(run("dpkg-deb", "--info", DEB.toString(), "conffiles").lines()).containsExactlyInAnyOrderElementsOf(CONFFILES);
        Map<String, String> modes = new HashMap<>();
        for (String line : run("dpkg-deb", "--contents", DEB.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            modes.put(f[f.length - 1], f[0] + " " + f[1]);
        }
        assertThat(modes).containsEntry("./opt/anxin/gateway.jar", "-rw-r--r-- root/root")
                .containsEntry("./" + UNIT, "-rw-r--r-- root/root")
                .containsEntry("./etc/anxin/", "drwxr-x--- root/root")
                .containsEntry("./etc/anxin/org.anxin.uplink.cfg", "-rw------- root/root")
                .containsEntry("./etc/anxin/org.anxin.detection.cfg", "-rw-r--r-- root/root")
                .containsEntry("./var/lib/anxin/", "drwxr-x--- root/root")
                .containsKey("./usr/share/doc/anxin-gateway/packaging.md");
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerifyAndHasTheWatchdogTheLimitsAndTheHardening() throws Exception {
        Path root = dir.resolve("x");
        run("dpkg-deb", "-x", DEB.toString(), root.toString());
        Path unit = root.resolve(UNIT);
        // it prints a warning for every unknown key or bad value, and exits 0 all the same
        assertThat(run("systemd-analyze", "verify", unit.toString())).isEmpty();
        Map<String, String> service = settings(unit);
        assertThat(service).containsEntry("Type", "notify").containsEntry("NotifyAccess", "main")
                .containsEntry("WatchdogSec", "60").containsEntry("Restart", "on-failure")
                .containsEntry("StartLimitIntervalSec", "0").containsEntry("User", "anxin")
                .containsEntry("MemoryMax", "256M").containsEntry("StandardOutput", "journal")
                .containsEntry("ProtectSystem", "strict").containsEntry("ReadWritePaths", "/etc/anxin /var/lib/anxin")
                .containsEntry("NoNewPrivileges", "yes")
                // each of these would close /dev/gpiochip* or /dev/ttyUSB* to the gateway
                .doesNotContainKeys("PrivateDevices", "DevicePolicy", "DeviceAllow", "ProtectClock", "ProtectKernelLogs",
                        "MemoryDenyWriteExecute");
        assertThat(service.get("ExecStart")).startsWith("/usr/bin/java -Xmx64m ")
                .endsWith(" -Dfelix.fileinstall.dir=/etc/anxin -Danxin.data=/var/lib/anxin -jar /opt/anxin/gateway.jar");
    }

    @Test
    void installedTheUserAnxinOwnsItsDirectoriesAndSecretsHasTheGpioAndSerialGroupsAndTheUnitIsEnabled() throws Exception {
        Path root = emptyRoot();
        install(root);

        String[] user = line(root.resolve("etc/passwd"), "anxin:").split(":");
        assertThat(user[5]).isEqualTo("/var/lib/anxin");
        assertThat(user[6]).isEqualTo("/usr/sbin/nologin");
        assertThat(Integer.parseInt(user[2])).as("a system uid").isLessThan(1000);
        assertThat(line(root.resolve("etc/group"), "gpio:")).endsWith(":anxin");
        assertThat(line(root.resolve("etc/group"), "dialout:")).endsWith(":anxin");
        String owner = user[2] + ":" + user[3];

        assertThat(stat(root.resolve("etc/anxin"))).isEqualTo("750 " + owner);
        assertThat(stat(root.resolve("var/lib/anxin"))).isEqualTo("750 " + owner);
        assertThat(stat(root.resolve("etc/anxin/org.anxin.uplink.cfg"))).isEqualTo("600 " + owner);
        assertThat(stat(root.resolve("etc/anxin/org.anxin.detection.cfg"))).isEqualTo("644 0:0");
        assertThat(stat(root.resolve("opt/anxin/gateway.jar"))).isEqualTo("644 0:0");
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/anxin-gateway.service")).isSymbolicLink();
        assertThat(run("dpkg", "--root=" + root, "--verify", "anxin-gateway")).as("files as packaged").isEmpty();
    }

    @Test
    void anUpgradeKeepsAnEditedConffileTheProvisionedKeysAndTheDataAndMakesSecretsOwnerOnlyAgain() throws Exception {
        Path root = emptyRoot();
        install(root);
        Path uplink = root.resolve("etc/anxin/org.anxin.uplink.cfg");
        String provisioned = "gatewayId=gw-3f2a9c01\nbrokerUrl=tcp://127.0.0.1:1\nusername=gw-3f2a9c01\npassword=s3cret\n";
        Files.writeString(uplink, provisioned);
        Files.setPosixFilePermissions(uplink, PosixFilePermissions.fromString("rw-r--r--")); // a careless cp
        Files.writeString(root.resolve("etc/anxin/gateway.key"), "a key pair\n");
        Files.writeString(root.resolve("var/lib/anxin/outbox.db"), "an outbox\n");

        install(root);

        assertThat(uplink).hasContent(provisioned);
        assertThat(root.resolve("etc/anxin/org.anxin.uplink.cfg.dpkg-dist")).doesNotExist();
        String owner = owner(root);
        assertThat(stat(uplink)).isEqualTo("600 " + owner);
        assertThat(stat(root.resolve("etc/anxin/gateway.key"))).isEqualTo("600 " + owner);
        assertThat(root.resolve("var/lib/anxin/outbox.db")).hasContent("an outbox");
        assertThat(Files.readString(root.resolve("etc/passwd")).lines().filter(l -> l.startsWith("anxin:"))).hasSize(1);
        assertThat(line(root.resolve("etc/group"), "gpio:")).endsWith(":anxin");
    }

    @Test
    void onTheRealRootTheScriptsCreateTheUserWithAdduser() throws Exception {
        // the branch without $DPKG_ROOT, as on a Pi: run in a mount namespace of its own in which
        // /etc and /var/lib are copies, so the host's users are never touched
        Path etc = dir.resolve("etc");
        run("cp", "-a", "/etc/.", etc.toString());
        Files.writeString(etc.resolve("group"), Files.readString(etc.resolve("group")).lines()
                .filter(l -> !l.startsWith("anxin:") && !l.startsWith("gpio:")).map(l -> l + "\n").reduce("", String::concat) + "gpio:x:993:\n");
        Files.writeString(etc.resolve("passwd"), Files.readString(etc.resolve("passwd")).lines()
                .filter(l -> !l.startsWith("anxin:")).map(l -> l + "\n").reduce("", String::concat));
        Files.createDirectories(etc.resolve("anxin"));
        Files.writeString(etc.resolve("anxin/org.anxin.uplink.cfg"), "password=s3cret\n");
        Path varLib = Files.createDirectories(dir.resolve("var-lib"));
        Path control = dir.resolve("control");
        run("dpkg-deb", "-e", DEB.toString(), control.toString());
        String script = "set -e\n"
                + "mount --bind " + etc + " /etc\n"
                + "mount --bind " + varLib + " /var/lib\n"
                + "export DPKG_MAINTSCRIPT_PACKAGE=anxin-gateway\n"
                + control.resolve("preinst") + " install\n"
                + control.resolve("postinst") + " configure\n"
                + control.resolve("preinst") + " upgrade 0.1.0\n"
                + control.resolve("postinst") + " configure 0.1.0\n"
                + "id -nG anxin\n"
                + "stat -c '%a %U:%G' /etc/anxin /var/lib/anxin /etc/anxin/org.anxin.uplink.cfg\n";
        String out = run("unshare", "--mount", "--propagation", "private", "sh", "-c", script);
        assertThat(out.lines()).containsSubsequence("anxin dialout gpio", "750 anxin:anxin", "750 anxin:anxin", "600 anxin:anxin");
        assertThat(Files.readString(etc.resolve("passwd")).lines().filter(l -> l.startsWith("anxin:")))
                .singleElement().asString().endsWith(":/var/lib/anxin:/usr/sbin/nologin");
        assertThat(Files.readString(Path.of("/etc/passwd"))).as("the host's").doesNotContain("\nanxin:");
    }

    @Test
    void removingKeepsConfigurationAndDataAndPurgingDeletesThemButKeepsTheUser() throws Exception {
        Path root = emptyRoot();
        install(root);
        Files.writeString(root.resolve("etc/anxin/gateway.key"), "a key pair\n");
        Files.writeString(root.resolve("var/lib/anxin/outbox.db"), "an outbox\n");

        run("dpkg", "--root=" + root, "--force-script-chrootless", "--remove", "anxin-gateway");
        assertThat(root.resolve("opt/anxin/gateway.jar")).doesNotExist();
        assertThat(root.resolve(UNIT)).doesNotExist();
        assertThat(root.resolve("etc/anxin/org.anxin.uplink.cfg")).exists();
        assertThat(root.resolve("etc/anxin/gateway.key")).exists();
        assertThat(root.resolve("var/lib/anxin/outbox.db")).hasContent("an outbox");

        run("dpkg", "--root=" + root, "--force-script-chrootless", "--purge", "anxin-gateway");
        assertThat(root.resolve("etc/anxin")).doesNotExist();
        assertThat(root.resolve("var/lib/anxin")).doesNotExist();
        assertThat(root.resolve("etc/systemd/system/multi-user.target.wants/anxin-gateway.service")).doesNotExist();
        assertThat(line(root.resolve("etc/passwd"), "anxin:")).as("Debian keeps system users").isNotEmpty();
    }

    @Test
    void theInstalledGatewayStartsWithTheUnitsCommandLineTellsSystemdItIsReadyFeedsTheWatchdogAndReportsHealthy() throws Exception {
        Path root = emptyRoot();
        install(root);
        // nothing listens there: this test must not talk to the shared broker as the example gateway
        Path uplink = root.resolve("etc/anxin/org.anxin.uplink.cfg");
        Files.writeString(uplink, Files.readString(uplink).replace("tcp://127.0.0.1:1883", "tcp://127.0.0.1:1"));

        Path socket = dir.resolve("notify");
        Path received = dir.resolve("notify.log");
        Process socat = start(new ProcessBuilder("socat", "-u", "UNIX-RECV:" + socket, "OPEN:" + received + ",creat,append"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));

        List<String> command = new ArrayList<>();
        for (String word : settings(root.resolve(UNIT)).get("ExecStart").split(" ")) {
            command.add(word.equals("/usr/bin/java") ? Path.of(System.getProperty("java.home"), "bin", "java").toString()
                    : word.replace("/etc/anxin", root + "/etc/anxin").replace("/var/lib/anxin", root + "/var/lib/anxin")
                            .replace("/opt/anxin", root + "/opt/anxin"));
        }
        ProcessBuilder gateway = new ProcessBuilder(command).directory(root.resolve("var/lib/anxin").toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile());
        gateway.environment().put("NOTIFY_SOCKET", socket.toString());
        gateway.environment().put("WATCHDOG_USEC", "4000000"); // the unit's 60 s, shortened for the test
        start(gateway);

        Path status = root.resolve("var/lib/anxin/status.json");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(status).exists();
            JsonNode json = MessageCodec.mapper().readTree(status.toFile());
            Map<String, String> states = new HashMap<>();
            json.get("components").forEach(c -> states.put(c.get("name").asText(), c.get("state").asText()));
            assertThat(states).containsEntry("org.anxin.detection.component.DetectionComponent", "active")
                    .containsEntry("org.anxin.store.sqlite.OutboxComponent", "active")
                    .containsEntry("org.anxin.uplink.UplinkComponent", "active")
                    .containsEntry("org.anxin.diagnostics.watchdog.SystemdWatchdog", "active");
            assertThat(states).allSatisfy((name, state) -> assertThat(state).as(name).isIn("active", "unconfigured"));
            assertThat(json.get("configProblems")).isEmpty();
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Files.readString(received))
                .contains("READY=1WATCHDOG=1WATCHDOG=1"));
        assertThat(Files.readString(received)).containsOnlyOnce("READY=1");
        assertThat(socat.isAlive()).isTrue();
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        started.add(p);
        return p;
    }

    /** A root with the host's users and groups, a gpio group (as Raspberry Pi OS has) and an empty dpkg database. */
    private Path emptyRoot() throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/log"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        for (String file : List.of("passwd", "group", "shadow", "gshadow")) {
            String host = Files.readString(Path.of("/etc", file)).lines()
                    .filter(l -> !l.startsWith("anxin:") && !l.startsWith("gpio:")).map(l -> l + "\n").reduce("", String::concat);
            Files.writeString(root.resolve("etc").resolve(file), host + switch (file) {
                case "group" -> "gpio:x:993:\n";
                case "gshadow" -> "gpio:!::\n";
                default -> "";
            });
        }
        return root;
    }

    /** dpkg -i into the root; Java and the tools the scripts use are the host's, not the root's packages. */
    private static void install(Path root) throws Exception {
        run("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends", "--log=" + root.resolve("var/log/dpkg.log"),
                "-i", DEB.toString());
    }

    private static String owner(Path root) throws IOException {
        String[] user = line(root.resolve("etc/passwd"), "anxin:").split(":");
        return user[2] + ":" + user[3];
    }

    private static String stat(Path file) throws Exception {
        return run("stat", "-c", "%a %u:%g", file.toString()).trim();
    }

    private static String line(Path file, String prefix) throws IOException {
        return Files.readString(file).lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " in " + file));
    }

    /** The unit's settings, the last of each key (as systemd takes them); comments skipped. */
    private static Map<String, String> settings(Path unit) throws IOException {
        Map<String, String> settings = new HashMap<>();
        for (String line : Files.readAllLines(unit)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
                settings.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return settings;
    }

    /** Runs a command to its end; its output (stdout and stderr), or an AssertionError with it when it fails. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(Arrays.toString(command) + " did not finish: " + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(Arrays.toString(command) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
