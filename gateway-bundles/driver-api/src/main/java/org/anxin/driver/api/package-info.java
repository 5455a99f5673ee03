/**
 * What a device driver produces ({@link ReadingSink}, {@link DeviceHealthListener}), what the
 * gateway can drive ({@link LocalAlarm}, {@link PairingService}), and what drivers and the uplink
 * share ({@link Backoff}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package org.anxin.driver.api;
