package org.anxin.driver.gpio;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        id = GpioInputDriver.PID,
        name = "Anxin GPIO input",
        description = "One wired sensor on a GPIO pin: a door contact, the alarm relay of a smoke, gas or leak detector, "
                + "the call button, the daily check-in button, a motion or presence sensor. One configuration per sensor.")
public @interface GpioInputConfig {

    @AttributeDefinition(name = "Device id", description = "Stable id of the sensor in readings, [A-Za-z0-9_.-]+")
    String device();

    @AttributeDefinition(name = "Kind", description = "What the sensor reports",
            options = {@Option(value = "entry_door", label = "Entrance door contact"), @Option(value = "door", label = "Other door contact"),
                @Option(value = "smoke", label = "Smoke detector relay"), @Option(value = "gas", label = "Gas detector relay"),
                @Option(value = "leak", label = "Leak detector relay"), @Option(value = "call", label = "Call button"),
                @Option(value = "check_in", label = "Daily check-in button (never an emergency call)"),
                @Option(value = "motion", label = "Motion sensor"), @Option(value = "presence", label = "Bed or chair pressure mat"),
                @Option(value = "tamper", label = "Tamper switch")})
    String kind();

    @AttributeDefinition(name = "Pin", min = "0", max = "27", description = "BCM GPIO number (GPIO17 is 17, header pin 11)")
    int pin();

    @AttributeDefinition(name = "Pull resistor", options = {@Option(value = "up"), @Option(value = "down"), @Option(value = "off")},
            description = "up for a contact or relay switching to ground, down for one switching to 3.3 V, off when the sensor drives the line")
    String pull() default "up";

    @AttributeDefinition(name = "Active level", options = {@Option(value = "low"), @Option(value = "high")},
            description = "The level meaning open, alarm, pressed or on; low for a contact to ground with pull up")
    String activeLevel() default "low";

    @AttributeDefinition(name = "Debounce (ms)", min = "0", max = "10000",
            description = "A level counts once it has held this long")
    int debounceMillis() default 50;

    @AttributeDefinition(name = "Heartbeat (min)", min = "0", max = "1440",
            description = "While its pin is open and read, the driver sends a heartbeat reading this often, so a pin that fails "
                    + "shows as a silent device; 0 for none")
    int heartbeatMinutes() default 30;
}
