-- Each alert signs its webhooks with its own secret, encrypted under the owner's data key (the
-- same envelope as credentials; the associated data binds it to the alert row). Alerts created
-- before this migration have none and are signed with the global BYOK_ALERT_WEBHOOK_SECRET.
ALTER TABLE byok.usage_alerts ADD COLUMN signing_secret text;
ALTER TABLE byok.usage_alerts ADD COLUMN signing_secret_rotated_at timestamptz;

-- When the last delivery attempt of a notification ran, so that an alert's last delivery is one
-- index lookup instead of a scan of every attempt log.
ALTER TABLE byok.alert_notifications ADD COLUMN last_attempt_at timestamptz;
UPDATE byok.alert_notifications
   SET last_attempt_at = (attempt_log -> -1 ->> 'at')::timestamptz
 WHERE attempts > 0 AND jsonb_array_length(attempt_log) > 0;
CREATE INDEX alert_notifications_alert_idx ON byok.alert_notifications (alert_id, last_attempt_at DESC NULLS LAST);
