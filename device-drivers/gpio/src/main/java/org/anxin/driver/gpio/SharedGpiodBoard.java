package org.anxin.driver.gpio;

/**
 * The one libgpiod board of this bundle, shared by every driver instance in it and shut down when
 * the last one lets go. One Pi4J context owns the GPIO chip's lines, so two instances cannot
 * claim the same pin without Pi4J saying so.
 */
final class SharedGpiodBoard {

    private static Pi4jBoard board;
    private static int users;

    private SharedGpiodBoard() {
    }

    static synchronized GpioBoard acquire() {
        if (board == null) {
            board = Pi4jBoard.gpiod();
        }
        users++;
        return board;
    }

    static synchronized void release() {
        if (users > 0 && --users == 0) {
            board.close();
            board = null;
        }
    }
}
