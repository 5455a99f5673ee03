package org.anxin.detection.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The detection settings of one home. Names, defaults and ranges match
 * {@link org.anxin.detection.DetectionOptions.Setting}, which parses them (a test pins the two
 * together). Life-safety alarms have no setting that turns them off.
 */
@ObjectClassDefinition(
        id = DetectionComponent.PID,
        name = "Anxin detection engine",
        description = "Decides from readings when the elder may need help. Life-safety alarms are always on.")
public @interface DetectionConfig {

    @AttributeDefinition(name = "Call re-arm (s)", min = "0", max = "3600",
            description = "Presses of one call button within this many seconds are one emergency; a later press is a new one")
    int callRearmSeconds() default 300;

    @AttributeDefinition(name = "No water use: on", description = "Raise NO_WATER_USE when water is not used for an unusual time")
    boolean noWaterUseEnabled() default true;

    @AttributeDefinition(name = "No water use: litres", min = "0", max = "1000",
            description = "Fixed rule: less than this much water over the period raises NO_WATER_USE (until the routine is learned)")
    int noWaterLitres() default 10;

    @AttributeDefinition(name = "No water use: period (h)", min = "1", max = "72",
            description = "Fixed rule: the period the litres are counted over")
    int noWaterHours() default 12;

    @AttributeDefinition(name = "No activity: on", description = "Raise NO_ACTIVITY when no activity sensor reports for an unusual time")
    boolean noActivityEnabled() default true;

    @AttributeDefinition(name = "No activity: fixed period (h)", min = "1", max = "72",
            description = "Until the routine is learned, no activity for this long raises NO_ACTIVITY")
    int noActivityHours() default 12;

    @AttributeDefinition(name = "Learn the routine", description = "Learn the home's routine and judge gaps by it once learned")
    boolean learningEnabled() default true;

    @AttributeDefinition(name = "Days to learn", min = "2", max = "60",
            description = "Complete days of history before the learned routine replaces the fixed rules")
    int learningDays() default 7;

    @AttributeDefinition(name = "Learned margin (min)", min = "0", max = "720",
            description = "A gap must exceed the usual one by at least this much to raise an alert (by the whole usual while it rests on 7 days of history, by 7/n of it on n days, if more)")
    int learnedMarginMinutes() default 60;

    @AttributeDefinition(name = "Learned minimum (min)", min = "30", max = "1440",
            description = "No learned threshold is shorter than this")
    int learnedMinimumMinutes() default 120;

    @AttributeDefinition(name = "Learned maximum (h)", min = "2", max = "72",
            description = "No learned threshold is longer than this, so no incident waits longer")
    int learnedMaximumHours() default 24;

    @AttributeDefinition(name = "Away after silence (min)", min = "1", max = "240",
            description = "The entrance opened, then nothing for this long: the elder went out")
    int awaySilenceMinutes() default 15;

    @AttributeDefinition(name = "Not returned after (h)", min = "1", max = "168",
            description = "Out for longer than this raises NOT_RETURNED")
    int notReturnedHours() default 24;

    @AttributeDefinition(name = "Continuous water flow: on", description = "Raise CONTINUOUS_WATER_FLOW for a tap left running or a day's use far above normal")
    boolean continuousFlowEnabled() default true;

    @AttributeDefinition(name = "Continuous flow (min)", min = "1", max = "1440",
            description = "Water running without a pause for longer than this")
    int continuousFlowMinutes() default 30;

    @AttributeDefinition(name = "Flow pause (min)", min = "1", max = "60",
            description = "No water reading for this long ends a flow")
    int flowPauseMinutes() default 5;

    @AttributeDefinition(name = "Daily water (L)", min = "10", max = "100000",
            description = "A day's total above this raises CONTINUOUS_WATER_FLOW")
    int dailyWaterLitres() default 2000;

    @AttributeDefinition(name = "Timer flow (min)", min = "0", max = "1440",
            description = "A flow starting at the minute of the day at which flows this long started on 2 of the last 7 days"
                    + " is a timer's (sprinklers, a softener), not a sign of life; 0 counts every flow as someone's")
    int timerFlowMinutes() default 30;

    @AttributeDefinition(name = "Night door: on", description = "Raise NIGHT_DOOR when the entrance opens in the night hours (for elders who may wander)")
    boolean nightDoorEnabled() default false;

    @AttributeDefinition(name = "Night starts", description = "Local time, HH:mm")
    String nightStart() default "22:00";

    @AttributeDefinition(name = "Night ends", description = "Local time, HH:mm")
    String nightEnd() default "06:00";

    @AttributeDefinition(name = "Device silent: on", description = "Raise DEVICE_SILENT when a device that checks in stops reporting")
    boolean deviceSilentEnabled() default true;

    @AttributeDefinition(name = "Mains device silent after (h)", min = "1", max = "168",
            description = "No reading from a mains-powered device for this long")
    int mainsSilentHours() default 2;

    @AttributeDefinition(name = "Battery device silent after (h)", min = "1", max = "336",
            description = "No reading from a battery device (one that reports battery) for this long")
    int batterySilentHours() default 26;

    @AttributeDefinition(name = "Low battery (%)", min = "1", max = "50",
            description = "A battery below this raises LOW_BATTERY")
    int lowBatteryPercent() default 15;

    @AttributeDefinition(name = "Device clock ahead (min)", min = "1", max = "120",
            description = "A reading stamped more than this ahead of the gateway's clock is taken at the gateway's time instead")
    int deviceClockAheadMinutes() default 10;

