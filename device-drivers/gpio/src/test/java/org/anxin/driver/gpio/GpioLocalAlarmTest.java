package org.anxin.driver.gpio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.lang.annotation.Annotation;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GpioLocalAlarmTest {

    private final MockBoard mock = new MockBoard();
    private GpioLocalAlarm alarm;

    @AfterEach
    void close() {
        if (alarm != null) {
            alarm.close();
        }
        mock.board.close();
    }

    private static LocalAlarmConfig config(int siren, int led, String level, int blink) {
        return new LocalAlarmConfig() {
            @Override public int sirenPin() { return siren; }
            @Override public int ledPin() { return led; }
            @Override public String activeLevel() { return level; }
            @Override public int ledBlinkMillis() { return blink; }
            @Override public Class<? extends Annotation> annotationType() { return LocalAlarmConfig.class; }
        };
    }

    private GpioLocalAlarm start(LocalAlarmConfig config) {
        alarm = new GpioLocalAlarm(config, BoardSource.of(mock.board), Clock.systemUTC());
        await().until(alarm::attached);
        return alarm;
    }

    @Test
    void theReportedStateIsReadBackFromTheSirenPinAtEitherActiveLevel() {
        start(config(18, -1, "low", 0));
        DigitalOutput siren = mock.output("anxin-siren");
        assertThat(alarm.state()).isEqualTo(org.anxin.driver.api.LocalAlarm.State.SILENT);

        alarm.sound("EMERGENCY_CALL: call-button pressed");
        assertThat(alarm.state()).isEqualTo(org.anxin.driver.api.LocalAlarm.State.SOUNDING);

        // what the pin does, not what was asked: a pin driven off behind the alarm's back shows silent
        siren.high();
        assertThat(alarm.state()).isEqualTo(org.anxin.driver.api.LocalAlarm.State.SILENT);
    }

    @Test
    void theSirenSoundsOnCommandAndStopsWhenSilenced() {
        start(config(18, -1, "high", 0));
        DigitalOutput siren = mock.output("anxin-siren");
        assertThat(siren.state()).isEqualTo(DigitalState.LOW);

        alarm.sound("FIRE: smoke detector kitchen-smoke in alarm");
        assertThat(siren.state()).isEqualTo(DigitalState.HIGH);
        alarm.sound("GAS_LEAK: a second alarm while sounding");
        assertThat(siren.state()).isEqualTo(DigitalState.HIGH);

        alarm.silence();
        assertThat(siren.state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void aSirenTestSoundsForItsLengthThenStops() {
        start(config(18, -1, "high", 0));
        DigitalOutput siren = mock.output("anxin-siren");
        alarm.test(java.time.Duration.ofMillis(1500));
        assertThat(siren.state()).isEqualTo(DigitalState.HIGH);
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> siren.state() == DigitalState.LOW);
        assertThat(alarm.sounding()).isFalse();
    }

    @Test
    void theEndOfASirenTestDoesNotSilenceARealAlarmThatStartedDuringIt() throws Exception {
        start(config(18, -1, "high", 0));
        DigitalOutput siren = mock.output("anxin-siren");
        alarm.test(java.time.Duration.ofMillis(300));
        alarm.sound("FIRE: smoke detector kitchen-smoke in alarm");
        Thread.sleep(1000); // well past the test's end
        assertThat(siren.state()).isEqualTo(DigitalState.HIGH);
        alarm.silence();
        assertThat(siren.state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void aSirenTestOfNoLengthOrOverAMinuteIsRefused() {
        start(config(18, -1, "high", 0));
        assertThatThrownBy(() -> alarm.test(java.time.Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alarm.test(java.time.Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anActiveLowRelayBoardIsDrivenLowToSound() {
        start(config(18, 23, "low", 0));
        assertThat(mock.output("anxin-siren").state()).isEqualTo(DigitalState.HIGH);
        alarm.sound("EMERGENCY_CALL");
        assertThat(mock.output("anxin-siren").state()).isEqualTo(DigitalState.LOW);
        assertThat(mock.output("anxin-led").state()).isEqualTo(DigitalState.LOW);
        alarm.silence();
        assertThat(mock.output("anxin-siren").state()).isEqualTo(DigitalState.HIGH);
        assertThat(mock.output("anxin-led").state()).isEqualTo(DigitalState.HIGH);
    }

    @Test
    void theLedBlinksWhileTheAlarmSoundsAndGoesDarkWhenSilenced() throws Exception {
        start(config(18, 23, "high", 20));
        alarm.sound("WATER_LEAK");
        DigitalOutput led = mock.output("anxin-led");
        Set<DigitalState> seen = new HashSet<>();
        long until = System.currentTimeMillis() + 300;
        while (System.currentTimeMillis() < until) {
            seen.add(led.state());
            Thread.sleep(3);
        }
        assertThat(seen).containsExactlyInAnyOrder(DigitalState.HIGH, DigitalState.LOW);
        alarm.silence();
        Thread.sleep(60);
        assertThat(led.state()).isEqualTo(DigitalState.LOW);
        assertThat(mock.output("anxin-siren").state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void noOtherPropertyCanSwitchTheSirenOffEachFallsBackAndTheSirenSounds() {
        GpioLocalAlarm.Pins pins = GpioLocalAlarm.pins(Map.of("sirenPin", "18", "ledPin", "18", "activeLevel", "hihg",
                "ledBlinkMillis", "slow", "enabled", "false"), null);
        assertThat(pins).isEqualTo(new GpioLocalAlarm.Pins(18, -1, true, 500));
        alarm = new GpioLocalAlarm(pins, BoardSource.of(mock.board), Clock.systemUTC());
        await().until(alarm::attached);
        alarm.sound("EMERGENCY_CALL: call-button pressed");
        assertThat(mock.output("anxin-siren").state()).isEqualTo(DigitalState.HIGH);
        assertThat(alarm.state()).isEqualTo(org.anxin.driver.api.LocalAlarm.State.SOUNDING);
    }

    @Test
    void aSirenPinThatCannotBeReadKeepsTheLastGoodOneAndWithoutOneIsRefusedByName() {
        GpioLocalAlarm.forgetLastGoodSirenPin();
        assertThatThrownBy(() -> GpioLocalAlarm.pins(Map.of("sirenPin", "1B"), null))
                .hasMessageContaining("'sirenPin': '1B' is not a whole number; it is required and has no default");
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", 18), null).siren()).isEqualTo(18);
        // the file edited with a typo: the siren stays where it was
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", "1B", "ledPin", "23"), null))
                .isEqualTo(new GpioLocalAlarm.Pins(18, 23, true, 500));
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", "40"), null).siren()).isEqualTo(18);
    }

    @Test
    void aRestartWithATypoInTheSirenPinKeepsTheSirenOnThePinTheGatewayLastHadGood(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path memory = dir.resolve(GpioLocalAlarm.MEMORY_FILE);
        GpioLocalAlarm.forgetLastGoodSirenPin();
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", 18), memory).siren()).isEqualTo(18);
        GpioLocalAlarm.forgetLastGoodSirenPin(); // the gateway restarts, its file edited with a typo
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", "1B"), memory).siren()).isEqualTo(18);
        // a good edit moves the memory on
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", 23), memory).siren()).isEqualTo(23);
        GpioLocalAlarm.forgetLastGoodSirenPin();
        assertThat(GpioLocalAlarm.pins(Map.of("sirenPin", "x"), memory).siren()).isEqualTo(23);
        // without a memory (a new gateway), the typo is refused by name: nothing to guess
        GpioLocalAlarm.forgetLastGoodSirenPin();
        assertThatThrownBy(() -> GpioLocalAlarm.pins(Map.of("sirenPin", "x"), dir.resolve("other.txt")))
                .hasMessageContaining("'sirenPin'");
    }

    @Test
    void sirenAndLedOnOnePinIsRefused() {
        assertThatThrownBy(() -> new GpioLocalAlarm(config(18, 18, "high", 0), BoardSource.of(mock.board), Clock.systemUTC()))
                .hasMessageContaining("'ledPin' and 'sirenPin' are both 18");
    }
}
