package org.anxin.remote;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = RemoteAgent.PID,
        name = "Anxin remote configuration",
        description = "Applies the configuration documents the bridge signs, reports the outcome, keeps the last"
                + " ones for rollback, and runs the bridge's commands. Set when the gateway is provisioned.")
public @interface RemoteConfig {

    @AttributeDefinition(name = "Bridge public key",
            description = "The bridge's Ed25519 public key (Base64, X.509), from provisioning. Documents and commands"
                    + " not signed with it are refused.")
    String bridgeKey();

    @AttributeDefinition(name = "Configurations kept", min = "1", max = "50",
            description = "How many applied configuration versions are kept to roll back to")
    int keep() default 5;

    @AttributeDefinition(name = "Activation wait (s)", min = "2", max = "300",
            description = "How long the components a new configuration touches have to activate before it is rolled back")
    int activationSeconds() default 20;
}
