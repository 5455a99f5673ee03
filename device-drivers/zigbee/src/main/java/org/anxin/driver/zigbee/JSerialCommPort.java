package org.anxin.driver.zigbee;

import com.fazecast.jSerialComm.SerialPort;
import com.zsmartsystems.zigbee.transport.ZigBeePort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dongle's serial port through jSerialComm, which works in OSGi (it has a manifest and loads
 * its own native library); the library's own port uses jssc, which does not. A port that went away
 * reads as nothing and writes nowhere; the dongle notices the silence and goes offline.
 */
final class JSerialCommPort implements ZigBeePort {

    private static final Logger LOG = LoggerFactory.getLogger(JSerialCommPort.class);
    private final String name;
    private final int baud;
    private final FlowControl flowControl;
    private volatile SerialPort port;
    private int readTimeout = -1;

    JSerialCommPort(String name, int baud, FlowControl flowControl) {
        this.name = name;
        this.baud = baud;
        this.flowControl = flowControl;
    }

    @Override
    public boolean open() {
        return open(baud, flowControl);
    }

    @Override
    public boolean open(int baudRate) {
        return open(baudRate, flowControl);
    }

    @Override
    public synchronized boolean open(int baudRate, FlowControl flow) {
        close();
        SerialPort candidate;
        try {
            candidate = SerialPort.getCommPort(name);
        } catch (RuntimeException e) {
            LOG.warn("serial port {} not found: {}", name, e.getMessage());
            return false;
        }
        candidate.setComPortParameters(baudRate, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        candidate.setFlowControl(switch (flow) {
            case FLOWCONTROL_OUT_RTSCTS -> SerialPort.FLOW_CONTROL_RTS_ENABLED | SerialPort.FLOW_CONTROL_CTS_ENABLED;
            case FLOWCONTROL_OUT_XONOFF -> SerialPort.FLOW_CONTROL_XONXOFF_IN_ENABLED | SerialPort.FLOW_CONTROL_XONXOFF_OUT_ENABLED;
            default -> SerialPort.FLOW_CONTROL_DISABLED;
        });
        if (!candidate.openPort()) {
            LOG.warn("serial port {} cannot be opened (error {})", name, candidate.getLastErrorCode());
            return false;
        }
        readTimeout = -1;
        port = candidate;
        return true;
    }

    @Override
    public synchronized void close() {
        SerialPort p = port;
        port = null;
        if (p != null) {
            p.closePort();
        }
    }

    @Override
    public void write(int value) {
        write(new int[] {value});
    }

    @Override
    public void write(int[] bytes) {
        SerialPort p = port;
        if (p == null) {
            return;
        }
        byte[] buffer = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            buffer[i] = (byte) bytes[i];
        }
        if (p.writeBytes(buffer, buffer.length) != buffer.length) {
            LOG.debug("serial port {}: short write", name);
        }
    }

    @Override
    public int read() {
        return read(Integer.MAX_VALUE);
    }

    @Override
    public int read(int timeout) {
        SerialPort p = port;
        if (p == null) {
            sleep(Math.min(timeout, 100));
            return -1;
        }
        // a timeout of 0 is "wait for a byte however long"; set only when it changes (each set is a system call)
        int wanted = timeout <= 0 || timeout == Integer.MAX_VALUE ? 0 : timeout;
        if (wanted != readTimeout) {
            p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, wanted, 0);
            readTimeout = wanted;
        }
        byte[] one = new byte[1];
        int n = p.readBytes(one, 1);
        if (n == 1) {
            return one[0] & 0xFF;
        }
        if (n < 0) {
            // the port went away (dongle unplugged): do not spin on it
            sleep(Math.min(timeout, 100));
        }
        return -1;
    }

    @Override
    public void purgeRxBuffer() {
        SerialPort p = port;
        if (p != null) {
            p.flushIOBuffers();
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
