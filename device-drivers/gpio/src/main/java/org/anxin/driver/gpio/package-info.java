/**
 * The GPIO driver: wired sensors on the Raspberry Pi's header through Pi4J 2 and libgpiod.
 * {@link org.anxin.driver.gpio.GpioInputDriver} (contacts, detector relays, the call button),
 * {@link org.anxin.driver.gpio.WaterMeterDriver} (hall-effect flow meter) and
 * {@link org.anxin.driver.gpio.GpioLocalAlarm} (siren and LED). Nothing is exported.
 */
package org.anxin.driver.gpio;
