package org.anxin.bridge.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.anxin.bridge.core.NotificationOutcome;

/** The notifications table as the notifier sees it: what is still to send, and how each ended. */
public final class NotificationStore {

    private static final String SELECT_PENDING = "SELECT gateway, alert_id, event, channel, payload"
            + " FROM notifications WHERE state = 'pending' AND channel = ? ORDER BY created_at, gateway, alert_id";

    private static final String RECORD_OUTCOME = "UPDATE notifications SET state = ?, target = ?, attempts = ?,"
            + " last_error = ?, delivered_at = ?, updated_at = ?"
            + " WHERE gateway = ? AND alert_id = ? AND event = ? AND channel = ?";

    private final Database db;

    public NotificationStore(Database db) {
        this.db = db;
    }

    /** Notifications stored but never finished, e.g. because the bridge stopped; oldest first. */
    public List<PendingNotification> pending(String channel, String target) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT_PENDING)) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    List<PendingNotification> pending = new ArrayList<>();
                    while (rs.next()) {
                        pending.add(new PendingNotification(rs.getString("gateway"), rs.getString("alert_id"),
                                rs.getString("event"), rs.getString("channel"), target, rs.getString("payload")));
                    }
                    return pending;
                }
            }
        });
    }

    public void recordOutcome(NotificationOutcome outcome) {
        long at = outcome.at().toEpochMilli();
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(RECORD_OUTCOME)) {
                ps.setString(1, outcome.delivered() ? "delivered" : "failed");
                ps.setString(2, outcome.target());
                ps.setInt(3, outcome.attempts());
                Database.setNullableText(ps, 4, outcome.lastError());
                Database.setNullableLong(ps, 5, outcome.delivered() ? at : null);
                ps.setLong(6, at);
                ps.setString(7, outcome.gateway());
                ps.setString(8, outcome.alertId());
                ps.setString(9, outcome.event());
                ps.setString(10, outcome.channel());
                return ps.executeUpdate();
            }
        });
    }
}
