package org.anxin.driver.coap;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;

/**
 * Californium's configuration for a gateway on a Raspberry Pi. Californium's defaults are for a
 * cloud server (150 000 peers, a thread per core per stage, large socket buffers); a home has
 * dozens of devices that post a reading now and then. Built in memory: Californium's standard
 * configuration would write a {@code Californium3.properties} file into the working directory.
 */
final class PiSizedConfiguration {

    static {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
    }

    private PiSizedConfiguration() {
    }

    /** Handshakes Scandium accepts within its recent-handshake window. */
    static int handshakeBudget(CoapOptions options) {
        return Math.max(HANDSHAKE_BUDGET, options.maxPeers());
    }

    static final int HANDSHAKE_BUDGET = 2048;

    static Configuration create(CoapOptions options) {
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_ACTIVE_PEERS, options.maxPeers());
        config.set(CoapConfig.MAX_PEER_INACTIVITY_PERIOD, options.sessionIdle().toSeconds(), TimeUnit.SECONDS);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, 1);
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, options.maxBodyBytes());
        config.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        config.set(CoapConfig.PREFERRED_BLOCK_SIZE, 512);
        config.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        config.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, 16);
        config.set(UdpConfig.UDP_RECEIVER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_SENDER_THREAD_COUNT, 1);
        config.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, 64 * 1024);
        config.set(UdpConfig.UDP_SEND_BUFFER_SIZE, 64 * 1024);
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
        // Not the table's size (DeviceSessions is built with maxPeers): Scandium also refuses every new
        // handshake, whoever's, once more than max(DTLS_MAX_CONNECTIONS, 50) completed in the last
        // ~2 minutes (forgotten every 5-30 s for removed sessions). At maxPeers, 64 quick
        // reconnects by one key locked a call pendant out.
        config.set(DtlsConfig.DTLS_MAX_CONNECTIONS, handshakeBudget(options));
        config.set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, options.sessionIdle().toSeconds(), TimeUnit.SECONDS);
        config.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
        config.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
        config.set(DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE, 64 * 1024);
        config.set(DtlsConfig.DTLS_SEND_BUFFER_SIZE, 64 * 1024);
        config.set(DtlsConfig.DTLS_MAX_PENDING_INBOUND_JOBS, 256);
        config.set(DtlsConfig.DTLS_MAX_PENDING_OUTBOUND_JOBS, 256);
        config.set(DtlsConfig.DTLS_MAX_PENDING_HANDSHAKE_RESULT_JOBS, 64);
        // PSK suites only: small devices support them, and no certificate code is needed
        config.set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
                CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256));
        return config;
    }
}
