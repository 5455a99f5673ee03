package org.anxin.bridge;

import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;

/**
 * The bridge's MQTT session: {@link MqttSubscriber} (MQTT 3.1.1, one instance per broker) or
 * {@link Mqtt5Subscriber} (MQTT 5 shared subscription, several instances sharing the load).
 */
interface MqttIngress extends AutoCloseable {

    boolean isConnected();

    /** Stores what has already arrived, then disconnects. */
    @Override
    void close();

    static MqttIngress start(BridgeOptions options, MessageIngest ingest, BridgeCounters counters) {
        return options.mqttShareGroup().isEmpty()
                ? MqttSubscriber.start(options, ingest, counters)
                : Mqtt5Subscriber.start(options, ingest, counters);
    }
}
