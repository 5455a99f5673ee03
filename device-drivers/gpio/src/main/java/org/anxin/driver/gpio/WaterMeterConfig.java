package org.anxin.driver.gpio;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        id = WaterMeterDriver.PID,
        name = "Anxin GPIO water-flow meter",
        description = "A hall-effect water-flow meter on a GPIO pin. Reports the litres used while water flows, once per interval, "
                + "and when flow starts and stops. One configuration per meter.")
public @interface WaterMeterConfig {

    @AttributeDefinition(name = "Device id", description = "Stable id of the meter in readings, [A-Za-z0-9_.-]+")
    String device();

    @AttributeDefinition(name = "Pin", min = "0", max = "27", description = "BCM GPIO number of the meter's signal wire")
    int pin();

    @AttributeDefinition(name = "Pull resistor", options = {@Option(value = "up"), @Option(value = "down"), @Option(value = "off")},
            description = "up for an open-collector meter output")
    String pull() default "up";

    @AttributeDefinition(name = "Pulse level", options = {@Option(value = "low"), @Option(value = "high")},
            description = "The level of a pulse; each edge into it counts one pulse")
    String activeLevel() default "low";

    @AttributeDefinition(name = "Pulses per litre", min = "1", max = "100000",
            description = "From the meter's data sheet, e.g. 450 for a YF-S201")
    double pulsesPerLitre() default 450;

    @AttributeDefinition(name = "Report interval (s)", min = "1", max = "3600",
            description = "While water flows, the litres used are reported this often")
    int intervalSeconds() default 60;

    @AttributeDefinition(name = "Flow stop (s)", min = "1", max = "600",
            description = "Flow has stopped when no pulse came for this long")
    int flowStopSeconds() default 5;

    @AttributeDefinition(name = "Flow start pulses", min = "1", max = "1000",
            description = "Pulses, counted since flow last stopped, that make a flow start: a rotor rocking on pressure changes is not water use")
    int flowStartPulses() default 3;

    @AttributeDefinition(name = "Heartbeat (min)", min = "0", max = "1440",
            description = "While its pin is open and read, the driver sends a heartbeat reading this often, so a pin that fails "
                    + "shows as a silent device; 0 for none")
    int heartbeatMinutes() default 30;
}
