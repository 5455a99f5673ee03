package org.anxin.remote;

import java.security.PublicKey;
import java.time.Duration;
import org.anxin.protocol.Signatures;

/** The remote agent's settings, checked. */
record RemoteOptions(PublicKey bridgeKey, int keep, Duration activationWait) {

    RemoteOptions {
        if (keep < 1) {
            throw new IllegalArgumentException("'keep' must be 1 or more");
        }
    }

    static RemoteOptions from(RemoteConfig config) {
        if (config.bridgeKey() == null || config.bridgeKey().isBlank()) {
            throw new IllegalArgumentException("'bridgeKey' is required: the bridge's public key, from ./anxin provision");
        }
        PublicKey key;
        try {
            key = Signatures.publicKey(config.bridgeKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'bridgeKey' is " + e.getMessage());
        }
        return new RemoteOptions(key, config.keep(), Duration.ofSeconds(config.activationSeconds()));
    }
}
