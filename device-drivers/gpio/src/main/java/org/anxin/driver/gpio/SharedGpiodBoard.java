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

    /** System property that puts every pin of this bundle on Pi4J's mock board: test benches only. */
    static final String BOARD_PROPERTY = "anxin.gpio.board";

    static synchronized GpioBoard acquire() {
        if (board == null) {
            if ("mock".equals(System.getProperty(BOARD_PROPERTY))) {
                // a gateway whose siren is a mock rings nobody: say so at every start, loudly
                org.slf4j.LoggerFactory.getLogger(SharedGpiodBoard.class).error(
                        "{}=mock: GPIO pins are Pi4J's MOCK board, no real sensor or siren is connected; for tests and benches only",
                        BOARD_PROPERTY);
                board = Pi4jBoard.mock();
            } else {
                board = Pi4jBoard.gpiod();
            }
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
