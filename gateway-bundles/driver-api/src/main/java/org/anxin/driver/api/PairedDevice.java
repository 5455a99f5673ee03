package org.anxin.driver.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.anxin.protocol.ReadingKind;

/**
 * One device in a sensor network, as an installer sees it.
 *
 * @param device its id in readings; for Zigbee {@code zb-} and its IEEE address in 16 lower-case hex digits
 * @param ieeeAddress its address in the network; for Zigbee its IEEE address as Zigbee writes it
 *        (16 upper-case hex digits)
 * @param manufacturer and {@code model} from its Basic cluster; empty if it did not say
 * @param kinds the kinds of reading it provides
 * @param lastSeen when it was last heard from since the gateway started
 */
public record PairedDevice(String device, String ieeeAddress, String manufacturer, String model, Set<ReadingKind> kinds,
                           Optional<Instant> lastSeen) {

    public PairedDevice {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(ieeeAddress, "ieeeAddress");
        Objects.requireNonNull(manufacturer, "manufacturer");
        Objects.requireNonNull(model, "model");
        kinds = Set.copyOf(kinds);
        Objects.requireNonNull(lastSeen, "lastSeen");
    }
}
