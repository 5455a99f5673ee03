package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hall-effect water-flow meter on a GPIO pin: {@code water} readings of the litres used, when
 * flow starts, once per interval while it flows, and when it stops. Pulses are counted on Pi4J's
 * event thread without locks; all the rest happens on the driver's worker.
 */
@Component(configurationPid = WaterMeterDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = WaterMeterConfig.class, factory = true)
public class WaterMeterDriver extends PinDriver {

    public static final String PID = "org.anxin.driver.gpio.water";
    private static final Logger LOG = LoggerFactory.getLogger(WaterMeterDriver.class);
    private static final Duration TICK = Duration.ofMillis(500);

    private final WaterMeterOptions options;
    private final FlowCounter counter;
    private DigitalInput input;

    @Activate
    public WaterMeterDriver(@Reference ReadingSink sink, Map<String, Object> properties) {
        this(sink, WaterMeterOptions.fromLeniently(properties), BoardSource.GPIOD,
                Clock.systemUTC(), TICK);
    }

    WaterMeterDriver(ReadingSink sink, WaterMeterOptions options, BoardSource boards, Clock clock, Duration tick) {
        super(options.device(), PID, sink, boards, clock, options.heartbeat());
        this.options = options;
        this.counter = new FlowCounter(options.pulsesPerLitre(), options.interval(), options.flowStop(), options.flowStartPulses());
        start();
        worker.scheduleWithFixedDelay(this::tick, tick.toNanos(), tick.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void attach(GpioBoard board) {
        input = board.openInput("anxin-water-" + device, options.pin(), options.pull());
        DigitalState pulseLevel = options.activeHigh() ? DigitalState.HIGH : DigitalState.LOW;
        input.addListener(event -> {
            if (event.state() == pulseLevel) {
                counter.pulse(clock.instant());
            }
        });
    }

    @Override
    protected void detach(GpioBoard board) {
        try {
            board.close("anxin-water-" + device);
        } catch (RuntimeException e) {
            // the pin is already gone with the chip
        }
        input = null;
    }

    private void tick() {
        try {
            counter.tick(clock.instant()).ifPresent(report -> {
                if (report.event() != FlowCounter.Event.FLOWING) {
                    LOG.info("{}: water {} ({} l)", device, report.event() == FlowCounter.Event.FLOW_STARTED ? "started" : "stopped",
                            report.litres().toPlainString());
                }
                deliver(new Reading(device, ReadingKind.WATER, report.litres().toPlainString(), report.time()));
            });
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: keep counting whatever happened
            LOG.error("{}: water report failed: {}", device, e.toString());
        }
    }

    /** Pulses counted since the driver started. */
    long pulses() {
        return counter.pulses();
    }

    boolean flowing() {
        return counter.flowing();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    @Override
    void addHealthListener(DeviceHealthListener listener) {
        super.addHealthListener(listener);
    }

    @Override
    void removeHealthListener(DeviceHealthListener listener) {
        super.removeHealthListener(listener);
    }

    @Deactivate
    @Override
    void close() {
        super.close();
    }
}
