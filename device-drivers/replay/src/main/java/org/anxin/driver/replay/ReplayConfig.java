package org.anxin.driver.replay;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = ReplayDriver.PID,
        name = "Anxin scenario replay driver",
        description = "Replays a scenario file (CSV time,device,kind,value) as if its sensors were in the home. One configuration per scenario.")
public @interface ReplayConfig {

    @AttributeDefinition(name = "Scenario file", description = "Path of the scenario CSV file")
    String scenario();

    @AttributeDefinition(name = "Speed", min = "0",
            description = "Scenario seconds per real second: 1 is real time, 3600 replays an hour a second, 0 as fast as possible")
    double speed() default 1.0;

    @AttributeDefinition(name = "Time zone", required = false,
            description = "Zone of the scenario's local times, e.g. Asia/Shanghai; empty means the gateway's zone")
    String zone() default "";
}
