package org.anxin.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the launcher finds what it runs: the repository checkout the {@code ./anxin} script lives in. */
final class AnxinHome {

    /** System property naming the checkout; the {@code ./anxin} script sets it. */
    static final String HOME_PROPERTY = "anxin.home";
    /** System property naming the gateway jar, when it is not at its build place. */
    static final String GATEWAY_JAR_PROPERTY = "anxin.gateway.jar";

    private AnxinHome() {
    }

    static Path home() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home != null) {
            return Path.of(home);
        }
        try {
            // launcher/target/anxin.jar → the checkout
            Path jar = Path.of(AnxinHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().getParent().getParent();
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(".");
        }
    }

    /** The exported gateway runtime, or an error that says how to build it. */
    static Path gatewayJar() {
        String configured = System.getProperty(GATEWAY_JAR_PROPERTY);
        Path jar = configured != null ? Path.of(configured)
                : home().resolve("gateway-bundles/runtime/target/gateway.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the gateway runtime " + jar.toAbsolutePath() + " is not built; run"
                    + " './anxin' once more (it builds what is missing) or 'mvn -B -DskipTests package'");
        }
        return jar;
    }
}
