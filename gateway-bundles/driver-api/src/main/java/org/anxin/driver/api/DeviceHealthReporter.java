package org.anxin.driver.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a driver uses to hand device health to every {@link DeviceHealthListener}: a fault is logged,
 * and a failing listener is logged and never stops the driver. A listener added later is told each
 * device's latest health at once: Declarative Services binds listeners after the driver has started,
 * and a fault found while starting (a pin that cannot be opened) must not go unheard.
 */
public final class DeviceHealthReporter {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceHealthReporter.class);
    private final List<DeviceHealthListener> listeners = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, DeviceHealth> latest = new java.util.concurrent.ConcurrentHashMap<>();

    public void add(DeviceHealthListener listener) {
        listeners.add(listener);
        for (DeviceHealth health : latest.values()) {
            tell(listener, health);
        }
    }

    public void remove(DeviceHealthListener listener) {
        listeners.remove(listener);
    }

    public void report(DeviceHealth health) {
        if (health.fault().isPresent()) {
            LOG.warn("device {} ({}): {}", health.device(), health.driver(), health.fault().get());
        }
        latest.put(health.device(), health);
        for (DeviceHealthListener listener : listeners) {
            tell(listener, health);
        }
    }

    private static void tell(DeviceHealthListener listener, DeviceHealth health) {
        try {
            listener.healthChanged(health);
        } catch (RuntimeException e) {
            LOG.error("health listener {} failed: {}", listener.getClass().getName(), e.toString());
        }
    }
}
