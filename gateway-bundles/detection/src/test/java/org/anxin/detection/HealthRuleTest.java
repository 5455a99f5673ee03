package org.anxin.detection;

import static org.anxin.detection.Home.MONDAY;
import static org.anxin.detection.Home.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertState;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.ReadingKind;
import org.anxin.protocol.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Health measurements against the default thresholds, and the scheduled daily measurement. */
class HealthRuleTest {

    /** The silence rules off, so that a day of few readings is judged by this rule alone. */
    private static final Map<String, String> QUIET = Map.of("noActivityEnabled", "false", "noWaterUseEnabled", "false",
            "deviceSilentEnabled", "false");
    private static final DetectionOptions OPTIONS = options(Map.of());
    /** Systolic pressure measured every day by 09:00. */
    private static final DetectionOptions SCHEDULED = options(Map.of("measurementKind", "systolic", "measurementBy", "09:00"));

    @TempDir
    Path dir;

    private static DetectionOptions options(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(QUIET);
        all.putAll(more);
        return DetectionOptions.fromProperties(all);
    }

    /** A home the engine has watched since the night before Monday. */
    private static Home watched(DetectionOptions options) {
        Home home = new Home(options);
        home.read(MONDAY.minusDays(1), "23:00", "cuff", ReadingKind.HEARTBEAT, "ok");
        return home;
    }

    /** What one reading of a fresh home raises: the type, or null for nothing. */
    private static AlertType oneReading(ReadingKind kind, String value) {
        List<Alert> out = watched(OPTIONS).read(MONDAY, "08:00", "monitor", kind, value);
        assertThat(out).as(kind.wireName() + " " + value).hasSizeLessThanOrEqualTo(1);
        return out.isEmpty() ? null : out.get(0).type();
    }

    private static final AlertType WARNING = AlertType.HEALTH_READING_WARNING;
    private static final AlertType CRITICAL = AlertType.HEALTH_READING_CRITICAL;

    @Test
    void eachDefaultThresholdRaisesItsSeverityOnlyOnceCrossed() {
        Object[][] cases = {
            {ReadingKind.SYSTOLIC, "139", null}, {ReadingKind.SYSTOLIC, "140", WARNING}, {ReadingKind.SYSTOLIC, "179", WARNING},
            {ReadingKind.SYSTOLIC, "180", CRITICAL},
            {ReadingKind.DIASTOLIC, "89", null}, {ReadingKind.DIASTOLIC, "90", WARNING}, {ReadingKind.DIASTOLIC, "110", CRITICAL},
            {ReadingKind.SPO2, "94", null}, {ReadingKind.SPO2, "93", WARNING}, {ReadingKind.SPO2, "90", WARNING},
            {ReadingKind.SPO2, "89", CRITICAL},
            {ReadingKind.HEART_RATE, "50", null}, {ReadingKind.HEART_RATE, "110", null}, {ReadingKind.HEART_RATE, "49", WARNING},
            {ReadingKind.HEART_RATE, "111", WARNING}, {ReadingKind.HEART_RATE, "40", WARNING},
            {ReadingKind.HEART_RATE, "39", CRITICAL}, {ReadingKind.HEART_RATE, "130", WARNING},
            {ReadingKind.HEART_RATE, "131", CRITICAL},
            {ReadingKind.BODY_TEMPERATURE, "37.2", null}, {ReadingKind.BODY_TEMPERATURE, "37.3", WARNING},
            {ReadingKind.BODY_TEMPERATURE, "38.9", WARNING}, {ReadingKind.BODY_TEMPERATURE, "39", CRITICAL},
            {ReadingKind.BODY_TEMPERATURE, "35.0", null}, {ReadingKind.BODY_TEMPERATURE, "34.9", CRITICAL},
            {ReadingKind.WEIGHT, "58", null}};
        for (Object[] c : cases) {
            assertThat(oneReading((ReadingKind) c[0], (String) c[1])).as(c[0] + " " + c[1]).isEqualTo(c[2]);
        }
    }

