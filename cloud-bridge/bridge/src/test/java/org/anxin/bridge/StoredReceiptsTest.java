package org.anxin.bridge;

import org.anxin.bridge.core.BridgeCounters;
import org.anxin.bridge.core.BridgeOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.protocol.MessageCodec;
import org.anxin.protocol.Receipt;
import org.anxin.protocol.StoredReceipt;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredReceiptsTest {

    @TempDir
    Path dir;

    @Test
    void storedNumbersReachTheGatewayAsOneSignedReceiptOfRunsAndUnnumberedOnesAreNeverConfirmed() throws Exception {
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("signing.key"));
        List<Receipt> heard = new CopyOnWriteArrayList<>();
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"))) {
            BridgeOptions options = BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                    .brokerUrl(broker.url()).mqttClientId("receipts-test").build();
            MqttClient gateway = new MqttClient(broker.url(), "gw-r", new MemoryPersistence());
            gateway.connect();
            gateway.subscribe("anxin/v1/gw/gw-r/stored", 1, (topic, message) -> heard.add(
                    ((StoredReceipt) MessageCodec.decode(message.getPayload()).body()).open(key.publicKey())));
            BridgeCounters counters = new BridgeCounters();
            try (DownlinkPublisher downlink = new DownlinkPublisher(options, Clock.systemUTC(), "receipts")) {
                StoredReceipts receipts = new StoredReceipts(downlink, key, counters, Clock.systemUTC());
                for (long seq : new long[] {3, 1, 2, 2, 7, 0}) { // 2 twice: a duplicate; 0: a heartbeat's
                    receipts.stored("gw-r", seq);
                }
                receipts.flush();
                await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
                assertThat(heard.get(0).gateway()).isEqualTo("gw-r");
                assertThat(heard.get(0).stored()).containsExactly(new Receipt.Run(1, 3), new Receipt.Run(7, 7));
                receipts.flush();
                Thread.sleep(300);
                assertThat(heard).as("nothing new: no receipt").hasSize(1);
                assertThat(counters.receiptsSent()).isEqualTo(1);
            } finally {
                gateway.disconnect();
                gateway.close();
            }
        }
    }

    @Test
    void aReceiptTheBrokerDoesNotTakeIsKeptAndCounted() throws Exception {
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("signing.key"));
        BridgeOptions unreachable = BridgeOptions.builder().allowUnsignedGateways(true).signingKeyFile(dir.resolve("signing.key"))
                .brokerUrl("tcp://127.0.0.1:" + TestBroker.freePort()).build();
        BridgeCounters counters = new BridgeCounters();
        try (DownlinkPublisher downlink = new DownlinkPublisher(unreachable, Clock.systemUTC(), "receipts")) {
            StoredReceipts receipts = new StoredReceipts(downlink, key, counters, Clock.systemUTC());
            receipts.stored("gw-r", 5);
            receipts.flush();
            assertThat(counters.receiptsNotSent()).isEqualTo(1);
            receipts.flush();
            assertThat(counters.receiptsNotSent()).as("its number is still pending").isEqualTo(2);
        }
    }
}
