package org.anxin.diagnostics.watchdog;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sends sd_notify messages ({@code READY=1}, {@code WATCHDOG=1}) to the datagram socket systemd
 * names in {@code $NOTIFY_SOCKET}. Java 17 has no Unix datagram channel, so this calls libc's
 * {@code socket}/{@code sendto} through JNA. A {@code systemd-notify} subprocess was the other
 * way; it was not taken because systemd attributes a datagram to a unit by its sender's PID, and
 * one from a short-lived child that has already exited by then can be dropped (NotifyAccess=all,
 * systemd 252 as on Raspberry Pi OS bookworm): two lost pings in a row restart a healthy gateway.
 */
final class SystemdNotifier implements Notifier {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    /** {@code sizeof(sun_path)} on Linux. */
    private static final int SUN_PATH = 108;

    /** The three libc calls; {@code NativeLong} is {@code size_t}/{@code ssize_t} on 32- and 64-bit Linux alike. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final byte[] address;

    /** @param socket the value of {@code $NOTIFY_SOCKET}: a path, or {@code @name} in the abstract namespace */
    SystemdNotifier(String socket) {
        this.address = sockaddr(socket);
    }

    /** A {@code struct sockaddr_un} for the socket, as long as the kernel is to read of it. */
    static byte[] sockaddr(String socket) {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        if (path.length == 0 || path.length >= SUN_PATH || !(path[0] == '/' || path[0] == '@')) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is neither an absolute path nor an abstract socket (@name)"
                    + " of at most " + (SUN_PATH - 1) + " bytes: '" + socket + "'");
        }
        boolean abstractName = path[0] == '@';
        // a path is NUL-terminated; an abstract name starts with NUL and is exactly as long as given
        ByteBuffer address = ByteBuffer.allocate(2 + path.length + (abstractName ? 0 : 1)).order(ByteOrder.nativeOrder());
        address.putShort((short) AF_UNIX).put(path);
        byte[] bytes = address.array();
        if (abstractName) {
            bytes[2] = 0;
        }
        return bytes;
    }

    @Override
    public void notify(String state) {
        LibC libc = Holder.LIBC;
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try {
            libc.sendto(fd, message, new NativeLong(message.length), 0, address, address.length);
        } finally {
            libc.close(fd);
        }
    }
}
