/** What a device driver produces ({@link ReadingSink}) and what the gateway can drive ({@link LocalAlarm}). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.driver.api;
