/** The gateway's store-and-forward outbox: every reading and alert waits here until the bridge has it. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.anxin.store;
