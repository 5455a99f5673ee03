package org.anxin.driver.zigbee;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.anxin.driver.api.LenientConfig;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.transport.ZigBeePort.FlowControl;

/**
 * A Zigbee network's settings, checked.
 *
 * @param roles device role by IEEE address (16 upper-case hex digits)
 */
public record ZigbeeOptions(Dongle dongle, String port, int baud, FlowControl flowControl, int channel, Path networkDir,
                            Map<String, ReadingKind> roles) {

    public enum Dongle { EZSP, ZNP }

    /** The kinds a role may give a device: what an IAS zone's alarm bits can mean. */
    public static final Set<ReadingKind> ROLE_KINDS = EnumSet.of(ReadingKind.ENTRY_DOOR, ReadingKind.DOOR, ReadingKind.SMOKE,
            ReadingKind.GAS, ReadingKind.LEAK, ReadingKind.CALL, ReadingKind.MOTION);
    private static final Pattern IEEE = Pattern.compile("[0-9A-Fa-f]{16}");

    public ZigbeeOptions {
        Objects.requireNonNull(dongle, "dongle");
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(networkDir, "networkDir");
        if (port == null || port.isBlank()) {
            throw new IllegalArgumentException("'port' is required: the dongle's serial port, e.g. /dev/ttyUSB0");
        }
        if (baud < 9600 || baud > 921600) {
            throw new IllegalArgumentException("'baud' must be 9600..921600, got " + baud);
        }
        if (channel < 11 || channel > 26) {
            throw new IllegalArgumentException("'channel' must be 11..26, got " + channel);
        }
        roles = Map.copyOf(roles);
    }

    /**
     * From a configuration's properties, a bad setting at its default (logged), so that a typo
     * costs the setting and not the network the detectors are on. A missing {@code port} is thrown.
     */
    public static ZigbeeOptions fromLeniently(Map<String, ?> properties, Path dataDir) {
        return LenientConfig.read(ZigbeeDriverConfig.class, properties, config -> from(config, dataDir)).options();
    }

    public static ZigbeeOptions from(ZigbeeDriverConfig config, Path dataDir) {
        Dongle dongle = switch (lower(config.dongle())) {
            case "ezsp" -> Dongle.EZSP;
            case "znp" -> Dongle.ZNP;
            default -> throw new IllegalArgumentException("'dongle' must be ezsp or znp, got '" + config.dongle() + "'");
        };
        FlowControl flow = switch (lower(config.flowControl())) {
            case "none" -> FlowControl.FLOWCONTROL_OUT_NONE;
            case "hardware" -> FlowControl.FLOWCONTROL_OUT_RTSCTS;
            case "software" -> FlowControl.FLOWCONTROL_OUT_XONOFF;
            default -> throw new IllegalArgumentException("'flowControl' must be none, hardware or software, got '"
                    + config.flowControl() + "'");
        };
        String dir = config.networkDir() == null || config.networkDir().isBlank() ? "zigbee" : config.networkDir().trim();
        Path networkDir = Path.of(dir).isAbsolute() ? Path.of(dir) : dataDir.resolve(dir);
        return new ZigbeeOptions(dongle, config.port() == null ? "" : config.port().trim(), config.baud(), flow, config.channel(), networkDir,
                parseRoles(config.roles()));
    }

    /** Reads {@code IEEE:kind} entries; an entry may also hold several, separated by commas. */
    static Map<String, ReadingKind> parseRoles(String[] entries) {
        Map<String, ReadingKind> roles = new LinkedHashMap<>();
        if (entries == null) {
            return roles;
        }
        for (String entry : entries) {
            for (String item : entry.split(",")) {
                String role = item.trim();
                if (role.isEmpty()) {
                    continue;
                }
                int colon = role.indexOf(':');
                String ieee = colon < 0 ? role : role.substring(0, colon).trim();
                if (colon < 0 || !IEEE.matcher(ieee).matches()) {
                    throw new IllegalArgumentException("'roles' entry '" + role + "' must be IEEE:kind, the IEEE address as 16 hex digits");
                }
                ReadingKind kind;
                try {
                    kind = ReadingKind.fromWireName(role.substring(colon + 1).trim().toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    kind = null;
                }
                if (kind == null || !ROLE_KINDS.contains(kind)) {
                    throw new IllegalArgumentException("'roles' entry '" + role + "': the kind must be one of "
                            + ROLE_KINDS.stream().map(ReadingKind::wireName).toList());
                }
                if (roles.put(ieee.toUpperCase(Locale.ROOT), kind) != null) {
                    throw new IllegalArgumentException("'roles' names device " + ieee + " twice");
                }
            }
        }
        return roles;
    }

    /** The role configured for a device, by its IEEE address. */
    public Optional<ReadingKind> role(String ieeeAddress) {
        return Optional.ofNullable(roles.get(ieeeAddress.toUpperCase(Locale.ROOT)));
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }
}
