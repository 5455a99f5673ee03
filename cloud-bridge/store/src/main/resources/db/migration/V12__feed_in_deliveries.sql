-- One notification pipeline: the webhook feed's messages are rows of deliveries like everyone's
-- (kind alert.raised or alert.cleared, recipient_key 'feed', channel webhook), leased and retried
-- from the database by whichever instance is alive. The feed's own table moves in and goes:
-- a pending row becomes due at once (the old notifier resent those on start), the others keep
-- their outcome, listed with their alert as before. Portable between SQLite and PostgreSQL like
-- V1-V11. The feed's URL is still not stored, only as shown: each instance sends to its --webhook.
INSERT INTO deliveries (id, gateway, alert_id, kind, round, step, recipient_key, recipient, channel, address,
                        subject, body, state, attempts, next_attempt_at, lease_until, last_error, created_at,
                        first_sent_at, delivered_at, reason)
SELECT 'feed-v12-' || CAST(ROW_NUMBER() OVER (ORDER BY created_at, gateway, alert_id, event) AS VARCHAR(20)),
       gateway, alert_id, event, 0, 0, 'feed', 'webhook feed', channel, target,
       event, payload, state, attempts, created_at, NULL, last_error, created_at,
       CASE WHEN attempts > 0 THEN created_at END, delivered_at, NULL
FROM notifications;

DROP TABLE notifications;
