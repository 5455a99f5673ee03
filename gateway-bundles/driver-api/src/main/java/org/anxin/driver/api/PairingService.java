package org.anxin.driver.api;

import java.util.List;

/**
 * Pairing for installers, one service per sensor network (a Zigbee dongle): open the network for
 * joining, list the devices, remove one. A driver that pairs devices offers it; the bridge's
 * commands ({@code permit-join}) reach it through this interface, so they need no driver.
 */
@org.osgi.annotation.versioning.ProviderType
public interface PairingService {

    /** Longest join window in one permit-join: Zigbee's 254 s (255 would mean "forever"). */
    int MAX_PERMIT_JOIN_SECONDS = 254;

    /**
     * Lets new devices join for {@code seconds} (1 to {@link #MAX_PERMIT_JOIN_SECONDS}); 0 closes
     * the network at once. Each device that joins is announced in the log with its model and the
     * kinds of reading it provides, and appears in {@link #devices()}.
     *
     * @throws IllegalArgumentException for seconds out of range
     * @throws IllegalStateException while the network is not up (no dongle)
     */
    void permitJoin(int seconds);

    /**
     * Asks a device to leave the network and forgets it, whether or not it answers (a device with
     * a flat battery never will).
     *
     * @param device the device id, as in its readings ({@code zb-} and its IEEE address)
     * @return false if no such device is in the network
     * @throws IllegalStateException while the network is not up
     */
    boolean remove(String device);

    /** The devices in the network, the coordinator excepted. */
    List<PairedDevice> devices();
}
