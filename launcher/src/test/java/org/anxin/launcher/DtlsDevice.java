package org.anxin.launcher;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * One IP device as the gateway's CoAP server meets it: a real Scandium DTLS client on a UDP port of
 * its own, with one PSK identity and key. Runs on a shared executor, so a test can hold a hundred.
 */
final class DtlsDevice implements AutoCloseable {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private final CoapEndpoint endpoint;
    private final CoapClient client;

    DtlsDevice(int gatewayPort, String identity, byte[] key, ScheduledExecutorService executor) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 1);
        config.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        config.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        config.set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress("127.0.0.1", 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key)).build());
        endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build();
        endpoint.setExecutors(executor, executor);
        client = new CoapClient("coaps://127.0.0.1:" + gatewayPort + "/readings");
        client.setEndpoint(endpoint);
        client.setTimeout(3000L);
    }

    /** Posts one reading; the answer's code, or null when there was none (the handshake failed). */
    ResponseCode post(String device, String kind, String value) throws Exception {
        return postJson("{\"device\":\"" + device + "\",\"kind\":\"" + kind + "\",\"value\":\"" + value + "\"}");
    }

    /** Posts a body as given (a reading with the device's own time, say). */
    ResponseCode postJson(String json) throws Exception {
        CoapResponse response = client.post(json, MediaTypeRegistry.APPLICATION_JSON);
        return response == null ? null : response.getCode();
    }

    @Override
    public void close() {
        client.shutdown();
        endpoint.destroy();
    }
}
