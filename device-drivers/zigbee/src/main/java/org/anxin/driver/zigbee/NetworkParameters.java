package org.anxin.driver.zigbee;

import java.security.SecureRandom;
import com.zsmartsystems.zigbee.ExtendedPanId;
import com.zsmartsystems.zigbee.ZigBeeChannel;
import com.zsmartsystems.zigbee.security.ZigBeeKey;

/**
 * What forms a new network: a channel, a random PAN id and extended PAN id, and a random network
 * key. The key lives in the dongle only; it is never written to a file or the log.
 */
public record NetworkParameters(ZigBeeChannel channel, int panId, ExtendedPanId extendedPanId, ZigBeeKey networkKey) {

    /** The trust centre link key every Zigbee 3.0 device knows ("ZigBeeAlliance09"): public, not a secret. */
    public static final ZigBeeKey ZIGBEE_ALLIANCE_09 = new ZigBeeKey(new int[] {0x5A, 0x69, 0x67, 0x42, 0x65, 0x65, 0x41, 0x6C, 0x6C,
        0x69, 0x61, 0x6E, 0x63, 0x65, 0x30, 0x39});

    public static NetworkParameters random(int channel) {
        SecureRandom random = new SecureRandom();
        int[] epan = new int[8];
        for (int i = 0; i < epan.length; i++) {
            epan[i] = random.nextInt(256);
        }
        // 0x0000 and 0xFFFF are not PAN ids a network may take
        int pan = 1 + random.nextInt(0xFFFE);
        return new NetworkParameters(ZigBeeChannel.create(channel), pan, new ExtendedPanId(epan), ZigBeeKey.createRandom());
    }

    @Override
    public String toString() {
        return "NetworkParameters[channel=" + channel + ", pan=" + String.format("%04X", panId) + ", epan=" + extendedPanId + "]";
    }
}
