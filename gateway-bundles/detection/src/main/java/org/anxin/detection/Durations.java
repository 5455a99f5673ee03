package org.anxin.detection;

import java.time.Duration;

/** Durations as people read them: "9 h 40 min", "45 min", "30 h 5 min", "2 d 3 h" (days from 48 h on). */
final class Durations {

    private Durations() {
    }

    static String human(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        if (minutes >= 2 * 1440) {
            long hours = (minutes % 1440) / 60;
            return minutes / 1440 + " d" + (hours > 0 ? " " + hours + " h" : "");
        }
        long hours = minutes / 60;
        long mins = minutes % 60;
        if (hours > 0) {
            return hours + " h" + (mins > 0 ? " " + mins + " min" : "");
        }
        return mins + " min";
    }
}
