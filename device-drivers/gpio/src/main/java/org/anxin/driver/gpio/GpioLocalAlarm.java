package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.DigitalOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.LenientConfig;
import org.anxin.driver.api.LocalAlarm;
import org.osgi.framework.BundleContext;
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
 * The siren and LED on GPIO outputs, as the gateway's {@link LocalAlarm}. What was asked last is
 * remembered: if the outputs fail and come back (a retry), they come back sounding if they should.
 */
@Component(configurationPid = GpioLocalAlarm.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = LocalAlarm.class)
@Designate(ocd = LocalAlarmConfig.class)
public class GpioLocalAlarm extends PinDriver implements LocalAlarm {

    public static final String PID = "org.anxin.driver.gpio.alarm";
    static final String DEVICE = "local-alarm";
    private static final Logger LOG = LoggerFactory.getLogger(GpioLocalAlarm.class);

    private final int sirenPin;
    private final int ledPin;
    private final boolean activeHigh;
    private final long blinkMillis;
    private DigitalOutput siren;
    private DigitalOutput led;
    private ScheduledFuture<?> blinking;
    private volatile boolean sounding;
    /** A test sounds apart from {@link #sounding}, so a test ending cannot silence a real alarm. */
    private volatile boolean testing;
    private ScheduledFuture<?> testEnd;

    /** The last siren pin that was configured without fault since the bundle started: a typo in an edit keeps it. */
    private static volatile Integer lastGoodSirenPin;
    /** Where the last good siren pin is kept across restarts, under the gateway's data directory. */
    static final String MEMORY_FILE = "siren-pin.txt";

    @Activate
    public GpioLocalAlarm(Map<String, Object> properties, BundleContext context) {
        this(pins(properties, Path.of(Optional.ofNullable(context.getProperty("anxin.data")).orElse("data")).resolve(MEMORY_FILE)),
                BoardSource.GPIOD, Clock.systemUTC());
    }

    GpioLocalAlarm(LocalAlarmConfig config, BoardSource boards, Clock clock) {
        this(Pins.from(config), boards, clock);
    }

    GpioLocalAlarm(Pins pins, BoardSource boards, Clock clock) {
        super(DEVICE, PID, null, boards, clock, java.time.Duration.ZERO);
        this.sirenPin = pins.siren();
        this.ledPin = pins.led();
        this.activeHigh = pins.activeHigh();
        this.blinkMillis = pins.blinkMillis();
        start();
    }

    /** The siren's and LED's settings, checked. */
    record Pins(int siren, int led, boolean activeHigh, long blinkMillis) {

        static Pins from(LocalAlarmConfig config) {
            int siren = PinPull.bcmPin("sirenPin", config.sirenPin());
            int led = config.ledPin() == -1 ? -1 : PinPull.bcmPin("ledPin", config.ledPin());
            if (led == siren) {
                throw new IllegalArgumentException("'ledPin' and 'sirenPin' are both " + siren);
            }
            if (config.ledBlinkMillis() < 0) {
                throw new IllegalArgumentException("'ledBlinkMillis' must be >= 0");
            }
            return new Pins(siren, led, PinPull.activeHigh("activeLevel", config.activeLevel()), config.ledBlinkMillis());
        }
    }

    /**
     * The pins read leniently: no property can switch the siren off. A bad LED, level or blink
     * setting falls back to its default; a {@code sirenPin} that cannot be read falls back to the
     * last good one, kept in {@code memory} so that a restart with a typo in the file still has a
     * siren, and only a gateway that never had a good one keeps the siren down (there is no default
     * pin to guess: another output may be wired there). That case is reported as the component down.
     */
    static Pins pins(Map<String, Object> properties, Path memory) {
        Integer remembered = remembered(memory);
        Pins pins;
        try {
            pins = LenientConfig.read(LocalAlarmConfig.class, properties, Pins::from).options();
        } catch (IllegalArgumentException badSirenPin) {
            Integer last = lastGoodSirenPin != null ? lastGoodSirenPin : remembered;
            if (last == null) {
                throw badSirenPin;
            }
            LOG.error("siren configuration: {}; the siren stays on pin {}, the last good one", badSirenPin.getMessage(), last);
            Map<String, Object> repaired = new HashMap<>(properties);
            repaired.put("sirenPin", last);
            pins = LenientConfig.read(LocalAlarmConfig.class, repaired, Pins::from).options();
        }
        if (!Integer.valueOf(pins.siren()).equals(remembered)) {
            remember(memory, pins.siren());
        }
        lastGoodSirenPin = pins.siren();
        return pins;
    }

