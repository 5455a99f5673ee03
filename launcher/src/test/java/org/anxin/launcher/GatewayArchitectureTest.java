package org.anxin.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's dependencies point one way: driver → reading → detection → store → uplink, with
 * {@code protocol} and {@code driver-api} at the bottom for everyone, and {@code remote} reaching
 * drivers and detection only through their API packages. The launcher's test classpath holds every
 * gateway module (through the gateway runtime), so the rules see them all. See README, "Architecture".
 */
class GatewayArchitectureTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Where a class was built: {@code .../gateway-bundles/remote/target/...} gives {@code gateway-bundles/remote}. */
    private static final Pattern MODULE = Pattern.compile("/((?:gateway-bundles|device-drivers)/[^/]+)/target/");
    private static final String[] DRIVERS = {"org.anxin.driver.replay..", "org.anxin.driver.gpio..", "org.anxin.driver.coap..",
            "org.anxin.driver.zigbee.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importTheGateway() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.anxin");
    }

    @Test
    void driversDependOnNeitherDetectionNorTheStoreNorTheUplinkNorRemote() {
        noClasses().that().resideInAnyPackage(DRIVERS)
                .should().dependOnClassesThat().resideInAnyPackage("org.anxin.detection..", "org.anxin.store..", "org.anxin.uplink..",
                        "org.anxin.remote..")
                .because("a driver only produces readings (driver-api) and knows nothing downstream of them")
                .check(classes);
    }

    @Test
    void remoteReachesNoDeviceDriver() {
        noClasses().that().resideInAPackage("org.anxin.remote..")
                .should().dependOnClassesThat().resideInAnyPackage(DRIVERS)
                .because("pairing is driver-api's PairingService, so a gateway without that driver still runs remote")
                .check(classes);
    }

    @Test
    void remoteReachesDetectionOnlyThroughItsApiPackage() {
        noClasses().that().resideInAPackage("org.anxin.remote..")
                .should().dependOnClassesThat().resideInAnyPackage("org.anxin.detection", "org.anxin.detection.component..")
                .because("the engine package is private to the detection bundle; org.anxin.detection.api is what it exports")
                .check(classes);
    }

    @Test
    void nothingBuiltInGatewayBundlesOrDeviceDriversDependsOnTheBridge() {
        noClasses().that(builtInAGatewayFolder())
                .should().dependOnClassesThat().resideInAPackage("org.anxin.bridge..")
                .because("the gateway runs on the Pi without the bridge; the bridge sees the gateway only through the protocol")
                .check(classes);
    }

    /**
     * The rules above see only what the gateway runtime pulls in; a module folder left out of it
     * (as the store-and-forward fault harness was, depending on the bridge) would slip past them.
     */
    @Test
    void everyModuleInGatewayBundlesAndDeviceDriversIsPartOfTheGatewayTheseRulesCheck() throws IOException {
        Set<String> imported = classes.stream().map(GatewayArchitectureTest::module).flatMap(Optional::stream)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> folders = new TreeSet<>();
        for (String parent : new String[] {"gateway-bundles", "device-drivers"}) {
            try (Stream<Path> modules = Files.list(ROOT.resolve(parent))) {
                modules.filter(m -> Files.isDirectory(m.resolve("src/main/java")))
                        .forEach(m -> folders.add(parent + "/" + m.getFileName()));
            }
        }

        assertThat(folders).as("module folders with Java code").isNotEmpty();
        assertThat(imported).as("modules whose classes the architecture rules checked").containsAll(folders);
    }

    private static DescribedPredicate<JavaClass> builtInAGatewayFolder() {
        return DescribedPredicate.describe("are built in gateway-bundles or device-drivers", c -> module(c).isPresent());
    }

    private static Optional<String> module(JavaClass javaClass) {
        return javaClass.getSource().map(s -> MODULE.matcher(s.getUri().toString())).filter(Matcher::find).map(m -> m.group(1));
    }
}
