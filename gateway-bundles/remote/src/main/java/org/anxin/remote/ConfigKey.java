package org.anxin.remote;

import java.util.regex.Pattern;

/**
 * A configuration as a document names it: the name of its file in the gateway's config directory
 * without {@code .cfg}, as FileInstall reads it. {@code org.anxin.detection} is a PID;
 * {@code org.anxin.driver.gpio.input-kitchen} is the factory PID {@code org.anxin.driver.gpio.input}
 * with the name {@code kitchen} (FileInstall splits at the first '-').
 */
record ConfigKey(String name, String metaTypePid, boolean factory) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]+(-[A-Za-z0-9_.-]+)?");

    static ConfigKey parse(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a configuration name: a PID, or a factory PID,"
                    + " '-' and a name (letters, digits, '.', '_')");
        }
        int dash = name.indexOf('-');
        return dash < 0 ? new ConfigKey(name, name, false) : new ConfigKey(name, name.substring(0, dash), true);
    }

    String fileName() {
        return name + ".cfg";
    }

    @Override
    public String toString() {
        return name;
    }
}
