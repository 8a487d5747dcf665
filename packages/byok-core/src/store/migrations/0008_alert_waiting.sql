-- An alert notification that cannot go out yet (no SMTP server, no webhook URL, no address) waits
-- as 'waiting' instead of failing, and is sent once the channel is configured.
ALTER TABLE byok.alert_notifications DROP CONSTRAINT IF EXISTS alert_notifications_status_check;
ALTER TABLE byok.alert_notifications ADD CONSTRAINT alert_notifications_status_check
  CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'waiting'));
CREATE INDEX alert_notifications_waiting_idx ON byok.alert_notifications (channel) WHERE status = 'waiting';
