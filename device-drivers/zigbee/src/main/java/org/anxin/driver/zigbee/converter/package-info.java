/** One converter per cluster kind: ZCL attribute reports and cluster commands to readings. */
package org.anxin.driver.zigbee.converter;
