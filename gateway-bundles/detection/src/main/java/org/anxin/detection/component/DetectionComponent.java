package org.anxin.detection.component;

import java.time.Duration;
import java.util.List;
import org.anxin.detection.DetectionEngine;
import org.anxin.detection.DetectionOptions;
import org.anxin.driver.api.LocalAlarm;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.Reading;
import org.anxin.store.Outbox;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's {@link ReadingSink}: every reading goes through the engine, then alerts and the
 * reading go to the outbox. Alerts are stored first, so a full store cannot lose an alarm for a
 * reading it managed to keep.
 */
@Component(configurationPid = DetectionComponent.PID, service = ReadingSink.class, immediate = true)
@Designate(ocd = DetectionConfig.class)
public class DetectionComponent implements ReadingSink {

    public static final String PID = "org.anxin.detection";
    private static final Logger LOG = LoggerFactory.getLogger(DetectionComponent.class);

    private final Outbox outbox;
    private final DetectionEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile LocalAlarm localAlarm;

    @Activate
    public DetectionComponent(@Reference Outbox outbox, DetectionConfig config) {
        this.outbox = outbox;
        this.engine = DetectionEngine.create(new DetectionOptions(Duration.ofSeconds(config.callRearmSeconds())));
    }

    @Override
    public void accept(Reading reading) {
        List<Alert> alerts;
        synchronized (engine) {
            alerts = engine.onReading(reading);
        }
        for (Alert alert : alerts) {
            outbox.append(alert);
            LOG.warn("alert {} {} ({}): {}", alert.type(), alert.state().wireName(), alert.severity().wireName(), alert.reason());
            soundOrSilence(alert);
        }
        outbox.append(reading);
    }

    private void soundOrSilence(Alert alert) {
        LocalAlarm alarm = localAlarm;
        if (alarm == null || !alert.type().isLifeSafety()) {
            return;
        }
        try {
            if (alert.state() == AlertState.RAISED) {
                alarm.sound(alert.reason());
            } else {
                alarm.silence();
            }
        } catch (RuntimeException e) {
            LOG.error("local alarm failed for {}: {}", alert.type(), e.toString());
        }
    }
}
