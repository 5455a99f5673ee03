package org.anxin.driver.gpio;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        id = GpioLocalAlarm.PID,
        name = "Anxin GPIO siren and LED",
        description = "The local alarm: a siren or buzzer and a warning LED on GPIO outputs (through a transistor or relay), "
                + "sounded by the detection engine for fire, gas, water leaks and emergency calls.")
public @interface LocalAlarmConfig {

    @AttributeDefinition(name = "Siren pin", min = "0", max = "27", description = "BCM GPIO number driving the siren or buzzer")
    int sirenPin();

    @AttributeDefinition(name = "LED pin", min = "-1", max = "27", description = "BCM GPIO number driving the LED; -1 for none")
    int ledPin() default -1;

    @AttributeDefinition(name = "Active level", options = {@Option(value = "high"), @Option(value = "low")},
            description = "The level that switches siren and LED on (low for most relay boards)")
    String activeLevel() default "high";

    @AttributeDefinition(name = "LED blink (ms)", min = "0", max = "5000",
            description = "Half-period of the LED's blinking while the alarm sounds; 0 keeps it lit")
    int ledBlinkMillis() default 500;

}
