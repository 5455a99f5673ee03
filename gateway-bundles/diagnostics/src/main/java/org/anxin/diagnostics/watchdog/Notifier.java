package org.anxin.diagnostics.watchdog;

/** Where the watchdog's sd_notify states go: systemd's socket, or a test's list. */
interface Notifier {

    /**
     * Sends one state, such as {@code READY=1} or {@code WATCHDOG=1}.
     *
     * @throws RuntimeException when it could not be sent (the socket is gone, libc cannot be loaded)
     */
    void notify(String state);
}
