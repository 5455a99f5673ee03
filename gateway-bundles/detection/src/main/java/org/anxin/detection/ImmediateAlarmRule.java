package org.anxin.detection;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.anxin.protocol.Alert;
import org.anxin.protocol.AlertType;
import org.anxin.protocol.Reading;
import org.anxin.protocol.ReadingKind;

/**
 * Life-safety alarms: a pressed call button (EMERGENCY_CALL), a smoke (FIRE), gas (GAS_LEAK) or
 * leak (WATER_LEAK) detector in alarm. They are raised at once, per device, and cleared only by
 * the detector's own {@code clear}. A call button has no clear: presses within the re-arm window
 * belong to one episode, and a press after it is a new emergency, so a call is never swallowed by
 * an earlier one nobody cleared. Open detector episodes outlive a restart ({@link OpenEpisodes}); a
 * call has no episode to keep.
 */
public final class ImmediateAlarmRule implements Rule, OpenEpisodes {

    private record Key(AlertType type, String device) {
    }

    private final Duration callRearm;
    private final Map<Key, Alert> open = new HashMap<>();
    private final Map<Key, Instant> lastPress = new HashMap<>();

    public ImmediateAlarmRule(Duration callRearm) {
        this.callRearm = callRearm;
    }

    @Override
    public void collectOpen(List<Episode> into) {
        for (Alert alert : open.values()) {
            into.add(new Episode(alert));
        }
    }

    @Override
    public boolean restore(Episode episode) {
        Alert alert = episode.alert();
        AlertType type = alert.type();
        if (type != AlertType.FIRE && type != AlertType.GAS_LEAK && type != AlertType.WATER_LEAK || alert.device() == null) {
            return false;
        }
        open.put(new Key(type, alert.device()), alert);
        return true;
    }

    @Override
    public List<Alert> onReading(Reading reading) {
        AlertType type = alarmType(reading.kind());
        if (type == null) {
            return List.of();
        }
        Key key = new Key(type, reading.device());
        if (type == AlertType.EMERGENCY_CALL) {
            return onCall(key, reading);
        }
        Alert episode = open.get(key);
        if (reading.value().equals("alarm")) {
            if (episode != null) {
                return List.of();
            }
            Alert raised = Alert.raise(type, reading.device(), reading.time(),
                    describe(reading.kind()) + " alarm from " + reading.device());
            open.put(key, raised);
            return List.of(raised);
        }
        if (episode == null) {
            return List.of();
        }
        open.remove(key);
        return List.of(episode.clear(reading.time(), reading.device() + " reports clear"));
    }

    private List<Alert> onCall(Key key, Reading reading) {
        Instant previous = lastPress.put(key, reading.time());
        if (previous != null && Duration.between(previous, reading.time()).compareTo(callRearm) < 0) {
            return List.of();
        }
        return List.of(Alert.raise(AlertType.EMERGENCY_CALL, reading.device(), reading.time(),
                "emergency call button " + reading.device() + " pressed"));
    }

    static AlertType alarmType(ReadingKind kind) {
        return switch (kind) {
            case CALL -> AlertType.EMERGENCY_CALL;
            case SMOKE -> AlertType.FIRE;
            case GAS -> AlertType.GAS_LEAK;
            case LEAK -> AlertType.WATER_LEAK;
            default -> null;
        };
    }

    private static String describe(ReadingKind kind) {
        return switch (kind) {
            case SMOKE -> "smoke";
            case GAS -> "gas";
            default -> "water leak";
        };
    }
}
