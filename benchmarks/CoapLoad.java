import java.util.HexFormat;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/** Used by driver-memory.sh: 100 readings over plain CoAP and 100 over DTLS into a running gateway. */
public class CoapLoad {
    public static void main(String[] args) throws Exception {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        CoapClient plain = new CoapClient("coap://127.0.0.1:15683/readings");
        CoapClient dtls = new CoapClient("coaps://127.0.0.1:15684/readings");
        dtls.setEndpoint(new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(DtlsConnectorConfig.builder(config)
                .setAdvancedPskStore(new AdvancedSinglePskStore("kitchen-meter", HexFormat.of().parseHex("00112233445566778899aabbccddeeff")))
                .build())).build());
        int ok = 0;
        for (int i = 0; i < 100; i++) {
            ok += plain.post("{\"device\":\"hall-motion\",\"kind\":\"motion\",\"value\":\"" + (i % 2 == 0 ? "on" : "off") + "\"}",
                    MediaTypeRegistry.APPLICATION_JSON).isSuccess() ? 1 : 0;
            ok += dtls.post("{\"device\":\"kitchen-meter\",\"kind\":\"water\",\"value\":\"0.5\"}", MediaTypeRegistry.APPLICATION_JSON).isSuccess() ? 1 : 0;
        }
        System.out.println("       (" + ok + " of 200 CoAP readings stored)");
        System.exit(0);
    }
}
