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

    @AttributeDefinition(name = "Capacity (MiB)", min = "1", max = "65536",
            description = "Cap on the outbox's size on disk. Past it the oldest readings are dropped, counted and"
                    + " logged; alerts are never dropped.")
    int capacityMegabytes() default 128;

    @AttributeDefinition(name = "Reserve for a full disk (KiB)", min = "0", max = "1048576",
            description = "A file of this size is kept beside the outbox and deleted when the disk fills, so alerts and"
                    + " the deletion of sent messages can still be committed; 0 for none")
    int reserveKilobytes() default 1024;
}
