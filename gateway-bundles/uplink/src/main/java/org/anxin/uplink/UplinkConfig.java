package org.anxin.uplink;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = UplinkComponent.PID,
        name = "Anxin MQTT uplink",
        description = "Forwards the outbox to the bridge's MQTT broker and announces the gateway (birth, last will, heartbeat).")
public @interface UplinkConfig {

    @AttributeDefinition(name = "Gateway id", description = "This gateway's id, as registered on the bridge ([A-Za-z0-9_.-]+)")
    String gatewayId();

    @AttributeDefinition(name = "Broker URL", description = "tcp://host:1883 or ssl://host:8883")
    String brokerUrl() default "tcp://127.0.0.1:1883";

    @AttributeDefinition(name = "User name", required = false)
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
    String password() default "";

    @AttributeDefinition(name = "Heartbeat (s)", min = "5", max = "3600", description = "Seconds between heartbeats")
    int heartbeatSeconds() default 60;

    @AttributeDefinition(name = "Messages in flight", min = "1", max = "1000",
            description = "Messages published and not yet acknowledged by the broker, at most")
    int maxInflight() default 256;

    @AttributeDefinition(name = "Longest reconnect wait (s)", min = "1", max = "3600")
    int maxReconnectSeconds() default 60;

    @AttributeDefinition(name = "Trusted CA", required = false,
            description = "For ssl:// brokers: the CA certificate file (PEM) or trust store (.p12, .jks) the broker's"
                    + " certificate must chain to; empty for the JVM's default CAs")
    String trustStore() default "";

    @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD, required = false)
    String trustStorePassword() default "";

    @AttributeDefinition(name = "Client certificate", required = false,
            description = "For ssl:// brokers that authenticate gateways by certificate: this gateway's key and"
                    + " certificate as a PKCS#12 (.p12) or JKS store")
    String keyStore() default "";

    @AttributeDefinition(name = "Client certificate password", type = AttributeType.PASSWORD, required = false)
    String keyStorePassword() default "";

    @AttributeDefinition(name = "Signing key file", required = false,
            description = "This gateway's own Ed25519 key pair (owner-only file, written by ./anxin provision), relative"
                    + " to the config directory; everything the gateway sends is signed with it. Empty: unsigned, which a"
                    + " bridge accepts only when it allows unsigned gateways")
    String signingKey() default "";

    @AttributeDefinition(name = "Delete on", options = {
            @org.osgi.service.metatype.annotations.Option(label = "the bridge's receipt", value = "bridge"),
            @org.osgi.service.metatype.annotations.Option(label = "the broker's acknowledgement (a bridge before receipts)", value = "broker")},
            description = "What deletes a sent message from the outbox: the bridge's receipt that it stored it, or the"
                    + " broker's PUBACK (only for a bridge that predates receipts: a broker may drop what it acknowledged)")
    String deleteOn() default "bridge";

    @AttributeDefinition(name = "Confirmation wait (s)", min = "5", max = "3600",
            description = "A message the bridge has not confirmed this long after the broker acknowledged it is sent again")
    int confirmSeconds() default 60;

    @AttributeDefinition(name = "Unconfirmed readings", min = "1", max = "100000",
            description = "Readings sent and not yet confirmed by the bridge, at most; alerts are sent whatever the count")
    int maxUnconfirmed() default 2000;
}
