/**
 * The Zigbee driver: a coordinator on an EZSP or TI ZNP dongle (zsmartsystems zigbee over
 * jSerialComm), its network persisted in the gateway's data directory, and one converter per
 * cluster kind turning what devices report into readings.
 */
package org.anxin.driver.zigbee;
