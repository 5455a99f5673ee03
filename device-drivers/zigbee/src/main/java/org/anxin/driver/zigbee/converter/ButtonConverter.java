package org.anxin.driver.zigbee.converter;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclCommand;
import com.zsmartsystems.zigbee.zcl.clusters.ZclIasAceCluster;
import com.zsmartsystems.zigbee.zcl.clusters.iasace.ArmCommand;
import com.zsmartsystems.zigbee.zcl.clusters.iasace.EmergencyCommand;
import com.zsmartsystems.zigbee.zcl.clusters.iasace.PanicCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.ZclOnOffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.scenes.RecallSceneCommand;

/**
 * A button that sends commands: the client (output) side of On/Off (0x0006), Scenes (0x0005) or
 * IAS ACE (0x0501) on a remote, a wall switch or a key fob, bound to the coordinator. Its presses
 * are what the elder does on purpose, so each is a reading, and nothing on release:
 *
 * <ul>
 *   <li>any On/Off command (on, off, toggle and their variants) and a scene recall: {@code check_in};
 *   <li>IAS ACE emergency or panic (a key fob's SOS button): {@code call}, an emergency like the
 *       pendant's;
 *   <li>IAS ACE arm, in any mode (a key fob's arm, disarm or "home" button): {@code check_in}.
 * </ul>
 *
 * <p>A check-in never becomes a call, and no other ACE command (fire, bypass, the panel queries)
 * is read: a fire button is no detector and would have no clear.
 */
public final class ButtonConverter extends ZclConverter {

    public ButtonConverter(ZclCluster cluster, String device) {
        super(cluster, device);
    }

    @Override
    public boolean sendsCommands() {
        return true;
    }

    @Override
    public Set<ReadingKind> kinds() {
        return cluster.getClusterId() == ZclIasAceCluster.CLUSTER_ID ? Set.of(ReadingKind.CALL, ReadingKind.CHECK_IN)
                : Set.of(ReadingKind.CHECK_IN);
    }

    @Override
    public List<Integer> reportedAttributes() {
        return List.of();
    }

    @Override
    public List<Reading> commandReceived(ZclCommand command, Instant time) {
        if (command instanceof EmergencyCommand || command instanceof PanicCommand) {
            return List.of(reading(ReadingKind.CALL, "pressed", time));
        }
        if (command instanceof ZclOnOffCommand || command instanceof RecallSceneCommand || command instanceof ArmCommand) {
            return List.of(reading(ReadingKind.CHECK_IN, "pressed", time));
        }
        return List.of();
    }
}
