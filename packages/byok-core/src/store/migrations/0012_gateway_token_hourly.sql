-- Usage by gateway token per UTC hour, provider and model, added to in the same statement as the raw
-- byok.key_usage rows (like byok.usage_hourly). A token's usage report reads whole hours here and only
-- its sub-hour edges from raw rows, through the owner's index: raw rows need no index by token, which
-- every usage row paid for on insert. Kept when raw rows are purged.
CREATE TABLE byok.gateway_token_hourly (
  token_id           text NOT NULL,
  hour               timestamptz NOT NULL,
  provider           text NOT NULL,
  model              text NOT NULL DEFAULT '',
  requests           bigint NOT NULL DEFAULT 0,
  errors             bigint NOT NULL DEFAULT 0,
  input_tokens       bigint NOT NULL DEFAULT 0,
  output_tokens      bigint NOT NULL DEFAULT 0,
  cost_usd           numeric(24, 8) NOT NULL DEFAULT 0,
  unpriced_requests  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (token_id, hour, provider, model)
);

-- Rows recorded before this migration get their roll-ups now.
INSERT INTO byok.gateway_token_hourly (token_id, hour, provider, model, requests, errors, input_tokens, output_tokens,
                                       cost_usd, unpriced_requests)
SELECT gateway_token_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', provider,
       coalesce(model, ''), sum(requests), sum(CASE WHEN success THEN 0 ELSE requests END), sum(input_tokens),
       sum(output_tokens), coalesce(sum(cost_usd), 0), sum(CASE WHEN priced THEN 0 ELSE requests END)
FROM byok.key_usage
WHERE gateway_token_id IS NOT NULL
GROUP BY 1, 2, 3, 4;

DROP INDEX byok.key_usage_gateway_token_idx;