    @Test
    void theAlertNamesTheReadingTheThresholdAndTheDeviceAndIsNeverLifeSafety() {
        Alert critical = watched(OPTIONS).read(MONDAY, "08:00", "oximeter", ReadingKind.SPO2, "88").get(0);
        assertThat(critical.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(critical.device()).isEqualTo("oximeter");
        assertThat(critical.reason()).isEqualTo("spo2 88 % (oximeter at 08:00), below the critical threshold 90 %");
        assertThat(critical.type().isLifeSafety()).isFalse();
        Alert warning = watched(OPTIONS).read(MONDAY, "08:00", "cuff", ReadingKind.SYSTOLIC, "150").get(0);
        assertThat(warning.severity()).isEqualTo(Severity.WARNING);
        assertThat(warning.reason()).contains("systolic 150 mmHg", "at or above the warning threshold 140 mmHg");
    }

    @Test
    void aWorseReadingReplacesTheWarningByACriticalAndOneBackInRangeClearsIt() {
        Home home = watched(OPTIONS);
        home.read(MONDAY, "08:00", "cuff", ReadingKind.SYSTOLIC, "150");
        home.read(MONDAY, "08:10", "cuff", ReadingKind.SYSTOLIC, "155");
        assertThat(home.events()).as("the same severity again says nothing new").containsExactly("HEALTH_READING_WARNING raised");
        home.read(MONDAY, "08:20", "cuff", ReadingKind.SYSTOLIC, "185");
        home.read(MONDAY, "08:30", "cuff", ReadingKind.DIASTOLIC, "85");
        home.read(MONDAY, "09:00", "cuff", ReadingKind.SYSTOLIC, "165");
        home.read(MONDAY, "12:00", "cuff", ReadingKind.SYSTOLIC, "128");
        assertThat(home.events()).containsExactly("HEALTH_READING_WARNING raised", "HEALTH_READING_WARNING cleared",
                "HEALTH_READING_CRITICAL raised", "HEALTH_READING_CRITICAL cleared", "HEALTH_READING_WARNING raised",
                "HEALTH_READING_WARNING cleared");
        Alert critical = home.first(CRITICAL, AlertState.RAISED);
        assertThat(home.first(CRITICAL, AlertState.CLEARED).id()).isEqualTo(critical.id());
        assertThat(home.first(CRITICAL, AlertState.CLEARED).reason()).contains("now systolic 165 mmHg", "warning threshold 140");
        assertThat(home.alerts.get(home.alerts.size() - 1).reason()).contains("back in range: systolic 128 mmHg");
    }

    @Test
    void eachKindHasItsOwnEpisode() {
        Home home = watched(OPTIONS);
        home.read(MONDAY, "08:00", "cuff", ReadingKind.SYSTOLIC, "150");
        home.read(MONDAY, "08:00", "thermometer", ReadingKind.BODY_TEMPERATURE, "38.2");
        home.read(MONDAY, "08:05", "thermometer", ReadingKind.BODY_TEMPERATURE, "36.8");
        assertThat(home.engine.openAlerts()).singleElement().satisfies(a -> assertThat(a.device()).isEqualTo("cuff"));
    }

    @Test
    void thresholdsAreTheEldersOwn() {
        Home home = watched(options(Map.of("systolicWarning", "130", "spo2Warning", "92", "temperatureWarning", "37.8")));
        assertThat(home.read(MONDAY, "08:00", "cuff", ReadingKind.SYSTOLIC, "135")).extracting(Alert::type).containsExactly(WARNING);
        assertThat(home.read(MONDAY, "08:00", "oximeter", ReadingKind.SPO2, "93")).isEmpty();
        assertThat(home.read(MONDAY, "08:00", "thermometer", ReadingKind.BODY_TEMPERATURE, "37.5")).isEmpty();
    }

    @Test
    void aWeightChangeOfMoreThanTwoKilogramsWithinAWeekIsAWarningClearedWhenTheWeekNoLongerShowsIt() {
        Home home = watched(OPTIONS);
        home.read(MONDAY, "07:00", "scale", ReadingKind.WEIGHT, "60.0");
        home.read(MONDAY.plusDays(2), "07:00", "scale", ReadingKind.WEIGHT, "61.5");
        assertThat(home.alerts).isEmpty();
        home.read(MONDAY.plusDays(4), "07:00", "scale", ReadingKind.WEIGHT, "62.1");
        Alert gain = home.first(WARNING, AlertState.RAISED);
        assertThat(gain.reason()).contains("weight 62.1 kg", "2.1 kg more than 60 kg on 2024-03-04", "within 7 days");
        // eight days on, Monday's 60 kg is out of the week: 62 against 61.5 and 62.1
        home.read(MONDAY.plusDays(8), "07:00", "scale", ReadingKind.WEIGHT, "62.0");
        assertThat(home.first(WARNING, AlertState.CLEARED).id()).isEqualTo(gain.id());
        home.read(MONDAY.plusDays(9), "07:00", "scale", ReadingKind.WEIGHT, "59.5");
        assertThat(home.alerts.get(home.alerts.size() - 1).reason()).contains("2.6 kg less than 62.1 kg");
    }

    @Test
    void aWeighingPostedLateIsComparedWithItsOwnWeekAndForgetsNoLaterWeighing() {
        Home home = watched(OPTIONS);
        home.read(MONDAY.plusDays(5), "07:00", "scale", ReadingKind.WEIGHT, "60.0");
        // the scale was offline: Tuesday's weighing arrives after Saturday's
        home.read(MONDAY.plusDays(1), "07:00", "scale", ReadingKind.WEIGHT, "60.5");
        home.read(MONDAY.plusDays(6), "07:00", "scale", ReadingKind.WEIGHT, "62.4");
        assertThat(home.first(WARNING, AlertState.RAISED).reason()).contains("2.4 kg more than 60 kg on 2024-03-09");
    }

    @Test
    void noScheduledMeasurementByItsTimeIsAMissedMeasurementClearedByTheNextOne() {
        Home home = watched(SCHEDULED);
        home.advance(at(MONDAY, "08:59"));
        assertThat(home.alerts).isEmpty();
        home.advance(at(MONDAY, "09:00"));
        Alert missed = home.first(AlertType.MEASUREMENT_MISSED, AlertState.RAISED);
        assertThat(missed.severity()).isEqualTo(Severity.WARNING);
        assertThat(missed.time()).isEqualTo(at(MONDAY, "09:00"));
        assertThat(missed.reason()).isEqualTo("no systolic measured today by 09:00");
        home.read(MONDAY, "09:40", "cuff", ReadingKind.HEART_RATE, "70");
        assertThat(home.of(AlertType.MEASUREMENT_MISSED)).as("another kind does not answer it").hasSize(1);
        home.read(MONDAY, "09:45", "cuff", ReadingKind.SYSTOLIC, "125");
        assertThat(home.first(AlertType.MEASUREMENT_MISSED, AlertState.CLEARED).id()).isEqualTo(missed.id());

        home.read(MONDAY.plusDays(1), "07:30", "cuff", ReadingKind.SYSTOLIC, "122");
        home.advance(at(MONDAY.plusDays(1), "23:00"));
        assertThat(home.events()).as("Tuesday's was measured in time")
                .containsExactly("MEASUREMENT_MISSED raised", "MEASUREMENT_MISSED cleared");
        home.advance(at(MONDAY.plusDays(2), "09:00"));
        assertThat(home.of(AlertType.MEASUREMENT_MISSED).get(2).reason()).contains("(last: 2024-03-05T07:30)");
    }

    @Test
    void noMeasurementIsScheduledByDefaultNorJudgedOnTheDayTheGatewayStarted() {
        Home unscheduled = watched(OPTIONS);
        unscheduled.advance(at(MONDAY.plusDays(2), "12:00"));
        assertThat(unscheduled.alerts).isEmpty();

        Home installedAtEight = new Home(SCHEDULED);
        installedAtEight.read(MONDAY, "08:00", "cuff", ReadingKind.HEARTBEAT, "ok");
        installedAtEight.advance(at(MONDAY, "12:00"));
        assertThat(installedAtEight.alerts).isEmpty();
        installedAtEight.advance(at(MONDAY.plusDays(1), "09:00"));
        assertThat(installedAtEight.events()).containsExactly("MEASUREMENT_MISSED raised");
    }

    @Test
    void contradictoryOrUnknownHealthSettingsAreRefusedNamingThem() {
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("systolicWarning", "190")))
                .hasMessageContaining("'systolicWarning' (190) must be below 'systolicCritical' (180)");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("spo2Critical", "95")))
                .hasMessageContaining("'spo2Critical' (95) must be below 'spo2Warning' (94)");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("temperatureWarning", "warm")))
                .hasMessageContaining("temperatureWarning", "'warm'");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("temperatureCritical", "50")))
                .hasMessageContaining("'temperatureCritical' must be from 35 to 43");
        assertThatThrownBy(() -> DetectionOptions.fromProperties(Map.of("measurementKind", "water")))
                .hasMessageContaining("'measurementKind': 'water' is not none or one of [systolic, diastolic, heart_rate,");
        assertThat(DetectionOptions.DEFAULTS.health().temperatureWarning()).isEqualByComparingTo("37.3");
        assertThat(DetectionOptions.DEFAULTS.health().measurementKind()).isNull();
    }

    @Test
    void aContradictoryPairPushedFromTheBridgeFallsBackToItsDefaultsAndTheRestIsKept() {
        // the component reads its configuration leniently: a document past the MetaType may still contradict itself
        DetectionOptions.Lenient read = DetectionOptions.fromPropertiesLeniently(Map.of("systolicWarning", 190,
                "systolicCritical", 185, "temperatureWarning", 37.8, "measurementKind", "spo2"));
        assertThat(read.options().health().systolicWarning()).isEqualTo(140);
        assertThat(read.options().health().systolicCritical()).isEqualTo(180);
        assertThat(read.options().health().temperatureWarning()).isEqualByComparingTo("37.8");
        assertThat(read.options().health().measurementKind()).isEqualTo(ReadingKind.SPO2);
        assertThat(read.fallbacks()).isNotEmpty().allSatisfy(p -> assertThat(p).contains("systolic", "fell back"));
    }

    @Test
    void theMetaTypeOffersExactlyTheMeasurementKindsSoABadDocumentIsRefusedBeforeItIsApplied() throws Exception {
        String xml = java.nio.file.Files.readString(Path.of("target/classes/OSGI-INF/metatype/org.anxin.detection.xml"));
        java.util.regex.Matcher ad = java.util.regex.Pattern.compile("<AD [^>]*id=\"measurementKind\"[^>]*>(.*?)</AD>",
                java.util.regex.Pattern.DOTALL).matcher(xml);
        assertThat(ad.find()).isTrue();
        List<String> offered = java.util.regex.Pattern.compile("value=\"([^\"]+)\"").matcher(ad.group(1)).results()
                .map(m -> m.group(1)).toList();
        List<String> kinds = new java.util.ArrayList<>(List.of("none"));
        java.util.Arrays.stream(ReadingKind.values()).filter(ReadingKind::isMeasurement).map(ReadingKind::wireName).forEach(kinds::add);
        assertThat(offered).containsExactlyElementsOf(kinds);
    }

    // across restarts: a new engine on the same detection.db, the first not closed (a power cut)

    private Home onDisk(DetectionOptions options) {
        return new Home(DetectionEngine.create(options, ZoneOffset.UTC, SqliteRoutineStore.open(dir.resolve("detection.db"))));
    }

    @Test
    void anOpenCriticalOutlivesARestartAndIsClearedWithItsId() {
        Home before = onDisk(OPTIONS);
        before.read(MONDAY, "08:00", "oximeter", ReadingKind.SPO2, "87");
        Alert critical = before.first(CRITICAL, AlertState.RAISED);

        Home after = onDisk(OPTIONS);
        assertThat(after.engine.openAlerts()).containsExactly(critical);
        after.read(MONDAY, "08:10", "oximeter", ReadingKind.SPO2, "88");
        assertThat(after.alerts).as("not raised again").isEmpty();
        after.read(MONDAY, "08:20", "oximeter", ReadingKind.SPO2, "97");
        assertThat(after.first(CRITICAL, AlertState.CLEARED).id()).isEqualTo(critical.id());
    }

    @Test
    void theWeekOfWeighingsAndTheDaysMeasurementOutliveARestart() {
        Home before = onDisk(SCHEDULED);
        before.read(MONDAY.minusDays(1), "23:00", "cuff", ReadingKind.HEARTBEAT, "ok");
        before.read(MONDAY, "07:00", "scale", ReadingKind.WEIGHT, "60");
        before.read(MONDAY, "07:05", "cuff", ReadingKind.SYSTOLIC, "120");

        Home after = onDisk(SCHEDULED);
        after.advance(at(MONDAY, "12:00"));
        assertThat(after.alerts).as("the measurement before the restart answers the day").isEmpty();
        after.read(MONDAY.plusDays(3), "07:00", "scale", ReadingKind.WEIGHT, "57.5");
        assertThat(after.alerts).extracting(Alert::type).contains(WARNING);
    }
}
