/**
 * The cloud bridge: receives every gateway's messages over MQTT, stores them (SQLite or
 * PostgreSQL), notifies a webhook of alerts and serves a REST API. Start it with
 * {@link org.anxin.bridge.Bridge#start(org.anxin.bridge.BridgeOptions)} or from the command line
 * with {@link org.anxin.bridge.BridgeCommand}.
 */
package org.anxin.bridge;
