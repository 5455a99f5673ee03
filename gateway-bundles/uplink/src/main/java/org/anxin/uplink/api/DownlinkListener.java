package org.anxin.uplink.api;

import org.anxin.protocol.Envelope;

/**
 * Told of each message the bridge sends this gateway (a configuration document, a command). The
 * uplink has checked that it is well formed and addressed to this gateway; whether it is genuine
 * (signed by the bridge) is the listener's to check. Called on the MQTT client's thread: hand the
 * work to a thread of your own and return.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface DownlinkListener {

    void onDownlink(Envelope envelope);
}
