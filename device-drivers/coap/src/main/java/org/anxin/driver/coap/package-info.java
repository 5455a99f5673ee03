/**
 * The CoAP driver: a Californium CoAP server, DTLS with a pre-shared key per device (Scandium),
 * for IP sensors that post readings as JSON. Nothing is exported.
 */
package org.anxin.driver.coap;
