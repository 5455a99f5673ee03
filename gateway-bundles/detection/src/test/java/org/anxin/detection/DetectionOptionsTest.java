package org.anxin.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.anxin.detection.DetectionOptions.Setting;
import org.anxin.detection.component.DetectionConfig;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.junit.jupiter.api.Test;

class DetectionOptionsTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        DetectionOptions d = DetectionOptions.DEFAULTS;
        assertThat(d.callRearm()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.noWaterUseEnabled()).isTrue();
        assertThat(d.noWaterLitres()).isEqualTo(10);
        assertThat(d.noWaterPeriod()).isEqualTo(Duration.ofHours(12));
        assertThat(d.noActivityEnabled()).isTrue();
        assertThat(d.noActivityPeriod()).isEqualTo(Duration.ofHours(12));
        assertThat(d.learningEnabled()).isTrue();
        assertThat(d.learningDays()).isEqualTo(7);
        assertThat(d.learnedMargin()).isEqualTo(Duration.ofMinutes(60));
        assertThat(d.learnedMinimum()).isEqualTo(Duration.ofMinutes(120));
        assertThat(d.learnedMaximum()).isEqualTo(Duration.ofHours(24));
        assertThat(d.awaySilence()).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.notReturnedAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(d.continuousFlowEnabled()).isTrue();
        assertThat(d.continuousFlow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.flowPause()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.dailyWaterLitres()).isEqualTo(2000);
        assertThat(d.nightDoorEnabled()).isFalse();
        assertThat(d.nightStart()).isEqualTo(LocalTime.of(22, 0));
        assertThat(d.nightEnd()).isEqualTo(LocalTime.of(6, 0));
        assertThat(d.deviceSilentEnabled()).isTrue();
        assertThat(d.mainsSilent()).isEqualTo(Duration.ofHours(2));
        assertThat(d.batterySilent()).isEqualTo(Duration.ofHours(26));
        assertThat(d.lowBatteryPercent()).isEqualTo(15);
        assertThat(d.deviceClockAhead()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.deviceClockBehind()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void theMetaTypeDeclaresExactlyTheSettingsWithTheirDefaults() throws Exception {
        Map<String, String> metatype = new HashMap<>();
        for (Method m : DetectionConfig.class.getDeclaredMethods()) {
            metatype.put(m.getName(), String.valueOf(m.getDefaultValue()));
        }
        Map<String, String> settings = new HashMap<>();
        Arrays.stream(Setting.values()).forEach(s -> settings.put(s.property(), s.defaultValue()));
        assertThat(metatype).isEqualTo(settings);
    }

    @Test
    void theGeneratedMetaTypeRangesAreTheSettingsRanges() throws Exception {
        String xml = Files.readString(Path.of("target/classes/OSGI-INF/metatype/org.anxin.detection.xml"));
        for (Setting s : Setting.values()) {
            Matcher ad = Pattern.compile("<AD [^>]*id=\"" + s.property() + "\"[^>]*>").matcher(xml);
            assertThat(ad.find()).as(s.property()).isTrue();
            String tag = ad.group();
            if (s.type() == Setting.Type.INTEGER || s.type() == Setting.Type.DECIMAL) {
                assertThat(tag).as(s.property()).contains("min=\"" + s.min() + "\"", "max=\"" + s.max() + "\"");
            } else {
                assertThat(tag).as(s.property()).doesNotContain("min=");
            }
        }
    }

    @Test
    void aValueOutOfRangeOrOfTheWrongKindIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("noWaterHours", "0")))
                .hasMessageContaining("noWaterHours", "from 1 to 72");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("nightDoorEnabled", "yes")))
                .hasMessageContaining("nightDoorEnabled", "'yes'");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("nightStart", "10pm")))
                .hasMessageContaining("nightStart", "'10pm'");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("fireEnabled", "false")))
                .hasMessageContaining("unknown properties [fireEnabled]");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("learnedMinimumMinutes", "600", "learnedMaximumHours", "5")))
                .hasMessageContaining("learnedMinimumMinutes");
    }

    @Test
    void frameworkPropertiesAreSkipped() {
        assertThat(DetectionOptions.fromProperties(Map.of("service.pid", "org.anxin.detection", "component.id", 3)))
                .isEqualTo(DetectionOptions.DEFAULTS);
    }

    @Test
    void withEveryRuleThatCanBeTurnedOffTurnedOffLifeSafetyAlarmsStillSound() {
        Map<String, String> off = new HashMap<>();
        for (Setting s : Setting.values()) {
            if (s.property().endsWith("Enabled")) {
                off.put(s.property(), "false");
            }
        }
        assertThat(off).hasSizeGreaterThanOrEqualTo(6);
        Home home = new Home(DetectionOptions.fromProperties(off));
        home.read(Home.MONDAY, "08:00", "smoke", ReadingKind.SMOKE, "alarm");
        home.read(Home.MONDAY, "08:00", "gas", ReadingKind.GAS, "alarm");
        home.read(Home.MONDAY, "08:00", "leak", ReadingKind.LEAK, "alarm");
        home.read(Home.MONDAY, "08:00", "call", ReadingKind.CALL, "pressed");
        assertThat(home.alerts).extracting(a -> a.type()).containsExactlyInAnyOrder(
                AlertType.FIRE, AlertType.GAS_LEAK, AlertType.WATER_LEAK, AlertType.EMERGENCY_CALL);
    }

    @Test
    void aBadSettingFallsBackToItsDefaultAndIsNamedWhenReadLeniently() {
        DetectionOptions.Lenient read = DetectionOptions.fromPropertiesLeniently(Map.of(
                "noWaterHours", "twelve", "callRearmSeconds", "99999", "nightDoorEnabled", "yes",
                "fireEnabled", "false", "noWaterLitres", "20"));
        assertThat(read.options().noWaterPeriod()).isEqualTo(Duration.ofHours(12));
        assertThat(read.options().callRearm()).isEqualTo(Duration.ofMinutes(5));
        assertThat(read.options().nightDoorEnabled()).isFalse();
        assertThat(read.options().noWaterLitres()).isEqualTo(20);
        assertThat(read.fallbacks()).hasSize(4)
                .anySatisfy(p -> assertThat(p).contains("'noWaterHours'", "'twelve'", "fell back to default 12"))
                .anySatisfy(p -> assertThat(p).contains("'callRearmSeconds'", "fell back to default 300"))
                .anySatisfy(p -> assertThat(p).contains("fireEnabled", "ignored"));
    }

    @Test
    void contradictorySettingsFallBackToTheirDefaultsWhenReadLeniently() {
        DetectionOptions.Lenient read = DetectionOptions.fromPropertiesLeniently(Map.of(
                "learnedMinimumMinutes", "600", "learnedMaximumHours", "5", "nightStart", "23:00", "nightEnd", "23:00",
                "noWaterHours", "6"));
        assertThat(read.options().learnedMinimum()).isEqualTo(Duration.ofMinutes(120));
        assertThat(read.options().learnedMaximum()).isEqualTo(Duration.ofHours(24));
        assertThat(read.options().nightStart()).isEqualTo(LocalTime.of(22, 0));
        assertThat(read.options().noWaterPeriod()).isEqualTo(Duration.ofHours(6));
        assertThat(read.fallbacks()).isNotEmpty().allSatisfy(p -> assertThat(p).contains("fell back"));
    }

    @Test
    void aDetectionFileOfNothingButTyposStillRaisesTheImmediateAlarms() {
        Map<String, Object> typos = new HashMap<>();
        for (Setting s : Setting.values()) {
            typos.put(s.property(), "twelve");
        }
        Home home = new Home(DetectionOptions.fromPropertiesLeniently(typos).options());
        home.read(Home.MONDAY, "08:00", "smoke", ReadingKind.SMOKE, "alarm");
        home.read(Home.MONDAY, "08:00", "call", ReadingKind.CALL, "pressed");
        assertThat(home.alerts).extracting(a -> a.type()).containsExactlyInAnyOrder(AlertType.FIRE, AlertType.EMERGENCY_CALL);
    }

    @Test
    void aWrongValueFallsBackToItsDefaultAndIsReportedInsteadOfFailingTheWholeFile() {
        DetectionOptions.Lenient parsed = DetectionOptions.fromPropertiesLeniently(
                Map.of("noWaterHours", "twelve", "lowBatteryPercent", "99", "noActivityHours", "6", "service.pid", "x"));

        assertThat(parsed.options().noWaterPeriod()).isEqualTo(Duration.ofHours(12));
        assertThat(parsed.options().lowBatteryPercent()).isEqualTo(15);
        assertThat(parsed.options().noActivityPeriod()).isEqualTo(Duration.ofHours(6));
        assertThat(parsed.fallbacks()).containsExactlyInAnyOrder(
                "'lowBatteryPercent' must be from 1 to 50, got 99; fell back to default 15",
                "'noWaterHours': 'twelve' is not a whole number; fell back to default 12");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("noWaterHours", "twelve")))
                .hasMessageContaining("noWaterHours");
    }

    @Test
    void anUnknownPropertyIsIgnoredLenientlyAndAGoodFileHasNoProblems() {
        DetectionOptions.Lenient parsed = DetectionOptions.fromPropertiesLeniently(Map.of("noWaterHour", "6"));
        assertThat(parsed.options()).isEqualTo(DetectionOptions.DEFAULTS);
        assertThat(parsed.fallbacks()).singleElement().asString().contains("unknown properties [noWaterHour]", "ignored");

        assertThat(DetectionOptions.fromPropertiesLeniently(Map.of("noWaterHours", "6")).fallbacks()).isEmpty();
    }
}
