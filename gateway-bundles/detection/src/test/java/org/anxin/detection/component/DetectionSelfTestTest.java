package org.anxin.detection.component;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.anxin.detection.DetectionOptions;
import org.anxin.detection.RoutineStore;
import org.anxin.driver.api.LocalAlarm;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Body;
import org.anxin.protocol.GatewayHealth;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;
import org.anxin.store.Outbox;
import org.anxin.store.Priority;
import org.anxin.store.StoreException;
import org.anxin.store.StoredMessage;
import org.junit.jupiter.api.Test;

class DetectionSelfTestTest {

    private static final Instant T0 = Instant.parse("2026-12-03T08:00:00Z");

    private final List<Body> appended = new CopyOnWriteArrayList<>();
    private final AtomicLong seq = new AtomicLong();
    private volatile boolean refuse;
    private final Outbox outbox = (Outbox) Proxy.newProxyInstance(Outbox.class.getClassLoader(), new Class<?>[] {Outbox.class},
            (proxy, method, args) -> {
                if (method.getName().equals("append")) {
                    if (refuse) {
                        throw new StoreException("disk full", null);
                    }
                    appended.add((Body) args[0]);
                    return new StoredMessage(seq.incrementAndGet(), Priority.ALERT, T0, (Body) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private final MovableClock clock = new MovableClock(T0);
    private final RecordingAlarm siren = new RecordingAlarm();

    private DetectionComponent component(DetectionOptions options) {
        DetectionComponent c = new DetectionComponent(outbox, options, RoutineStore.inMemory(), clock, ZoneOffset.UTC, Duration.ZERO);
        c.setLocalAlarm(siren);
        return c;
    }

    private List<Alert> alerts() {
        return appended.stream().filter(Alert.class::isInstance).map(Alert.class::cast).toList();
    }

    @Test
    void aSelfTestStoresAMarkedCallAlertAndNeverSoundsTheSiren() {
        DetectionComponent c = component(DetectionOptions.DEFAULTS);
        GatewayHealth.SelfTest result = c.runSelfTest();
        assertThat(result.ok()).as(result.detail()).isTrue();
        assertThat(result.everyMinutes()).isEqualTo(60);
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.isSelfTest()).isTrue();
            assertThat(a.id()).startsWith("SELFTEST/EMERGENCY_CALL/SELFTEST-");
            assertThat(a.type()).isEqualTo(AlertType.EMERGENCY_CALL);
        });
        assertThat(appended).noneMatch(Reading.class::isInstance); // not a reading, not a sign of life
        assertThat(siren.calls).isEmpty();
        assertThat(c.selfTest()).isEqualTo(result);
    }

    @Test
    void aSelfTestEveryHalfHourPassesEachTimeWithTheLongestCallRearm() {
        DetectionComponent c = component(DetectionOptions.fromProperties(Map.of("callRearmSeconds", "3600", "selfTestMinutes", "30")));
        for (int i = 0; i < 4; i++) {
            assertThat(c.runSelfTest().ok()).as("self-test %d", i).isTrue();
            clock.now = clock.now.plus(Duration.ofMinutes(30));
        }
        assertThat(alerts()).hasSize(4).allMatch(Alert::isSelfTest);
    }

    @Test
    void aCallPressRightAfterASelfTestIsARealAlarmAndSoundsTheSiren() {
        DetectionComponent c = component(DetectionOptions.DEFAULTS);
        c.runSelfTest();
        c.accept(new Reading("call-button", ReadingKind.CALL, "pressed", T0));
        assertThat(alerts()).hasSize(2);
        assertThat(alerts().get(1).isSelfTest()).isFalse();
        assertThat(alerts().get(1).test()).isNull();
        assertThat(siren.calls).containsExactly("sound");
    }

    @Test
    void aDriversReadingFromADeviceNamedLikeTheSelfTestsIsARealAlarm() {
        DetectionComponent c = component(DetectionOptions.DEFAULTS);
        c.accept(new Reading("SELFTEST-1", ReadingKind.CALL, "pressed", T0));
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.isSelfTest()).isFalse();
            assertThat(a.id()).startsWith("EMERGENCY_CALL/");
        });
        assertThat(siren.calls).containsExactly("sound");
    }

    @Test
    void aSelfTestWhoseAlertTheOutboxRefusesFailsAndSaysWhy() {
        DetectionComponent c = component(DetectionOptions.DEFAULTS);
        refuse = true;
        GatewayHealth.SelfTest result = c.runSelfTest();
        assertThat(result.ok()).isFalse();
        assertThat(result.detail()).contains("not stored", "disk full");
        assertThat(GatewayHealth.of(c.problems(), c.selfTest()).alarmPathImpaired()).isTrue();
        refuse = false;
        clock.now = clock.now.plus(Duration.ofHours(1));
        assertThat(c.runSelfTest().ok()).isTrue();
        assertThat(GatewayHealth.of(c.problems(), c.selfTest()).alarmPathImpaired()).isFalse();
    }

    @Test
    void aDeviceClockRefusedIsInTheHealthForTenMinutesAndDoesNotImpairTheAlarmPath() {
        DetectionComponent c = component(DetectionOptions.DEFAULTS);
        c.accept(new Reading("coap-meter", ReadingKind.WATER, "1", Instant.parse("9999-12-31T23:59:59Z")));
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(GatewayHealth.Code.DEVICE_CLOCK_REFUSED);
            assertThat(p.subject()).contains("coap-meter");
        });
        assertThat(GatewayHealth.of(c.problems(), null).alarmPathImpaired()).isFalse();
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertThat(c.problems()).isEmpty();
    }

    @Test
    void anAlertTheOutboxRefusedImpairsTheAlarmPath() {
        DetectionComponent c = component(DetectionOptions.DEFAULTS);
        refuse = true;
        try {
            c.accept(new Reading("smoke", ReadingKind.SMOKE, "alarm", T0));
        } catch (RuntimeException readingRefusedToo) {
            // the reading's own append is refused as well; the alarm's failure is what counts here
        }
        assertThat(siren.calls).containsExactly("sound");
        assertThat(c.problems()).anySatisfy(p -> assertThat(p.code()).isEqualTo(GatewayHealth.Code.ALERT_NOT_STORED));
        assertThat(GatewayHealth.of(c.problems(), null).alarmPathImpaired()).isTrue();
    }

    private static final class RecordingAlarm implements LocalAlarm {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void sound(String reason) {
            calls.add("sound");
        }

        @Override
        public void silence() {
            calls.add("silence");
        }

        @Override
        public void test(Duration length) {
            calls.add("test");
        }
    }
}
