package org.anxin.uplink;

import java.net.URI;
import java.nio.file.Path;
import org.anxin.secrets.SecretFiles;

/**
 * The uplink reads the MQTT password from its config file and its client key from the key store:
 * it refuses to start when others than their owner may read them, since anyone who can read them
 * can speak for this gateway.
 */
final class UplinkSecrets {

    /** The property FileInstall gives a configuration read from a file: the file's URL. */
    static final String CONFIG_FILE = "felix.fileinstall.filename";

    private UplinkSecrets() {
    }

    /**
     * @param configFile the configuration's {@value #CONFIG_FILE} property: {@code null} for a
     *     configuration that came from no file, which leaves nothing to check
     * @throws IllegalStateException naming the file and the fix
     */
    static void requireOwnerOnly(Object configFile, UplinkOptions options) {
        // a file without a password holds no secret: the gateway id and broker are no secret
        if (configFile != null && options.password() != null && !options.password().isEmpty()) {
            SecretFiles.requireOwnerOnly(path(configFile.toString()), "the gateway's MQTT password");
        }
        if (options.tls().keyStore() != null) {
            SecretFiles.requireOwnerOnly(options.tls().keyStore(), "the gateway's client key");
        }
    }

    private static Path path(String url) {
        return url.startsWith("file:") ? Path.of(URI.create(url)) : Path.of(url);
    }
}
