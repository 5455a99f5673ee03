/**
 * What a device driver produces ({@link ReadingSink}, {@link DeviceHealthListener}) and what the
 * gateway can drive ({@link LocalAlarm}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package org.anxin.driver.api;