    private static Integer remembered(Path memory) {
        if (memory == null || !Files.isRegularFile(memory)) {
            return null;
        }
        try {
            int pin = Integer.parseInt(Files.readString(memory).trim());
            return pin >= 0 && pin <= 27 ? pin : null;
        } catch (IOException | NumberFormatException e) {
            LOG.warn("the last good siren pin in {} cannot be read: {}", memory, e.toString());
            return null;
        }
    }

    /** Written aside and moved into place, so a full disk or a power cut leaves the old value whole. */
    private static void remember(Path memory, int pin) {
        if (memory == null) {
            return;
        }
        try {
            Files.createDirectories(memory.toAbsolutePath().getParent());
            Path aside = memory.resolveSibling(memory.getFileName() + ".new");
            Files.writeString(aside, pin + "\n");
            Files.move(aside, memory, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("the siren pin {} could not be remembered in {}: {}", pin, memory, e.toString());
        }
    }

    /** For tests: as after a restart, no siren pin known yet. */
    static void forgetLastGoodSirenPin() {
        lastGoodSirenPin = null;
    }

    @Override
    protected void attach(GpioBoard board) {
        siren = board.openOutput("anxin-siren", sirenPin, activeHigh);
        if (ledPin >= 0) {
            led = board.openOutput("anxin-led", ledPin, activeHigh);
        }
        apply();
    }

    @Override
    protected void detach(GpioBoard board) {
        stopBlinking();
        for (String id : new String[] {"anxin-siren", "anxin-led"}) {
            try {
                board.close(id);
            } catch (RuntimeException e) {
                // already gone with the chip
            }
        }
        siren = null;
        led = null;
    }

    @Override
    public void sound(String reason) {
        LOG.warn("local alarm sounding: {}", reason);
        sounding = true;
        applyAndWait();
    }

    @Override
    public void silence() {
        LOG.info("local alarm silenced");
        sounding = false;
        applyAndWait();
    }

    @Override
    public void test(java.time.Duration length) {
        if (length.isNegative() || length.isZero() || length.toSeconds() > 60) {
            throw new IllegalArgumentException("a siren test lasts 1 to 60 s, not " + length.toSeconds() + " s");
        }
        LOG.info("local alarm test for {} s", length.toSeconds());
        try {
            worker.submit(() -> {
                if (testEnd != null) {
                    testEnd.cancel(false);
                }
                testing = true;
                apply();
                testEnd = worker.schedule(() -> {
                    testing = false;
                    testEnd = null;
                    apply();
                    LOG.info("local alarm test ended{}", sounding ? "; a real alarm sounds on" : "");
                }, length.toMillis(), TimeUnit.MILLISECONDS);
            }).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the siren did not switch on in time: " + e, e);
        }
    }

    /** What the siren's output pin is driven to now, read back from the pin, not from what was asked. */
    @Override
    public State state() {
        DigitalOutput pin = siren;
        if (pin == null) {
            return State.UNKNOWN;
        }
        try {
            return pin.state().isHigh() == activeHigh ? State.SOUNDING : State.SILENT;
        } catch (RuntimeException e) {
            return State.UNKNOWN;
        }
    }

    /** Whether the alarm was asked to sound. */
    boolean sounding() {
        return sounding;
    }

    private void applyAndWait() {
        try {
            worker.submit(this::apply).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("local alarm outputs did not switch in time: {}", e.toString());
        }
    }

    /** Drives the outputs to what was asked last. Runs on the worker. */
    private void apply() {
        if (siren == null) {
            return; // not open (yet): attach applies it once the pins are back
        }
        boolean on = sounding || testing;
        try {
            write(siren, on);
            stopBlinking();
            if (led != null) {
                write(led, on);
                if (on && blinkMillis > 0) {
                    blinking = worker.scheduleAtFixedRate(this::toggleLed, blinkMillis, blinkMillis, TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            failed("cannot drive the siren or LED: " + e, e);
        }
    }

    private void toggleLed() {
        try {
            if (led != null) {
                led.toggle();
            }
        } catch (RuntimeException e) {
            failed("cannot drive the LED: " + e, e);
        }
    }

    private void stopBlinking() {
        if (blinking != null) {
            blinking.cancel(false);
            blinking = null;
        }
    }

    private void write(DigitalOutput output, boolean on) {
        if (on == activeHigh) {
            output.high();
        } else {
            output.low();
        }
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
        sounding = false;
        super.close();
    }
}
