package org.anxin.bridge.core;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the bridge's threads so a thread dump (or a leak check) tells whose they are. */
public final class NamedThreads implements ThreadFactory {

    public static final String PREFIX = "anxin-bridge-";

    private final String name;
    private final AtomicInteger count = new AtomicInteger();

    public NamedThreads(String purpose) {
        this.name = PREFIX + purpose;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread t = new Thread(task, name + "-" + count.incrementAndGet());
        t.setDaemon(true); // a forgotten close() must not keep the JVM alive
        return t;
    }
}
