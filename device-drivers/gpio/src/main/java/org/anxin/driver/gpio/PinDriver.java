package org.anxin.driver.gpio;

import org.anxin.driver.api.Backoff;
import org.anxin.driver.api.DeviceHealthReporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
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
    /** Readings that must reach the store however long it takes: a lost alarm or call may cost a life. */
    static final Set<ReadingKind> LIFE_SAFETY = EnumSet.of(ReadingKind.SMOKE, ReadingKind.GAS, ReadingKind.LEAK, ReadingKind.CALL);
    /** Waits between attempts to open pins that failed. */
    static final Duration FIRST_ATTACH_RETRY = Duration.ofSeconds(5);
    static final Duration LONGEST_ATTACH_RETRY = Duration.ofMinutes(5);
    static final Duration FIRST_REDELIVERY = Duration.ofMillis(100);
    static final Duration LONGEST_REDELIVERY = Duration.ofSeconds(5);
    /** Attempts a telemetry reading gets before it is given up. */
    static final int TELEMETRY_ATTEMPTS = 3;
    /**
     * Readings waiting behind a refused one, beyond which new telemetry is given up at once, so a
     * store that stays down cannot fill the memory; life-safety readings are always kept.
     */
    static final int MAX_WAITING = 1000;

    protected final String device;
    protected final String pid;
    protected final Clock clock;
    protected final ScheduledExecutorService worker;
    private final BoardSource boards;
    private final ReadingSink sink;
    private final DeviceHealthReporter health = new DeviceHealthReporter();
    private final Backoff.Schedule retry = Backoff.doubling(FIRST_ATTACH_RETRY, LONGEST_ATTACH_RETRY).schedule();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** Readings not yet taken by the sink, oldest first; touched only on the worker. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private volatile int waitingCount;
    private final Backoff.Schedule redelivery = Backoff.doubling(FIRST_REDELIVERY, LONGEST_REDELIVERY).schedule();
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
        Duration delay = retry.next();
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

    /** A reading the sink refused at least once, with how often. */
    private static final class Waiting {
        final Reading reading;
        int attempts;

        Waiting(Reading reading) {
            this.reading = reading;
        }
    }

    /**
     * Hands a reading to the detection engine; runs on the worker. A refused reading is offered
     * again, after 100 ms doubling to 5 s: a life-safety one until the sink takes it or the driver
     * closes, telemetry {@link #TELEMETRY_ATTEMPTS} times, then it is given up and counted. While
     * one waits, newer readings of the pin queue behind it, so the store sees them in order (a
     * {@code clear} never lands before the {@code alarm} it ends). A refusal never stops the driver.
     */
    protected final void deliver(Reading reading) {
        lastSeen = reading.time();
        health.report(DeviceHealth.seen(device, pid, reading.time()));
        if (!waiting.isEmpty()) {
            if (waiting.size() >= MAX_WAITING && !LIFE_SAFETY.contains(reading.kind())) {
                giveUp(reading, "too many readings wait for the store");
                return;
            }
            waiting.addLast(new Waiting(reading));
            waitingCount = waiting.size();
            return;
        }
        Waiting w = new Waiting(reading);
        if (!offer(w)) {
            waiting.addLast(w);
            waitingCount = waiting.size();
            redelivery.reset();
            scheduleRedelivery();
        }
    }

    /** Whether the sink took the reading. */
    private boolean offer(Waiting w) {
        w.attempts++;
        try {
            sink.accept(w.reading);
            if (w.attempts > 1) {
                LOG.info("{} {}: reading {} {} accepted after {} attempts", pid, device, w.reading.kind().wireName(), w.reading.value(),
                        w.attempts);
            }
            return true;
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            if (w.attempts == 1) {
                LOG.error("{} {}: reading {} {} was not accepted, retrying: {}", pid, device, w.reading.kind().wireName(), w.reading.value(),
                        e.toString());
            } else {
                LOG.debug("{} {}: reading {} {} refused again (attempt {}): {}", pid, device, w.reading.kind().wireName(),
                        w.reading.value(), w.attempts, e.toString());
            }
            return false;
        }
    }

    private void scheduleRedelivery() {
        if (closed) {
            return;
        }
        Duration delay = redelivery.next();
        try {
            worker.schedule(this::redeliver, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Offers the waiting readings again, oldest first, until one is refused. */
    private void redeliver() {
        while (!waiting.isEmpty() && !closed) {
            Waiting head = waiting.peekFirst();
            if (offer(head)) {
                waiting.removeFirst();
                redelivery.reset();
            } else if (!LIFE_SAFETY.contains(head.reading.kind()) && head.attempts >= TELEMETRY_ATTEMPTS) {
                waiting.removeFirst();
                giveUp(head.reading, "refused " + head.attempts + " times");
            } else {
                waitingCount = waiting.size();
                scheduleRedelivery();
                return;
            }
            waitingCount = waiting.size();
        }
    }

    private void giveUp(Reading reading, String why) {
        long n = dropped.incrementAndGet();
        LOG.error("{} {}: reading {} {} given up ({}), {} so far", pid, device, reading.kind().wireName(), reading.value(), why, n);
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

    /** Times the sink refused a reading (each attempt counts). */
    long refused() {
        return refused.get();
    }

    /** Telemetry readings given up after the sink refused them. */
    long dropped() {
        return dropped.get();
    }

    /** Readings refused and not yet taken by the sink or given up. */
    int waiting() {
        return waitingCount;
    }

    Optional<Instant> lastSeen() {
        return Optional.ofNullable(lastSeen);
    }

    /** Stops the worker and gives the pins and the board back. */
    void close() {
        closed = true;
        try {
            worker.submit(() -> {
                if (!waiting.isEmpty()) {
                    long lifeSafety = waiting.stream().filter(w -> LIFE_SAFETY.contains(w.reading.kind())).count();
                    LOG.error("{} {}: closed with {} readings the store has not taken ({} life-safety), first {} {} at {}", pid, device,
                            waiting.size(), lifeSafety, waiting.peekFirst().reading.kind().wireName(), waiting.peekFirst().reading.value(),
                            waiting.peekFirst().reading.time());
                }
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
