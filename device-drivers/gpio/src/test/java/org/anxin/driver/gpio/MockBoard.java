package org.anxin.driver.gpio;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.driver.api.ReadingSink;
import org.anxin.protocol.Reading;

/** Pi4J's mock provider behind the real {@link Pi4jBoard}: the hardware boundary of these tests. */
final class MockBoard {

    final Pi4jBoard board = new Pi4jBoard(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance());

    MockDigitalInput input(String id) {
        return board.context().registry().get(id, MockDigitalInput.class);
    }

    DigitalOutput output(String id) {
        return board.context().registry().get(id, DigitalOutput.class);
    }

    boolean exists(String id) {
        return board.context().registry().exists(id);
    }

    void set(String id, boolean high) {
        input(id).mockState(high ? DigitalState.HIGH : DigitalState.LOW);
    }

    /** A sink that keeps what it is given. */
    static class Sink implements ReadingSink {
        final List<Reading> readings = new CopyOnWriteArrayList<>();

        @Override
        public void accept(Reading reading) {
            readings.add(reading);
        }

        List<String> values() {
            return readings.stream().map(Reading::value).toList();
        }
    }
}