    @AttributeDefinition(name = "Device clock behind (h)", min = "1", max = "168",
            description = "A reading stamped more than this before the gateway's clock (a replay's excepted) is taken at the gateway's time instead")
    int deviceClockBehindHours() default 24;

    @AttributeDefinition(name = "Self-test every (min)", min = "30", max = "1440",
            description = "A synthetic call press is driven through the life-safety rule to the outbox, marked as a test,"
                    + " so the bridge knows the alarm path works; it never sounds the siren and is never notified")
    int selfTestMinutes() default 60;

    @AttributeDefinition(name = "Daily check-in: on",
            description = "Raise CHECK_IN_MISSED when neither the check-in button nor other activity shows the elder up in the daily window")
    boolean checkInEnabled() default false;

    @AttributeDefinition(name = "Check-in window starts", description = "Local time, HH:mm")
    String checkInStart() default "07:00";

    @AttributeDefinition(name = "Check-in window ends", description = "Local time, HH:mm; after the start, within the day")
    String checkInEnd() default "10:00";
    @AttributeDefinition(name = "Time zone",
            description = "The home's time zone (an id such as Asia/Shanghai): the hours of the routine, the night and a day's water"
                    + " are read in it; messages keep UTC instants. Written by ./anxin provision --zone")
    String zone() default "Asia/Shanghai";

    // The health monitors (docs/detection.md "Health measurements" gives each default's source)

    @AttributeDefinition(name = "Systolic: warning (mmHg)", min = "100", max = "250",
            description = "A systolic pressure at or above this raises HEALTH_READING_WARNING (grade 1 hypertension)")
    int systolicWarning() default 140;

    @AttributeDefinition(name = "Systolic: critical (mmHg)", min = "100", max = "300",
            description = "At or above this, HEALTH_READING_CRITICAL (grade 3 hypertension)")
    int systolicCritical() default 180;

    @AttributeDefinition(name = "Diastolic: warning (mmHg)", min = "50", max = "150",
            description = "A diastolic pressure at or above this raises HEALTH_READING_WARNING")
    int diastolicWarning() default 90;

    @AttributeDefinition(name = "Diastolic: critical (mmHg)", min = "50", max = "200",
            description = "At or above this, HEALTH_READING_CRITICAL")
    int diastolicCritical() default 110;

    @AttributeDefinition(name = "SpO2: warning (%)", min = "70", max = "100",
            description = "An oxygen saturation below this raises HEALTH_READING_WARNING")
    int spo2Warning() default 94;

    @AttributeDefinition(name = "SpO2: critical (%)", min = "60", max = "100",
            description = "Below this, HEALTH_READING_CRITICAL")
    int spo2Critical() default 90;

    @AttributeDefinition(name = "Heart rate: low warning (bpm)", min = "20", max = "120",
            description = "A heart rate below this raises HEALTH_READING_WARNING")
    int heartRateLowWarning() default 50;

    @AttributeDefinition(name = "Heart rate: high warning (bpm)", min = "40", max = "250",
            description = "A heart rate above this raises HEALTH_READING_WARNING")
    int heartRateHighWarning() default 110;

    @AttributeDefinition(name = "Heart rate: low critical (bpm)", min = "20", max = "120",
            description = "Below this, HEALTH_READING_CRITICAL")
    int heartRateLowCritical() default 40;

    @AttributeDefinition(name = "Heart rate: high critical (bpm)", min = "40", max = "300",
            description = "Above this, HEALTH_READING_CRITICAL")
    int heartRateHighCritical() default 130;

    @AttributeDefinition(name = "Body temperature: warning (°C)", min = "35", max = "42",
            description = "A temperature at or above this raises HEALTH_READING_WARNING (a fever)")
    double temperatureWarning() default 37.3;

    @AttributeDefinition(name = "Body temperature: critical (°C)", min = "35", max = "43",
            description = "At or above this, HEALTH_READING_CRITICAL")
    double temperatureCritical() default 39.0;

    @AttributeDefinition(name = "Body temperature: low critical (°C)", min = "30", max = "37",
            description = "Below this, HEALTH_READING_CRITICAL (hypothermia)")
    double temperatureLowCritical() default 35.0;

    @AttributeDefinition(name = "Weight change (g)", min = "500", max = "20000",
            description = "A weight more than this above or below any weighing of the last weightChangeDays raises HEALTH_READING_WARNING")
    int weightChangeGrams() default 2000;

    @AttributeDefinition(name = "Weight change: days", min = "1", max = "30",
            description = "The days a weight is compared with")
    int weightChangeDays() default 7;

    // the options let the bridge's document be refused by the MetaType check, before anything is applied
    @AttributeDefinition(name = "Daily measurement: kind", options = {@Option(value = "none", label = "None"),
        @Option(value = "systolic", label = "Blood pressure (systolic)"), @Option(value = "diastolic", label = "Blood pressure (diastolic)"),
        @Option(value = "heart_rate", label = "Heart rate"), @Option(value = "spo2", label = "SpO2"),
        @Option(value = "body_temperature", label = "Body temperature"), @Option(value = "weight", label = "Weight")},
            description = "none, or the kind measured every day (systolic, diastolic, heart_rate, spo2, body_temperature, weight):"
                    + " none by measurementBy raises MEASUREMENT_MISSED")
    String measurementKind() default "none";

    @AttributeDefinition(name = "Daily measurement: by", description = "Local time, HH:mm")
    String measurementBy() default "10:00";
}
