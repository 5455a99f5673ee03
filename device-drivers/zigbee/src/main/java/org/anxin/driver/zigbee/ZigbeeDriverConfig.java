package org.anxin.driver.zigbee;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        id = ZigbeeDriver.PID,
        name = "Anxin Zigbee coordinator",
        description = "A Zigbee network on a serial coordinator dongle: Silicon Labs EZSP (Sonoff ZBDongle-E, SkyConnect) or "
                + "TI ZNP (CC2531, CC2538, CC2652 with Z-Stack). One configuration per dongle.")
public @interface ZigbeeDriverConfig {

    @AttributeDefinition(name = "Dongle", options = {@Option(value = "ezsp", label = "Silicon Labs EZSP (EmberZNet)"),
        @Option(value = "znp", label = "TI Z-Stack ZNP")})
    String dongle() default "ezsp";

    @AttributeDefinition(name = "Serial port", description = "e.g. /dev/ttyUSB0, or better /dev/serial/by-id/..., which survives replugging")
    String port();

    @AttributeDefinition(name = "Baud rate", min = "9600", max = "921600",
            description = "115200 for most dongles (ZBDongle-E, SkyConnect, CC2652); CC2531 also 115200")
    int baud() default 115200;

    @AttributeDefinition(name = "Flow control", options = {@Option(value = "none", label = "None"),
        @Option(value = "hardware", label = "RTS/CTS"), @Option(value = "software", label = "XON/XOFF")},
            description = "As the dongle's firmware was built: ZBDongle-E and SkyConnect EZSP firmware use none or hardware")
    String flowControl() default "none";

    @AttributeDefinition(name = "Channel", min = "11", max = "26",
            description = "The radio channel of a network formed on first start (11 to 26); 15, 20 and 25 sit between the Wi-Fi "
                    + "channels 1, 6 and 11. A network already formed keeps its channel.")
    int channel() default 15;

    @AttributeDefinition(name = "Network directory", description = "Where the network and its devices are kept; a relative path "
            + "is under the gateway's data directory (property anxin.data). Keep it: without it every device must pair again.")
    String networkDir() default "zigbee";

    @AttributeDefinition(name = "Device roles", required = false, cardinality = 100,
            description = "IEEE:kind, one per device whose role its zone type cannot tell: 00124B0012345678:entry_door for the "
                    + "entrance's contact (door is the default), or smoke, gas, leak, call for a detector that reports a generic zone")
    String[] roles() default {};
}
