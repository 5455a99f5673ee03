package org.anxin.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Waits for the components a new configuration touches to come up with it. Declarative Services
 * reconfigures them on its own thread, so the check looks for each component configured with the
 * new values and waits until it is active, or fails to activate.
 */
final class ActivationCheck {

    private final ServiceComponentRuntime scr;

    ActivationCheck(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    /**
     * @param expected per ConfigAdmin PID, the properties it was just given
     * @return what did not activate, and why; empty when every one did
     */
    List<String> await(Map<String, Map<String, String>> expected, Map<String, String> namesByPid, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> failed = new ArrayList<>();
            List<String> waiting = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
                String name = namesByPid.getOrDefault(e.getKey(), e.getKey());
                ComponentConfigurationDTO component = find(e.getKey(), e.getValue());
                boolean immediate = component != null && component.description.immediate;
                if (component == null) {
                    waiting.add(name + " (no component configured with it yet)");
                } else if (component.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    failed.add(name + " failed to activate: " + (component.failure == null ? "no reason given"
                            : firstLine(component.failure)));
                } else if (component.state != ComponentConfigurationDTO.ACTIVE
                        // an immediate component passes through satisfied on its way to active or failed
                        && (immediate || component.state != ComponentConfigurationDTO.SATISFIED)) {
                    waiting.add(name + " (" + state(component.state) + ")");
                }
            }
            if (!failed.isEmpty()) {
                return failed;
            }
            if (waiting.isEmpty()) {
                return List.of();
            }
            if (System.nanoTime() > deadline) {
                return waiting.stream().map(w -> w + ": not active after " + wait.toSeconds() + " s").toList();
            }
            Thread.sleep(100);
        }
    }

    private ComponentConfigurationDTO find(String pid, Map<String, String> values) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(description)) {
                if (configuredBy(c, pid) && hasValues(c, values)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static boolean configuredBy(ComponentConfigurationDTO c, String pid) {
        Object pids = c.properties.get("service.pid");
        if (pids instanceof String s) {
            return s.equals(pid);
        }
        if (pids instanceof String[] array) {
            return Arrays.asList(array).contains(pid);
        }
        if (pids instanceof java.util.Collection<?> list) {
            return list.contains(pid);
        }
        return false;
    }

    private static boolean hasValues(ComponentConfigurationDTO c, Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            Object actual = c.properties.get(e.getKey());
            if (actual == null || !String.valueOf(actual).equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The root cause of a failure's stack trace: its last "Caused by", else its first line. */
    static String firstLine(String text) {
        String cause = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        if (cause != null) {
            return cause.strip();
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
    }

    private static String state(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "waiting for configuration";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "waiting for a service it needs";
            default -> "state " + state;
        };
    }
}
