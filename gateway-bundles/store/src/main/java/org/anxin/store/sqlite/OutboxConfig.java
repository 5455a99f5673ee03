package org.anxin.store.sqlite;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        id = OutboxComponent.PID,
        name = "Anxin outbox",
        description = "The SQLite store-and-forward queue of every reading and alert not yet delivered to the bridge.")
public @interface OutboxConfig {

    @AttributeDefinition(name = "Database file",
            description = "SQLite file; a relative path is under the gateway's data directory (property anxin.data)")
    String path() default "outbox.db";
}
