package org.anxin.bridge;

import picocli.CommandLine;

/** {@code anxin bridge} as a process of its own, for the test that kills one instance. */
public final class BridgeMain {

    private BridgeMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BridgeCommand()).execute(args));
    }
}
