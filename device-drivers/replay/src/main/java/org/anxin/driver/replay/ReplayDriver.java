package org.anxin.driver.replay;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.ReadingSink;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a scenario file into the gateway, pacing readings by their times divided by the speed.
 * Used for demos, tests and for reproducing a home's recorded history.
 */
@Component(configurationPid = ReplayDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ReplayConfig.class, factory = true)
public class ReplayDriver {

    public static final String PID = "org.anxin.driver.replay";
    private static final Logger LOG = LoggerFactory.getLogger(ReplayDriver.class);

    private final ReadingSink sink;
    private final ReplayOptions options;
    private final ZoneId zone;
    private final Thread thread;

    @Activate
    public ReplayDriver(@Reference ReadingSink sink, Map<String, Object> properties) {
        this.sink = sink;
        this.options = ReplayOptions.fromLeniently(properties);
        this.zone = options.zone() != null ? options.zone() : sink.zone();
        this.thread = new Thread(this::replay, "anxin-replay-" + options.scenario().getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    void stop() throws InterruptedException {
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    private void replay() {
        LOG.info("replaying {} at speed {}, its local times in {}", options.scenario(), options.speed() == 0 ? "max" : options.speed(),
                zone);
        long startNanos = System.nanoTime();
        LocalDateTime firstTime = null;
        int count = 0;
        int failed = 0;
        try (ScenarioReader reader = ScenarioReader.open(options.scenario())) {
            while (reader.hasNext()) {
                ScenarioLine line = reader.next();
                if (firstTime == null) {
                    firstTime = line.time();
                }
                waitUntilDue(Duration.between(firstTime, line.time()), startNanos);
                try {
                    sink.acceptReplayed(line.toReading(zone));
                    count++;
                } catch (RuntimeException e) {
                    failed++;
                    LOG.error("reading of line {} was not accepted: {}", line.lineNumber(), e.toString());
                }
            }
            LOG.info("replay of {} finished: {} readings, {} refused, in {} ms", options.scenario(), count, failed,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        } catch (ScenarioException e) {
            LOG.error("replay stopped after {} readings: {}", count, e.getMessage());
        } catch (IOException e) {
            LOG.error("replay of {} failed: {}", options.scenario(), e.toString());
        } catch (InterruptedException e) {
            LOG.info("replay of {} stopped after {} readings", options.scenario(), count);
            Thread.currentThread().interrupt();
        }
    }

    private void waitUntilDue(Duration scenarioElapsed, long startNanos) throws InterruptedException {
        if (options.speed() == 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        long dueNanos = startNanos + (long) (scenarioElapsed.toNanos() / options.speed());
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
        } else if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }
}
