package org.anxin.driver.gpio;

/** Where a driver gets its board: the bundle's shared libgpiod board, or a given one (tests). */
interface BoardSource {

    GpioBoard acquire();

    void release();

    BoardSource GPIOD = new BoardSource() {
        @Override
        public GpioBoard acquire() {
            return SharedGpiodBoard.acquire();
        }

        @Override
        public void release() {
            SharedGpiodBoard.release();
        }
    };

    static BoardSource of(GpioBoard board) {
        return new BoardSource() {
            @Override
            public GpioBoard acquire() {
                return board;
            }

            @Override
            public void release() {
            }
        };
    }
}
