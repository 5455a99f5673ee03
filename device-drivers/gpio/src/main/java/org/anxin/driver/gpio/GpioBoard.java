package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.PullResistance;

/**
 * The pins of the board, opened through a Pi4J context. On the gateway it is libgpiod; in tests
 * Pi4J's mock provider.
 */
public interface GpioBoard {

    /** Opens a BCM-numbered input without Pi4J's debounce (ours is in {@link Debouncer}). */
    DigitalInput openInput(String id, int bcmPin, PullResistance pull);

    /** Opens a BCM-numbered output, driven to its inactive level. */
    DigitalOutput openOutput(String id, int bcmPin, boolean activeHigh);

    /** Gives a pin back, so a retry or a new configuration can open it again. */
    void close(String id);
}
