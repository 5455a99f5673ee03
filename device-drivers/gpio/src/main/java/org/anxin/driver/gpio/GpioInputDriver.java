package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One wired sensor on a GPIO pin. Its level, debounced, becomes a reading of the configured kind:
 * active is open, alarm, pressed or on. The level found when the pin is opened is reported too, so a
 * detector already in alarm when the gateway starts is not missed.
 */
@Component(configurationPid = GpioInputDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = GpioInputConfig.class, factory = true)
public class GpioInputDriver extends PinDriver {

    public static final String PID = "org.anxin.driver.gpio.input";

    private final GpioInputOptions options;
    private DigitalInput input;
    private volatile Debouncer debouncer;

    @Activate
    public GpioInputDriver(@Reference ReadingSink sink, Map<String, Object> properties) {
        this(sink, GpioInputOptions.fromLeniently(properties), BoardSource.GPIOD,
                Clock.systemUTC());
    }

    GpioInputDriver(ReadingSink sink, GpioInputOptions options, BoardSource boards, Clock clock) {
        super(options.device(), PID, sink, boards, clock, options.heartbeat());
        this.options = options;
        start();
    }

    @Override
    protected void attach(GpioBoard board) {
        input = board.openInput(pinId(), options.pin(), options.pull());
        Instant now = clock.instant();
        boolean active = active(input.state());
        debouncer = new Debouncer(options.debounce(), active, now);
        options.value(active).ifPresent(value -> deliver(new Reading(device, options.kind(), value, now)));
        input.addListener(event -> onEdge(active(event.state())));
    }

    @Override
    protected void detach(GpioBoard board) {
        try {
            board.close(pinId());
        } catch (RuntimeException e) {
            // the pin is already gone with the chip; nothing is left to give back
        }
        input = null;
    }

    private String pinId() {
        return "anxin-in-" + device;
    }

    private boolean active(DigitalState state) {
        return options.activeHigh() ? state == DigitalState.HIGH : state == DigitalState.LOW;
    }

    /** Called on Pi4J's event thread for every edge: only notes it; the worker decides once it has held. */
    private void onEdge(boolean active) {
        Debouncer d = debouncer;
        if (d == null) {
            return;
        }
        d.edge(active, clock.instant());
        worker.schedule(this::settle, d.hold().toNanos(), TimeUnit.NANOSECONDS);
    }

    private void settle() {
        Debouncer d = debouncer;
        Instant now = clock.instant();
        d.settle(now).ifPresentOrElse(
                change -> options.value(change.active()).ifPresent(value -> deliver(new Reading(device, options.kind(), value, change.since()))),
                () -> d.pending(now).ifPresent(left -> worker.schedule(this::settle, Math.max(left.toNanos(), 100_000), TimeUnit.NANOSECONDS)));
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

    Duration debounce() {
        return options.debounce();
    }
}
