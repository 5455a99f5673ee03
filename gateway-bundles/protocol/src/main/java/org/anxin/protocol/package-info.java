/**
 * The messages a gateway and the bridge exchange: readings, alerts, gateway state and configuration
 * documents, their JSON encoding and the MQTT topic layout. See {@code docs/protocol.md}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package org.anxin.protocol;
