package org.anxin.testing.mosquitto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.anxin.broker.MosquittoPasswords;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MosquittoBrokerTest {

    @RegisterExtension
    static final MosquittoPerClass MOSQUITTO = new MosquittoPerClass("gw-own");

    private static MosquittoBroker broker() {
        return MOSQUITTO.broker();
    }

    @Test
    void aGatewayAddedWhileItRunsLogsInAfterTheReloadWithItsPasswordAndWithNoOtherOne() throws Exception {
        MosquittoBroker.Account gw = broker().gateway("gw-fixture");
        assertThat(broker().gateway("gw-fixture")).as("asked again, the same account").isEqualTo(gw);
        connect(broker().url(), gw.options()).disconnect();
        assertThat(Files.readString(broker().passwordFile())).contains("gw-fixture:$7$").doesNotContain(gw.password());

        MqttConnectOptions wrong = new MosquittoBroker.Account(gw.user(), gw.password() + "x").options();
        assertThatThrownBy(() -> connect(broker().url(), wrong)).isInstanceOf(MqttSecurityException.class);
        MqttConnectOptions nobody = new MosquittoBroker.Account("gw-nobody", MosquittoPasswords.newPassword()).options();
        assertThatThrownBy(() -> connect(broker().url(), nobody)).isInstanceOf(MqttSecurityException.class);
        MqttConnectOptions anonymous = new MqttConnectOptions();
        assertThatThrownBy(() -> connect(broker().url(), anonymous)).isInstanceOf(MqttSecurityException.class);
        assertThatThrownBy(() -> connect(broker().bridgeUrl(), anonymous)).isInstanceOf(MqttSecurityException.class);
    }

    @Test
    void theBridgesAccountOnItsListenerReadsWhatAGatewayPublishesOnItsOwnTopicsAndNothingItForges() throws Exception {
        MosquittoBroker.Account gw = broker().gateway("gw-own");
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient bridge = connect(broker().bridgeUrl(), broker().bridge().options());
        bridge.subscribe("anxin/v1/gw/+/#", 1, (topic, message) ->
                seen.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8)));
        MqttClient gateway = connect(broker().url(), gw.options());
        gateway.publish("anxin/v1/gw/gw-other/alert", "forged".getBytes(StandardCharsets.UTF_8), 1, false);
        gateway.publish("anxin/v1/gw/gw-own/alert", "FIRE".getBytes(StandardCharsets.UTF_8), 1, false);
        for (long end = System.nanoTime() + 10_000_000_000L; seen.isEmpty() && System.nanoTime() < end; ) {
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertThat(seen).as("what the bridge's account received").containsExactly("anxin/v1/gw/gw-own/alert FIRE");
        gateway.disconnect();
        bridge.disconnect();
    }

    private static MqttClient connect(String url, MqttConnectOptions options) throws Exception {
        MqttClient client = new MqttClient(url, "test-" + UUID.randomUUID(), new MemoryPersistence());
        client.connect(options);
        return client;
    }
}
