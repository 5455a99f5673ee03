package org.anxin.bridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.anxin.bridge.core.WrongWayFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge's modules depend one way: app → the domain modules → store → core. Maven already
 * refuses a module that uses one it does not declare; these rules refuse the declaration itself
 * running the wrong way, since this module's test classpath holds every bridge module. See
 * {@code docs/bridge.md}, "Modules".
 */
class BridgeArchitectureTest {

    private static final Path CLOUD_BRIDGE = Path.of("..").toAbsolutePath().normalize();
    /** Where a class was built: {@code .../cloud-bridge/store/target/...} gives {@code store}. */
    private static final Pattern MODULE = Pattern.compile("/cloud-bridge/([^/]+)/target/");

    /** Each module's folder, its package, and the modules it may use (besides itself). */
    private record Module(String folder, String pkg, List<String> mayUse) {
    }

    private static final Map<String, Module> MODULES = new LinkedHashMap<>();

    static {
        module("core", "org.anxin.bridge.core");
        module("store", "org.anxin.bridge.store", "core");
        module("bridge", "org.anxin.bridge", "store", "core");
    }

    private static void module(String folder, String pkg, String... mayUse) {
        MODULES.put(folder, new Module(folder, pkg, List.of(mayUse)));
    }

    private static JavaClasses classes;

    /** Each module's own classes, as its build left them (the reactor builds them before this one's tests). */
    @BeforeAll
    static void importTheBridge() throws IOException {
        List<Path> built;
        try (Stream<Path> modules = Files.list(CLOUD_BRIDGE)) {
            built = modules.map(m -> m.resolve("target/classes")).filter(Files::isDirectory).toList();
        }
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPaths(built);
    }

    @Test
    void everyModuleUsesOnlyTheModulesBelowIt() {
        rules().forEach(rule -> rule.check(classes));
    }

    @Test
    void aCoreClassThatUsesTheAppBreaksTheRules() {
        JavaClasses wrongWay = new ClassFileImporter().importClasses(WrongWayFixture.class);

        assertThat(rules()).anySatisfy(rule -> assertThat(rule.evaluate(wrongWay).hasViolation()).isTrue());
    }

    /** One rule per module: none of its classes uses a module it may not. */
    private static List<ArchRule> rules() {
        List<ArchRule> rules = new ArrayList<>();
        for (Module m : MODULES.values()) {
            String[] forbidden = MODULES.values().stream()
                    .filter(other -> other != m && !m.mayUse().contains(other.folder()))
                    .map(BridgeArchitectureTest::packageOf)
                    .toArray(String[]::new);
            if (forbidden.length > 0) {
                rules.add(noClasses().that().resideInAPackage(packageOf(m))
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                        .because(m.folder() + " may use only " + (m.mayUse().isEmpty() ? "no other bridge module" : m.mayUse())));
            }
        }
        return rules;
    }

    @Test
    void everyClassOfAModuleIsInThatModulesPackage() {
        for (JavaClass c : classes) {
            module(c).map(MODULES::get).ifPresent(m -> assertThat(c.getPackageName())
                    .as("package of %s, built in cloud-bridge/%s", c.getName(), m.folder())
                    .matches(Pattern.quote(m.pkg()) + (m.pkg().equals("org.anxin.bridge") ? "" : "(\\..+)?")));
        }
    }

    /**
     * A module folder left out of the table above would slip past the rules; so would one missing
     * from this module's test classpath.
     */
    @Test
    void everyModuleFolderUnderCloudBridgeIsOneTheseRulesCheck() throws IOException {
        Set<String> folders;
        try (Stream<Path> modules = Files.list(CLOUD_BRIDGE)) {
            folders = modules.filter(m -> Files.isDirectory(m.resolve("src/main/java")))
                    .map(m -> m.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> imported = classes.stream().map(BridgeArchitectureTest::module).flatMap(Optional::stream)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(folders).as("module folders with Java code").isNotEmpty();
        assertThat(MODULES.keySet()).as("modules the rules know").containsExactlyInAnyOrderElementsOf(folders);
        assertThat(imported).as("modules whose classes the rules checked").containsAll(folders);
    }

    /** The bridge's root package holds the app only: its subpackages are the other modules. */
    private static String packageOf(Module m) {
        return m.pkg().equals("org.anxin.bridge") ? m.pkg() : m.pkg() + "..";
    }

    private static Optional<String> module(JavaClass javaClass) {
        return javaClass.getSource().map(s -> MODULE.matcher(s.getUri().toString())).filter(Matcher::find)
                .map(m -> m.group(1));
    }
}
