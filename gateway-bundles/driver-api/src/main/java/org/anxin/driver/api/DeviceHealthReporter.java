package org.anxin.driver.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a driver uses to hand device health to every {@link DeviceHealthListener}: a fault is logged,
 * and a failing listener is logged and never stops the driver.
 */
public final class DeviceHealthReporter {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceHealthReporter.class);
    private final List<DeviceHealthListener> listeners = new CopyOnWriteArrayList<>();

    public void add(DeviceHealthListener listener) {
        listeners.add(listener);
    }

    public void remove(DeviceHealthListener listener) {
        listeners.remove(listener);
    }

    public void report(DeviceHealth health) {
        if (health.fault().isPresent()) {
            LOG.warn("device {} ({}): {}", health.device(), health.driver(), health.fault().get());
        }
        for (DeviceHealthListener listener : listeners) {
            try {
                listener.healthChanged(health);
            } catch (RuntimeException e) {
                LOG.error("health listener {} failed: {}", listener.getClass().getName(), e.toString());
            }
        }
    }
}
