package org.anxin.launcher;

import org.anxin.bridge.BridgeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./anxin}: one entry point for everything Anxin runs. */
@Command(name = "anxin",
        mixinStandardHelpOptions = true,
        versionProvider = Anxin.Version.class,
        description = "Anxin (安心): home monitoring for elders who live alone.%n",
        subcommands = {DemoCommand.class, GatewayCommand.class, BridgeCommand.class, ReplayCommand.class, ProvisionCommand.class,
                CommandCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"%nRun './anxin help COMMAND' for the options of one command."})
public final class Anxin {

    public static void main(String[] args) {
        configureLogging(args.length > 0 ? args[0] : "");
        System.exit(new CommandLine(new Anxin()).execute(args));
    }

    /** Logs go to stderr; the demo and replay keep them to warnings so their own output reads clearly. */
    private static void configureLogging(String command) {
        boolean quiet = command.equals("demo") || command.equals("replay");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", quiet ? "warn" : "info");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        setDefault("org.slf4j.simpleLogger.log.io.moquette", "warn");
        setDefault("org.slf4j.simpleLogger.log.io.netty", "warn");
        setDefault("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
        setDefault("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Anxin.class.getPackage().getImplementationVersion();
            return new String[] {"anxin " + (version == null ? "development build" : version)};
        }
    }
}
