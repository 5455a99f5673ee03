package org.anxin.driver.coap;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/** A real Californium client with its own DTLS endpoint (its own UDP port) and one PSK identity, as a device has. */
final class DtlsTestClient {

    private DtlsTestClient() {
    }

    static CoapClient create(int port, String path, String identity, byte[] key, List<AutoCloseable> closeables) {
        return create(port, path, identity, key, closeables, null);
    }

    /**
     * With {@code executor} not null the client runs on it instead of threads of its own, so that a
     * test can open a hundred clients (a hundred ports) without a thousand threads.
     */
    static CoapClient create(int port, String path, String identity, byte[] key, List<AutoCloseable> closeables,
                             ScheduledExecutorService executor) {
        Configuration config = PiSizedConfiguration.create(new CoapOptions(false, new InetSocketAddress(0), Map.of(), Optional.empty(), 4, 2048));
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        config.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 1);
        config.set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
        DTLSConnector connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAddress(new InetSocketAddress("127.0.0.1", 0))
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key)).build());
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build();
        if (executor != null) {
            endpoint.setExecutors(executor, executor);
        }
        closeables.add(endpoint::destroy);
        CoapClient client = new CoapClient("coaps://127.0.0.1:" + port + path);
        client.setEndpoint(endpoint);
        client.setTimeout(3000L);
        closeables.add(client::shutdown);
        return client;
    }
}
