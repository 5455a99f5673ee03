/** What the uplink offers other bundles: the messages the bridge sends down to this gateway. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.uplink.api;
