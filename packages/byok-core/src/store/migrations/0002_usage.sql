-- Daily usage roll-ups: one row per owner, UTC day, provider, key and model. Written in the same
-- transaction as each raw byok.key_usage row, so the roll-ups always add up to the raw rows.
-- key_id and model use '' for "none" so that they can be part of the primary key.
CREATE TABLE byok.usage_daily (
  owner_type         text NOT NULL,
  owner_id           text NOT NULL,
  day                date NOT NULL,
  provider           text NOT NULL,
  key_id             text NOT NULL DEFAULT '',
  model              text NOT NULL DEFAULT '',
  requests           bigint NOT NULL DEFAULT 0,
  errors             bigint NOT NULL DEFAULT 0,
  input_tokens       bigint NOT NULL DEFAULT 0,
  output_tokens      bigint NOT NULL DEFAULT 0,
  cached_tokens      bigint NOT NULL DEFAULT 0,
  cost_usd           numeric(24, 8) NOT NULL DEFAULT 0,
  unpriced_requests  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (owner_type, owner_id, day, provider, key_id, model)
);

-- Rows recorded before this migration get their roll-ups now.
INSERT INTO byok.usage_daily (owner_type, owner_id, day, provider, key_id, model, requests, errors,
                              input_tokens, output_tokens, cached_tokens, cost_usd, unpriced_requests)
SELECT owner_type, owner_id, (created_at AT TIME ZONE 'UTC')::date, provider, coalesce(key_id, ''), coalesce(model, ''),
       sum(requests), sum(CASE WHEN success THEN 0 ELSE requests END),
       sum(input_tokens), sum(output_tokens), sum(cached_tokens), coalesce(sum(cost_usd), 0),
       sum(CASE WHEN priced THEN 0 ELSE requests END)
FROM byok.key_usage
GROUP BY 1, 2, 3, 4, 5, 6;

-- When an alert last fired; last_fired_period (0001) names the period ('2026-11', '2026-W47', '2026-11-21').
ALTER TABLE byok.usage_alerts ADD COLUMN last_fired_at timestamptz;

-- Outbox of alert notifications: written in the transaction that crosses the threshold, delivered
-- after commit. One row per alert, period and channel, so a notification is enqueued at most once.
CREATE TABLE byok.alert_notifications (
  id              bigserial PRIMARY KEY,
  alert_id        text NOT NULL,
  owner_type      text NOT NULL,
  owner_id        text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('webhook', 'email')),
  destination     text,
  period          text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  attempt_log     jsonb NOT NULL DEFAULT '[]',
  last_error      text,
  locked_until    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (alert_id, period, channel)
);
CREATE INDEX alert_notifications_owner_idx ON byok.alert_notifications (owner_type, owner_id, created_at);
CREATE INDEX alert_notifications_due_idx ON byok.alert_notifications (created_at) WHERE status IN ('pending', 'sending');
