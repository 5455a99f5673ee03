package org.anxin.protocol;

/** The per-gateway MQTT topics, each with its QoS and whether the broker retains it. */
public enum Channel {
    READING("reading", 1, false),
    ALERT("alert", 1, false),
    STATE("state", 1, true),
    HEARTBEAT("heartbeat", 0, false),
    CONFIG_DESIRED("config/desired", 1, true),
    CONFIG_REPORTED("config/reported", 1, true),
    COMMAND("command", 1, false),
    COMMAND_RESULT("command/result", 1, false),
    /** What the bridge has stored of the gateway's messages: the receipt the gateway deletes its outbox rows on. */
    STORED("stored", 1, false);

    private final String path;
    private final int qos;
    private final boolean retained;

    Channel(String path, int qos, boolean retained) {
        this.path = path;
        this.qos = qos;
        this.retained = retained;
    }

    public String path() {
        return path;
    }

    /** Whether the bridge sends on this channel to the gateway, rather than the gateway to the bridge. */
    public boolean toGateway() {
        return this == CONFIG_DESIRED || this == COMMAND || this == STORED;
    }

    public int qos() {
        return qos;
    }

    public boolean retained() {
        return retained;
    }

    static Channel fromPath(String path) {
        for (Channel c : values()) {
            if (c.path.equals(path)) {
                return c;
            }
        }
        return null;
    }
}
