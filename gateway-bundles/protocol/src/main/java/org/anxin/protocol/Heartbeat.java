package org.anxin.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A periodic sign of life.
 *
 * @param uptimeSeconds seconds since the gateway started
 * @param queued messages waiting in the gateway's outbox
 * @param health what is wrong with the gateway now; {@code null} from a gateway that does not say
 *     (older versions), which the bridge takes as "not known", not as healthy or degraded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Heartbeat(long uptimeSeconds, long queued, GatewayHealth health) implements Body {

    /** A heartbeat that says nothing of health. */
    public Heartbeat(long uptimeSeconds, long queued) {
        this(uptimeSeconds, queued, null);
    }

    @Override
    public Channel channel() {
        return Channel.HEARTBEAT;
    }
}
