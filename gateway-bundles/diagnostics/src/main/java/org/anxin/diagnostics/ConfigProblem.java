package org.anxin.diagnostics;

/**
 * What is wrong with one configuration file.
 *
 * @param file the file the configuration came from, or its PID when it came from elsewhere
 * @param pid the configuration's PID
 * @param problem a sentence for the installer
 */
public record ConfigProblem(String file, String pid, String problem) {
}
