package org.anxin.diagnostics.watchdog;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.anxin.detection.api.DetectionControl;
import org.anxin.protocol.HealthSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd the gateway is ready and feeds its watchdog ({@code WatchdogSec=} in the unit of
 * the Debian package) at half the interval systemd gives in {@code $WATCHDOG_USEC}, but only while
 * {@link Liveness} finds the gateway healthy enough to alarm. When it is not, the pings stop and
 * systemd restarts the gateway one interval later. Outside systemd ({@code $NOTIFY_SOCKET} unset)
 * it does nothing.
 *
 * <p>The engine is probed on a thread of its own: a probe stuck behind a wedged engine must not
 * stop this one from judging (and from not feeding the watchdog).
 */
@Component(immediate = true, service = {})
public class SystemdWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdWatchdog.class);
    /** Without a watchdog (no {@code WATCHDOG_USEC}) the gateway is still judged this often, to say READY. */
    static final Duration PERIOD_WITHOUT_WATCHDOG = Duration.ofSeconds(5);

    private final Notifier notifier;
    private final Liveness liveness;
    /** Between pings; zero when systemd gave no watchdog. */
    private final Duration pingEvery;
    private final Duration answerWithin;
    private final ScheduledExecutorService timer;
    private final ExecutorService prober;
    private volatile DetectionControl detection;
    private Future<?> probe;
    private boolean ready;
    private String lastReason = "";
    private boolean notifyFailed;

    @Activate
    public SystemdWatchdog() {
        this(System.getenv(), SystemdNotifier::new, new MonotonicClock(), true);
    }

    /**
     * @param environment where {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} are read
     * @param schedule    false in tests, which call {@link #tick()}
     */
    SystemdWatchdog(Map<String, String> environment, Function<String, Notifier> notifiers, Clock clock, boolean schedule) {
        String socket = environment.get("NOTIFY_SOCKET");
        Duration interval = watchdogInterval(environment);
        this.pingEvery = interval.dividedBy(2);
        // a probe must answer well within the interval, or a stuck one would be noticed too late
        this.answerWithin = interval.isZero() ? Duration.ofSeconds(30) : interval.dividedBy(4);
        this.liveness = new Liveness(clock, answerWithin);
        if (socket == null || socket.isEmpty()) {
            LOG.debug("not started by systemd (no NOTIFY_SOCKET): no watchdog");
            this.notifier = null;
            this.timer = null;
            this.prober = null;
            return;
        }
        this.notifier = notifiers.apply(socket);
        this.prober = Executors.newSingleThreadExecutor(r -> daemon(r, "anxin-watchdog-probe"));
        LOG.info("systemd: {}", interval.isZero() ? "no watchdog; READY=1 once detection answers"
                : "watchdog every " + interval.toMillis() + " ms, fed every " + pingEvery.toMillis() + " ms while detection answers");
        if (schedule) {
            long period = (interval.isZero() ? PERIOD_WITHOUT_WATCHDOG : pingEvery).toMillis();
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "anxin-watchdog"));
            timer.scheduleWithFixedDelay(this::tickQuietly, 0, period, TimeUnit.MILLISECONDS);
        } else {
            this.timer = null;
        }
    }

    /** The watchdog interval systemd set for this process; zero when none (or it is meant for another PID). */
    static Duration watchdogInterval(Map<String, String> environment) {
        String usec = environment.get("WATCHDOG_USEC");
        String pid = environment.get("WATCHDOG_PID");
        if (usec == null || usec.isEmpty()) {
            return Duration.ZERO;
        }
        if (pid != null && !pid.isEmpty() && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            LOG.warn("WATCHDOG_PID={} is not this process ({}): the watchdog is another's", pid, ProcessHandle.current().pid());
            return Duration.ZERO;
        }
        try {
            long micros = Long.parseLong(usec.trim());
            if (micros <= 0) {
                throw new NumberFormatException("not positive");
            }
            return Duration.ofNanos(Math.multiplyExact(micros, 1000L));
        } catch (NumberFormatException | ArithmeticException e) {
            LOG.error("WATCHDOG_USEC='{}' is not a positive number of microseconds ({}): the watchdog is not fed and"
                    + " systemd will restart the gateway; fix WatchdogSec= in the unit", usec, e.getMessage());
            return Duration.ZERO;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, unbind = "unsetDetection")
    void setDetection(DetectionControl control) {
        detection = control;
    }

    void unsetDetection(DetectionControl control) {
        if (detection == control) {
            detection = null;
        }
    }

    @Deactivate
    void stop() {
        if (notifier != null) {
            send("STOPPING=1");
            if (timer != null) {
                timer.shutdownNow();
            }
            prober.shutdownNow();
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            // the timer must survive a bad tick; a tick that fails to feed is what the watchdog is for
            LOG.error("watchdog check failed: {}", e.toString());
        }
    }

    /** One check: probe the engine, judge, and feed the watchdog if alive. */
    synchronized Liveness.Verdict tick() {
        DetectionControl control = detection;
        if (control != null && (probe == null || probe.isDone())) {
            liveness.probeStarted(control);
            probe = prober.submit(() -> {
                try {
                    control.learnedDays(); // takes the engine's lock: a wedged engine does not answer
                } finally {
                    liveness.probeAnswered();
                }
            });
        }
        if (probe != null) {
            try {
                probe.get(answerWithin.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // judged below: stuck once it is older than answerWithin
            } catch (ExecutionException e) {
                LOG.warn("the detection engine's probe threw: {}", e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Liveness.Verdict verdict = liveness.judge(control, control instanceof HealthSource h ? h.selfTest() : null);
        if (!verdict.reason().equals(lastReason)) {
            lastReason = verdict.reason();
            if (verdict.alive()) {
                LOG.info("watchdog: alive: {}", verdict.reason());
            } else if (!ready) {
                // starting: systemd waits for READY=1 (TimeoutStartSec=) and restarts the gateway if it never comes
                LOG.info("watchdog: not ready yet: {}", verdict.reason());
            } else {
                LOG.error("watchdog: NOT fed: {}; systemd restarts the gateway if this lasts", verdict.reason());
            }
            send("STATUS=" + (verdict.alive() ? "alive: " : "not alive: ") + verdict.reason());
        }
        if (verdict.alive()) {
            if (!ready) {
                ready = send("READY=1");
            }
            if (!pingEvery.isZero()) {
                send("WATCHDOG=1");
            }
        }
        return verdict;
    }

    private boolean send(String state) {
        try {
            notifier.notify(state);
            if (notifyFailed) {
                LOG.info("systemd: notifying works again");
            }
            notifyFailed = false;
            return true;
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: JNA's native part missing for this processor; said once, not every tick
            if (!notifyFailed) {
                LOG.error("systemd: cannot send {} to NOTIFY_SOCKET: {}", state, e.toString());
            }
            notifyFailed = true;
            return false;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
