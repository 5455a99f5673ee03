package org.anxin.driver.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfigBuilder;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.provider.Provider;
import java.util.Objects;

/**
 * A {@link GpioBoard} on a Pi4J context whose providers are given explicitly: in OSGi Pi4J's
 * ServiceLoader discovery sees none of them, and auto-detection would also probe for platforms we
 * do not use.
 */
public final class Pi4jBoard implements GpioBoard, AutoCloseable {

    private final Context context;
    private final String inputProvider;
    private final String outputProvider;

    public Pi4jBoard(Provider<?, ?, ?> inputProvider, Provider<?, ?, ?> outputProvider) {
        this.context = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(inputProvider, outputProvider).build();
        this.inputProvider = inputProvider.id();
        this.outputProvider = outputProvider.id();
    }

    /**
     * The board of a Raspberry Pi 4 or 5 through libgpiod ({@code /dev/gpiochip*}). Loading the
     * native library happens when a pin is first opened, so this does not fail off a Pi; opening a pin does.
     */
    public static Pi4jBoard gpiod() {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // Pi4J loads its natives and board data through the context class loader
        Thread.currentThread().setContextClassLoader(Pi4jBoard.class.getClassLoader());
        try {
            return new Pi4jBoard(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Pi4J's mock board, whose outputs keep the state they are driven to: for tests and benches. */
    public static Pi4jBoard mock() {
        return new Pi4jBoard(com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider.newInstance(),
                com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider.newInstance());
    }

    public Context context() {
        return context;
    }

    @Override
    public synchronized DigitalInput openInput(String id, int bcmPin, PullResistance pull) {
        return context.create(DigitalInput.newConfigBuilder(context).id(id).address(bcmPin).pull(pull)
                .debounce(0L).provider(inputProvider));
    }

    @Override
    public synchronized DigitalOutput openOutput(String id, int bcmPin, boolean activeHigh) {
        DigitalState off = activeHigh ? DigitalState.LOW : DigitalState.HIGH;
        DigitalOutputConfigBuilder config = DigitalOutput.newConfigBuilder(context).id(id).address(bcmPin)
                .initial(off).shutdown(off).provider(outputProvider);
        return context.create(config);
    }

    @Override
    public synchronized void close(String id) {
        Objects.requireNonNull(id, "id");
        if (context.registry().exists(id)) {
            context.shutdown(id);
        }
    }

    @Override
    public synchronized void close() {
        context.shutdown();
    }
}
