/** What the Zigbee driver offers installers and the bridge's commands: pairing. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.driver.zigbee.api;
