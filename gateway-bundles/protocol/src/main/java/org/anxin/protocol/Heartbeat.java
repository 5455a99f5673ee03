package org.anxin.protocol;

/**
 * A periodic sign of life.
 *
 * @param uptimeSeconds seconds since the gateway started
 * @param queued messages waiting in the gateway's outbox
 */
public record Heartbeat(long uptimeSeconds, long queued) implements Body {

    @Override
    public Channel channel() {
        return Channel.HEARTBEAT;
    }
}
