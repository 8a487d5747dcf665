-- Hourly usage roll-ups: one row per owner, UTC hour, provider, key and model (like the daily ones,
-- so concurrent writers of one owner's different models do not queue on one row). Written in the
-- same statement as the raw byok.key_usage rows, so whole hours are answered without raw rows.
CREATE TABLE byok.usage_hourly (
  owner_type         text NOT NULL,
  owner_id           text NOT NULL,
  hour               timestamptz NOT NULL,
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
  audio_seconds      numeric(20, 3) NOT NULL DEFAULT 0,
  PRIMARY KEY (owner_type, owner_id, hour, provider, key_id, model)
);

-- Audio time in the daily roll-ups too (voice minutes survive the purge of raw rows).
ALTER TABLE byok.usage_daily ADD COLUMN audio_seconds numeric(20, 3) NOT NULL DEFAULT 0;

-- Rows recorded before this migration get their roll-ups now.
INSERT INTO byok.usage_hourly (owner_type, owner_id, hour, provider, key_id, model, requests, errors, input_tokens,
                               output_tokens, cached_tokens, cost_usd, unpriced_requests, audio_seconds)
SELECT owner_type, owner_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', provider,
       coalesce(key_id, ''), coalesce(model, ''), sum(requests), sum(CASE WHEN success THEN 0 ELSE requests END), sum(input_tokens),
       sum(output_tokens), sum(cached_tokens), coalesce(sum(cost_usd), 0),
       sum(CASE WHEN priced THEN 0 ELSE requests END), coalesce(sum(audio_seconds), 0)
FROM byok.key_usage
GROUP BY 1, 2, 3, 4, 5, 6;

UPDATE byok.usage_daily AS d SET audio_seconds = a.audio_seconds
FROM (SELECT owner_type, owner_id, (created_at AT TIME ZONE 'UTC')::date AS day, provider, coalesce(key_id, '') AS key_id,
             coalesce(model, '') AS model, sum(audio_seconds) AS audio_seconds
        FROM byok.key_usage WHERE audio_seconds IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS a
WHERE d.owner_type = a.owner_type AND d.owner_id = a.owner_id AND d.day = a.day AND d.provider = a.provider
  AND d.key_id = a.key_id AND d.model = a.model;

-- Retention deletes old raw rows in batches by time: a BRIN index finds them without slowing writes.
CREATE INDEX key_usage_created_brin ON byok.key_usage USING brin (created_at);
