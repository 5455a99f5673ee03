package org.anxin.detection.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = DetectionComponent.PID,
        name = "Anxin detection engine",
        description = "Decides from readings when the elder may need help. Life-safety alarms are always on.")
public @interface DetectionConfig {

    @AttributeDefinition(name = "Call re-arm (s)", min = "0", max = "3600",
            description = "Presses of one call button within this many seconds are one emergency; a later press is a new one")
    int callRearmSeconds() default 300;
}
