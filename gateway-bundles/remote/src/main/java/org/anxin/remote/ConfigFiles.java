package org.anxin.remote;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The gateway's configurations as FileInstall keeps them: one {@code .cfg} file per configuration in
 * the config directory, each configuration carrying its file's URL. A change goes to ConfigAdmin
 * first (so it takes effect at once and can be checked), then to the file, so a restart reads what
 * runs and FileInstall, finding the file equal to the configuration, leaves it alone.
 */
final class ConfigFiles {

    static final String FILENAME = "felix.fileinstall.filename";
    private static final Set<String> BOOKKEEPING = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION, FILENAME);

    private final ConfigurationAdmin configAdmin;
    private final Path dir;

    ConfigFiles(ConfigurationAdmin configAdmin, Path dir) {
        this.configAdmin = configAdmin;
        this.dir = dir.toAbsolutePath();
    }

    Path dir() {
        return dir;
    }

    /** The configuration's properties now (bookkeeping left out), empty when it has none. */
    Optional<Map<String, String>> read(ConfigKey key) {
        return find(key).map(c -> strings(c.getProperties()));
    }

    /** The PID ConfigAdmin gives the configuration; empty when it does not exist. */
    Optional<String> pid(ConfigKey key) {
        return find(key).map(Configuration::getPid);
    }

    /** Sets the configuration's properties (all of them), then its file. */
    void write(ConfigKey key, Map<String, String> properties, String comment) throws IOException {
        Path file = dir.resolve(key.fileName());
        Configuration configuration = find(key).orElse(null);
        if (configuration == null) {
            configuration = key.factory()
                    ? configAdmin.createFactoryConfiguration(key.metaTypePid(), "?")
                    : configAdmin.getConfiguration(key.metaTypePid(), "?");
        }
        Hashtable<String, Object> next = new Hashtable<>(properties);
        next.put(FILENAME, url(file));
        configuration.update(next);
        writeAtomically(file, properties, comment);
    }

    /** Deletes the configuration and its file. */
    void delete(ConfigKey key) throws IOException {
        Optional<Configuration> configuration = find(key);
        if (configuration.isPresent()) {
            configuration.get().delete();
        }
        Files.deleteIfExists(dir.resolve(key.fileName()));
    }

    private Optional<Configuration> find(ConfigKey key) {
        String url = url(dir.resolve(key.fileName()));
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            if (all != null) {
                for (Configuration c : all) {
                    Dictionary<String, Object> p = c.getProperties();
                    if (p != null && url.equals(p.get(FILENAME))) {
                        return Optional.of(c);
                    }
                }
                if (!key.factory()) {
                    for (Configuration c : all) {
                        if (c.getPid().equals(key.metaTypePid()) && c.getFactoryPid() == null && c.getProperties() != null) {
                            return Optional.of(c);
                        }
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException("cannot list configurations: " + e.getMessage(), e);
        }
    }

    /** As FileInstall writes it: {@code File.toURI()}, i.e. {@code file:/dir/name.cfg}. */
    static String url(Path file) {
        return file.toAbsolutePath().toFile().toURI().toString();
    }

    static Map<String, String> strings(Dictionary<String, Object> properties) {
        Map<String, String> out = new TreeMap<>();
        if (properties != null) {
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                if (!BOOKKEEPING.contains(k)) {
                    out.put(k, String.valueOf(properties.get(k)));
                }
            }
        }
        return out;
    }

    private static void writeAtomically(Path file, Map<String, String> properties, String comment) throws IOException {
        // one key at a time, so the file lists them in order; Properties does the escaping
        StringBuilder body = new StringBuilder("# ").append(comment).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            Properties one = new Properties();
            one.setProperty(e.getKey(), e.getValue());
            StringWriter line = new StringWriter();
            one.store(line, null);
            body.append(line.toString().replaceFirst("^#[^\n]*\n", "")); // store() begins with a date comment
        }
        // FileInstall's filter takes *.cfg only, so it never reads the file half written
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, body, StandardCharsets.ISO_8859_1);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }
}
