package org.anxin.bridge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BridgeOptionsTest {

    @Test
    void defaultsSuitALocalInstallation() {
        BridgeOptions o = BridgeOptions.builder().build();
        assertThat(o.brokerUrl()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(o.mqttClientId()).startsWith("anxin-bridge-").hasSizeLessThanOrEqualTo(23);
        assertThat(o.jdbcUrl()).isEqualTo("jdbc:sqlite:anxin-bridge.db");
        assertThat(o.isPostgres()).isFalse();
        assertThat(o.webhookUrl()).isEmpty();
        assertThat(o.httpHost()).isEqualTo("127.0.0.1");
        assertThat(o.httpPort()).isEqualTo(8080);
        assertThat(o.webhookAttempts()).isEqualTo(5);
        assertThat(o.webhookRetryBase()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void eachBridgeGetsItsOwnDefaultClientId() {
        assertThat(BridgeOptions.builder().build().mqttClientId())
                .isNotEqualTo(BridgeOptions.builder().build().mqttClientId());
    }

    @Test
    void badValuesAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> BridgeOptions.builder().brokerUrl("http://broker").build())
                .hasMessageContaining("brokerUrl 'http://broker' is not an MQTT URL");
        assertThatThrownBy(() -> BridgeOptions.builder().brokerUrl("tcp://bad host").build())
                .hasMessageContaining("brokerUrl");
        assertThatThrownBy(() -> BridgeOptions.builder().jdbcUrl("jdbc:mysql://db/x").build())
                .hasMessageContaining("jdbcUrl 'jdbc:mysql://db/x' is not supported");
        assertThatThrownBy(() -> BridgeOptions.builder().webhookUrl("ftp://example.org/hook").build())
                .hasMessageContaining("webhookUrl 'ftp://example.org/hook' is not an http:// or https:// URL");
        assertThatThrownBy(() -> BridgeOptions.builder().webhookUrl("http://exa mple.org").build())
                .hasMessageContaining("webhookUrl");
        assertThatThrownBy(() -> BridgeOptions.builder().httpPort(70000).build())
                .hasMessageContaining("httpPort must be from 0 to 65535, got 70000");
        assertThatThrownBy(() -> BridgeOptions.builder().webhookAttempts(0).build())
                .hasMessageContaining("webhookAttempts");
        assertThatThrownBy(() -> BridgeOptions.builder().mqttClientId(" ").build())
                .hasMessageContaining("mqttClientId must not be empty");
    }

    @Test
    void postgresIsRecognisedByItsUrl() {
        assertThat(BridgeOptions.builder().jdbcUrl("jdbc:postgresql://db/anxin").build().isPostgres()).isTrue();
    }

    @Test
    void toStringShowsNoSecrets() {
        String shown = BridgeOptions.builder()
                .mqttUsername("bridge").mqttPassword("mqtt-secret")
                .jdbcUrl("jdbc:postgresql://db/anxin?user=a&password=url-secret").jdbcPassword("db-secret")
                .webhookUrl("https://user:pw-secret@hooks.example.org/notify?token=token-secret")
                .build().toString();
        assertThat(shown).contains("bridge", "hooks.example.org/notify")
                .doesNotContain("mqtt-secret", "url-secret", "db-secret", "pw-secret", "token-secret");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        BridgeOptions o = BridgeOptions.builder().mqttClientId("anxin-bridge-x").webhookUrl("http://h/hook")
                .httpPort(0).jdbcUser("u").build();
        assertThat(o.toBuilder().build()).isEqualTo(o);
    }

    @Test
    void escalationDefaultsFollowTheIssue() {
        BridgeOptions o = BridgeOptions.builder().build();
        assertThat(o.supervisionInterval()).isEqualTo(Duration.ofMinutes(3));
        assertThat(o.mqttShareGroup()).isEmpty();
        assertThat(o.smtp()).isEmpty();
        assertThat(o.sms()).isEmpty();
        assertThat(o.adminUser()).isEmpty();
        assertThat(o.deliveryAttempts()).isEqualTo(6);
    }

    @Test
    void badEscalationAndChannelValuesAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> BridgeOptions.builder().admin("admin", "short").build())
                .hasMessageContaining("password must have at least 12 characters");
        assertThatThrownBy(() -> BridgeOptions.builder().admin("admin", null).build())
                .hasMessageContaining("adminUser and adminPassword go together");
        assertThatThrownBy(() -> BridgeOptions.builder().mqttShareGroup("a/b").build())
                .hasMessageContaining("mqttShareGroup 'a/b' must match");
        assertThatThrownBy(() -> BridgeOptions.builder().supervisionInterval(Duration.ZERO).build())
                .hasMessageContaining("supervisionInterval must be positive");
        assertThatThrownBy(() -> BridgeOptions.builder().publicUrl("ftp://x").build())
                .hasMessageContaining("publicUrl");
        assertThatThrownBy(() -> new BridgeOptions.Smtp("mail.example", 0, Optional.empty(), Optional.empty(),
                "a@example.org", true)).hasMessageContaining("smtpPort must be from 1 to 65535");
        assertThatThrownBy(() -> new BridgeOptions.Smtp("mail.example", 587, Optional.empty(), Optional.empty(),
                "nobody", true)).hasMessageContaining("smtpFrom 'nobody' is not an e-mail address");
        assertThatThrownBy(() -> new BridgeOptions.SmsGateway("https://sms.example/send", Optional.empty(), null,
                Optional.empty())).hasMessageContaining("must place {phone}");
        assertThatThrownBy(() -> new BridgeOptions.SmsGateway("sms.example/{phone}", Optional.empty(), null,
                Optional.empty())).hasMessageContaining("smsUrl must be an http:// or https:// URL template");
    }

    @Test
    void toStringShowsNoChannelOrOperatorSecrets() {
        String shown = BridgeOptions.builder()
                .admin("admin", "admin-secret-1")
                .smtp(new BridgeOptions.Smtp("mail.example", 587, Optional.of("mailer"), Optional.of("smtp-secret"),
                        "alerts@example.org", true))
                .sms(new BridgeOptions.SmsGateway("https://sms.example/send?key=sms-key-secret&to={phone}",
                        Optional.of("{\"text\":\"{text}\"}"), null, Optional.of("Bearer auth-secret")))
                .build().toString();
        assertThat(shown).contains("admin", "mail.example", "mailer", "sms.example")
                .doesNotContain("admin-secret-1", "smtp-secret", "sms-key-secret", "auth-secret");
    }
    @Test
    void gatewaysAreToldTheirBrokerWithoutTheBridgesCredentials() {
        BridgeOptions o = BridgeOptions.builder().brokerUrl("ssl://bridge:s3cret@mqtt.internal:8883").build();
        assertThat(o.brokerUrlForGateways()).isEqualTo("ssl://mqtt.internal:8883");
        assertThat(o.signingKeyFile()).isEqualTo(java.nio.file.Path.of("anxin-bridge-signing.key"));
        BridgeOptions pub = BridgeOptions.builder().publicBrokerUrl("ssl://mqtt.anxin.example:8883").build();
        assertThat(pub.brokerUrlForGateways()).isEqualTo("ssl://mqtt.anxin.example:8883");
        assertThat(pub.toBuilder().build().publicBrokerUrl()).contains("ssl://mqtt.anxin.example:8883");
        assertThatThrownBy(() -> BridgeOptions.builder().publicBrokerUrl("https://mqtt.example").build())
                .hasMessageContaining("publicBrokerUrl 'https://mqtt.example' is not an MQTT URL");
        assertThatThrownBy(() -> BridgeOptions.builder().publicBrokerUrl("ssl://u:p@mqtt.example:8883").build())
                .hasMessageContaining("must not hold credentials");
    }
}
