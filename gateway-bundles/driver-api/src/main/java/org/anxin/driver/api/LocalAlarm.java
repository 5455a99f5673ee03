package org.anxin.driver.api;

/** The siren, buzzer or LED in the home, sounded by the detection engine for life-safety alarms. */
@org.osgi.annotation.versioning.ProviderType
public interface LocalAlarm {

    /** Starts sounding; {@code reason} is for the log. Sounding an alarm that already sounds is harmless. */
    void sound(String reason);

    /** Stops sounding. */
    void silence();

    /**
     * Sounds for {@code length} so an installer or operator can hear that it works, then stops,
     * unless a real alarm started to sound meanwhile: a test never silences a real alarm.
     */
    void test(java.time.Duration length);

    /** What the siren's output really does, as far as its driver can read it back. */
    enum State { SOUNDING, SILENT, UNKNOWN }

    /** The siren's state read back from its output, for status.json; UNKNOWN where it cannot be read. */
    default State state() {
        return State.UNKNOWN;
    }
}
