package org.anxin.driver.coap;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        id = CoapDriver.PID,
        name = "Anxin CoAP server",
        description = "A CoAP server for IP sensors (Wi-Fi or Thread water meters, health monitors, call pendants): they POST "
                + "readings as JSON to /readings. DTLS with a pre-shared key per device unless security is none. One configuration per port.")
public @interface CoapDriverConfig {

    @AttributeDefinition(name = "Security", options = {@Option(value = "dtls-psk", label = "DTLS, a pre-shared key per device"),
        @Option(value = "none", label = "Plain CoAP: only on a network nobody else can join")},
            description = "dtls-psk: each device authenticates with its own key, and may only post its own readings")
    String security() default "dtls-psk";

    @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "UDP port; 5684 is CoAP over DTLS, 5683 plain CoAP")
    int port() default 5684;

    @AttributeDefinition(name = "Bind address", description = "Address to listen on; 0.0.0.0 for every interface")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Key file", required = false,
            description = "For dtls-psk: a file of lines device-id=key, the key as hex (32 digits or more) or base64:..., "
                    + "read when the server starts. Keys are never logged.")
    String pskFile() default "";

    @AttributeDefinition(name = "Most devices", min = "1", max = "10000",
            description = "Peers (and DTLS sessions) kept at once; a home has a few dozen devices at most")
    int maxPeers() default 64;

    @AttributeDefinition(name = "Largest request (bytes)", min = "64", max = "65536",
            description = "A larger request body is refused with 4.13")
    int maxBodyBytes() default 2048;

    @AttributeDefinition(name = "DTLS sessions per device", min = "1", max = "10000",
            description = "Sessions one key may hold at once; when a device's next handshake completes, its oldest session is closed. "
                    + "A device needs one; two let it reconnect before the old one is gone")
    int sessionsPerDevice() default CoapOptions.DEFAULT_SESSIONS_PER_DEVICE;

    @AttributeDefinition(name = "Idle session expiry (minutes)", min = "1", max = "1440",
            description = "A DTLS session unused this long is removed; the device's next reading starts a new handshake")
    int sessionIdleMinutes() default 10;
}
