package org.anxin.uplink;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads Paho runs on, owned by the uplink and shut down with it.
 *
 * <p>Paho runs a receiver, a sender and a callback task per connection, each for as long as the
 * connection lives, and the tasks of a dropped connection end only once its socket is closed. A
 * fixed pool would let a closing connection's tasks starve the next one's (the connect then hangs);
 * so long tasks get a pool that grows as needed and lets idle threads go within seconds, and only
 * the keep-alive pings use a scheduler. The thread count therefore follows the live connections,
 * whatever the number of reconnects.
 */
final class PahoExecutor extends AbstractExecutorService implements ScheduledExecutorService {

    private final ThreadPoolExecutor tasks;
    private final ScheduledThreadPoolExecutor timer;

    PahoExecutor(String name) {
        AtomicInteger n = new AtomicInteger();
        this.tasks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-ping");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable command) {
        tasks.execute(command);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return timer.schedule(() -> tasks.execute(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return timer.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return timer.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return timer.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
        timer.shutdown();
        tasks.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> left = timer.shutdownNow();
        left.addAll(tasks.shutdownNow());
        return left;
    }

    @Override
    public boolean isShutdown() {
        return tasks.isShutdown() && timer.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return tasks.isTerminated() && timer.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        return timer.awaitTermination(timeout, unit)
                && tasks.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
