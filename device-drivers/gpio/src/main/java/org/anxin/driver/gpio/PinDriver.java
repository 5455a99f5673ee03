package org.anxin.driver.gpio;

import org.anxin.driver.api.DeviceHealthReporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.driver.api.DeviceHealth;
import org.anxin.driver.api.DeviceHealthListener;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every GPIO driver instance shares: one thread that does all its work (so a slow store never
 * blocks Pi4J's event thread), opening its pins with retries, and turning a pin that cannot be
 * opened (no GPIO chip, a pin claimed twice, the native library missing) into a health fault and a
 * retry instead of a failed component.
 */
abstract class PinDriver {

    private static final Logger LOG = LoggerFactory.getLogger(PinDriver.class);

    protected final String device;
    protected final String pid;
    protected final Clock clock;
    protected final ScheduledExecutorService worker;
    private final BoardSource boards;
    private final ReadingSink sink;
    private final DeviceHealthReporter health = new DeviceHealthReporter();
    private final Retry retry = new Retry();
    private final AtomicLong refused = new AtomicLong();
    private GpioBoard board;
    private volatile boolean attached;
    private volatile boolean closed;
    private volatile Instant lastSeen;
    private String fault;

    private final Duration heartbeat;

    PinDriver(String device, String pid, ReadingSink sink, BoardSource boards, Clock clock, Duration heartbeat) {
        this.heartbeat = heartbeat;
        this.device = device;
        this.pid = pid;
        this.sink = sink;
        this.boards = boards;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "anxin-gpio-" + device);
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens this driver's pins on the board and starts listening. Runs on the worker. */
    protected abstract void attach(GpioBoard board);

    /** Gives this driver's pins back. Runs on the worker; must not throw. */
    protected abstract void detach(GpioBoard board);

    protected final void start() {
        worker.execute(this::tryAttach);
        if (!heartbeat.isZero()) {
            worker.scheduleAtFixedRate(this::heartbeat, heartbeat.toNanos(), heartbeat.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A wired sensor cannot check in by itself; the driver does it for the pin while it holds it
     * open. A pin that fails stops the heartbeats, and the detection engine's silence rule then
     * reports the device (DEVICE_SILENT): a fault reaches the bridge through the readings' own path.
     */
    private void heartbeat() {
        if (attached && sink != null) {
            deliver(new Reading(device, ReadingKind.HEARTBEAT, "ok", clock.instant()));
        }
    }

    private void tryAttach() {
        if (closed) {
            return;
        }
        try {
            if (board == null) {
                board = boards.acquire();
            }
            attach(board);
            attached = true;
            retry.reset();
            if (fault != null) {
                fault = null;
                health.report(new DeviceHealth(device, pid, Optional.ofNullable(lastSeen), java.util.OptionalInt.empty(),
                        Optional.empty(), clock.instant()));
            }
            LOG.info("{} {} ready", pid, device);
        } catch (RuntimeException | LinkageError e) {
            failed("cannot open its GPIO pins: " + e, e);
        }
    }

    /**
     * The pins stopped working (or never did): report it, give them back and try again later. A
     * fault never stops the component; the installer sees it in the health report and the log.
     */
    protected final void failed(String what, Throwable cause) {
        attached = false;
        if (board != null) {
            detach(board);
            // a board whose GPIO chip was missing when it was made stays without one: let the next
            // attempt make a new one (it is made again once every driver instance has let go)
            boards.release();
            board = null;
        }
        Duration delay = retry.nextDelay();
        if (!what.equals(fault)) {
            fault = what;
            health.report(DeviceHealth.faulty(device, pid, Optional.ofNullable(lastSeen), what + "; retrying in " + delay.toSeconds() + " s",
                    clock.instant()));
            LOG.debug("{} {} failed", pid, device, cause);
        }
        if (!closed) {
            worker.schedule(this::tryAttach, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Hands a reading to the detection engine. A refusal is logged and counted; it never stops the driver. */
    protected final void deliver(Reading reading) {
        lastSeen = reading.time();
        try {
            sink.accept(reading);
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            LOG.error("{} {}: reading {} {} was not accepted: {}", pid, device, reading.kind().wireName(), reading.value(), e.toString());
        }
        health.report(DeviceHealth.seen(device, pid, reading.time()));
    }

    void addHealthListener(DeviceHealthListener listener) {
        health.add(listener);
    }

    void removeHealthListener(DeviceHealthListener listener) {
        health.remove(listener);
    }

    /** Whether the pins are open and watched. */
    boolean attached() {
        return attached;
    }

    /** Readings the sink did not take. */
    long refused() {
        return refused.get();
    }

    Optional<Instant> lastSeen() {
        return Optional.ofNullable(lastSeen);
    }

    /** Stops the worker and gives the pins and the board back. */
    void close() {
        closed = true;
        try {
            worker.submit(() -> {
                if (board != null) {
                    detach(board);
                    boards.release();
                    board = null;
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{} {}: pins not released cleanly: {}", pid, device, e.toString());
        } finally {
            worker.shutdownNow();
        }
    }
}
