package org.anxin.diagnostics;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every configuration against the MetaType its component declares and reports each problem
 * with the file it came from, so an installer who mistyped a value sees which file and what. A bad
 * file affects only its own component; the rest of the gateway keeps running.
 */
@Component(service = {ConfigurationListener.class, ConfigFileValidator.class}, immediate = true)
public class ConfigFileValidator implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileValidator.class);
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";
    private static final Set<String> BOOKKEEPING = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION, FILEINSTALL_FILENAME, "component.name", "component.id");

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metaType;
    private final Map<String, List<ConfigProblem>> problemsByPid = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private final Map<Path, Parsed> parsedFiles = new ConcurrentHashMap<>();

    @Activate
    public ConfigFileValidator(BundleContext context, @Reference ConfigurationAdmin configAdmin,
                               @Reference MetaTypeService metaType) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.metaType = metaType;
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            if (all != null) {
                for (Configuration configuration : all) {
                    check(configuration);
                }
            }
        } catch (Exception e) {
            LOG.warn("cannot list configurations: {}", e.toString());
        }
    }

    /**
     * Every problem found in the configurations as they are now, and every file in the watched
     * directory that FileInstall could not parse: it logs such a file and skips it, so no
     * configuration, and no event, ever comes of it.
     */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> all = new ArrayList<>(problemsByPid.values().stream().flatMap(List::stream).toList());
        all.addAll(unparsedFiles());
        return all;
    }

    /**
     * The {@code .cfg} files of the watched directory that do not parse (each read again only when
     * it changes), that hold binary data, or that no configuration came from though FileInstall has
     * had its time with them.
     */
    List<ConfigProblem> unparsedFiles() {
        String dir = context.getProperty("felix.fileinstall.dir");
        if (dir == null) {
            return List.of();
        }
        List<ConfigProblem> found = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        Set<String> applied = null;
        long now = System.currentTimeMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(dir), "*.cfg")) {
            for (Path file : files) {
                seen.add(file);
                Parsed parsed;
                try {
                    FileTime modified = Files.getLastModifiedTime(file);
                    long size = Files.size(file);
                    parsed = parsedFiles.get(file);
                    if (parsed == null || !parsed.modified().equals(modified) || parsed.size() != size) {
                        parsed = new Parsed(modified, size, parseProblems(Files.readAllBytes(file)));
                        parsedFiles.put(file, parsed);
                        for (String problem : parsed.problems()) {
                            rejected.incrementAndGet();
                            LOG.error("config file {}: {}", file, problem);
                        }
                    }
                } catch (IOException e) {
                    continue; // removed while listed
                }
                List<String> problems = new ArrayList<>(parsed.problems());
                boolean settled = now - parsed.modified().toMillis() > SETTLE_MS && now - started > SETTLE_MS;
                if (problems.isEmpty() && settled) {
                    if (applied == null) {
                        applied = appliedFiles();
                    }
                    if (!applied.contains(file.toAbsolutePath().normalize().toString())) {
                        problems.add("FileInstall did not apply it, so nothing in it is in force; its error is in the gateway log");
                    }
                }
                String name = file.getFileName().toString();
                for (String problem : problems) {
                    found.add(new ConfigProblem(file.toString(), name.substring(0, name.length() - ".cfg".length()), problem));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot list {}: {}", dir, e.toString());
        }
        parsedFiles.keySet().retainAll(seen);
        return found;
    }

    /** FileInstall polls every second; a file newer than this may simply not have been read yet. */
    private static final long SETTLE_MS = 5000;
    private final long started = System.currentTimeMillis();

    private record Parsed(FileTime modified, long size, List<String> problems) {
    }

    /** The files the configurations as they are now came from. */
    private Set<String> appliedFiles() {
        Set<String> files = new HashSet<>();
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            for (Configuration configuration : all == null ? new Configuration[0] : all) {
                Dictionary<String, Object> properties = configuration.getProperties();
                Object file = properties == null ? null : properties.get(FILEINSTALL_FILENAME);
                if (file != null) {
                    String path = file.toString().replaceFirst("^file:", "");
                    files.add(Path.of(path).toAbsolutePath().normalize().toString());
                }
            }
        } catch (Exception e) {
            LOG.debug("cannot list configurations: {}", e.toString());
        }
        return files;
    }

    /**
     * What is wrong with the bytes of a {@code .cfg} file as such: control bytes (binary data, a
     * file saved in another format or damaged), and what {@link Properties#load} refuses (a bad
     * backslash-u escape, which FileInstall refuses too). Empty for an ordinary properties file.
     */
    static List<String> parseProblems(byte[] bytes) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7f) {
                problems.add(String.format("it holds binary data, not text (byte 0x%02x at offset %d)", b, i));
                break;
            }
        }
        try {
            new Properties().load(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException | IOException e) {
            problems.add("it cannot be parsed, so nothing in it is in force (an earlier version of it stays): " + e.getMessage());
        }
        return problems;
    }

    /**
     * What is wrong with properties meant for a configuration, before they are applied: the same
     * checks as for a file (types, ranges, required values, unknown properties, an unknown PID).
     *
     * @param pid the PID, or for a factory configuration the factory PID
     * @param factory whether {@code pid} is a factory PID
     * @return the problems, empty when the properties are valid
     */
    public List<String> problemsOf(String pid, boolean factory, Map<String, ?> properties) {
        return validate(pid, factory, new java.util.Hashtable<>(properties));
    }

    /** Configurations found with a problem since start, counted once per change. */
    public long rejectedCount() {
        return rejected.get();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            problemsByPid.remove(event.getPid());
            return;
        }
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + event.getPid() + ")");
            if (found != null) {
                for (Configuration configuration : found) {
                    check(configuration);
                }
            }
        } catch (Exception e) {
            LOG.warn("cannot check configuration {}: {}", event.getPid(), e.toString());
        }
    }

    void check(Configuration configuration) {
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            return;
        }
        String pid = configuration.getPid();
        String metaTypePid = configuration.getFactoryPid() != null ? configuration.getFactoryPid() : pid;
        Object file = properties.get(FILEINSTALL_FILENAME);
        String source = file != null ? file.toString().replaceFirst("^file:", "") : pid;
        List<String> problems = validate(metaTypePid, configuration.getFactoryPid() != null, properties);
        List<ConfigProblem> found = problems.stream().map(p -> new ConfigProblem(source, pid, p)).toList();
        if (found.isEmpty()) {
            if (problemsByPid.remove(pid) != null) {
                LOG.info("config file {} is now valid", source);
            }
            return;
        }
        problemsByPid.put(pid, found);
        rejected.incrementAndGet();
        for (ConfigProblem problem : found) {
            LOG.error("config file {} ({}): {}", problem.file(), problem.pid(), problem.problem());
        }
    }

    private List<String> validate(String metaTypePid, boolean factory, Dictionary<String, ?> properties) {
        ObjectClassDefinition ocd = findDefinition(metaTypePid, factory);
        if (ocd == null) {
            return List.of("no component of this gateway is configured by '" + metaTypePid
                    + "'; check the file name (PID) for a typo");
        }
        List<String> problems = new ArrayList<>();
        AttributeDefinition[] required = ocd.getAttributeDefinitions(ObjectClassDefinition.REQUIRED);
        AttributeDefinition[] all = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition ad : all) {
            Object value = properties.get(ad.getID());
            if (value == null) {
                if (contains(required, ad) && ad.getDefaultValue() == null) {
                    problems.add("'" + ad.getID() + "' is required (" + describe(ad) + ")");
                }
                continue;
            }
            String result = typeProblem(ad, String.valueOf(value));
            if (result == null) {
                result = ad.validate(String.valueOf(value));
            }
            if (result != null && !result.isEmpty()) {
                String shown = ad.getType() == AttributeDefinition.PASSWORD ? "the value given" : "'" + value + "'";
                problems.add("'" + ad.getID() + "': " + shown + " is not valid: " + result + " (" + describe(ad) + ")");
            }
        }
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            if (!BOOKKEEPING.contains(key) && !key.startsWith("felix.") && find(all, key) == null) {
                problems.add("unknown property '" + key + "'; known: " + java.util.Arrays.stream(all).map(AttributeDefinition::getID).toList());
            }
        }
        return problems;
    }

    /** MetaType's own message for a value of the wrong type is only "invalid value"; say what is expected. */
    private static String typeProblem(AttributeDefinition ad, String value) {
        String text = value.trim();
        try {
            switch (ad.getType()) {
                case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT, AttributeDefinition.BYTE -> Long.parseLong(text);
                case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> Double.parseDouble(text);
                case AttributeDefinition.BOOLEAN -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        return "expected true or false";
                    }
                }
                default -> {
                    return null;
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return ad.getType() == AttributeDefinition.DOUBLE || ad.getType() == AttributeDefinition.FLOAT
                    ? "expected a number" : "expected a whole number";
        }
    }

    private static String describe(AttributeDefinition ad) {
        String name = ad.getName() == null ? ad.getID() : ad.getName();
        return ad.getDescription() == null ? name : name + ": " + ad.getDescription();
    }

    private static boolean contains(AttributeDefinition[] list, AttributeDefinition ad) {
        return list != null && find(list, ad.getID()) != null;
    }

    private static AttributeDefinition find(AttributeDefinition[] list, String id) {
        if (list != null) {
            for (AttributeDefinition ad : list) {
                if (ad.getID().equals(id)) {
                    return ad;
                }
            }
        }
        return null;
    }

    private ObjectClassDefinition findDefinition(String pid, boolean factory) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(bundle);
            if (info == null) {
                continue;
            }
            String[] pids = factory ? info.getFactoryPids() : info.getPids();
            if (pids != null && java.util.Arrays.asList(pids).contains(pid)) {
                return info.getObjectClassDefinition(pid, null);
            }
        }
        return null;
    }
}
