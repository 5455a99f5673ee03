package org.anxin.driver.gpio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands device health to every listener; a failing listener is logged and never stops a driver. */
final class HealthReporter {

    private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);
    private final List<DeviceHealthListener> listeners = new CopyOnWriteArrayList<>();

    void add(DeviceHealthListener listener) {
        listeners.add(listener);
    }

    void remove(DeviceHealthListener listener) {
        listeners.remove(listener);
    }

    void report(DeviceHealth health) {
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
