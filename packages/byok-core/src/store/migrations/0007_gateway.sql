-- Gateway tokens (virtual keys): an application holds one of these instead of the user's key.
-- Only the SHA-256 of the token is stored (tokens are 160+ random bits, so a fast hash is right);
-- `hint` keeps its last four characters for display.
CREATE TABLE byok.gateway_tokens (
  id                 text PRIMARY KEY,
  owner_type         text NOT NULL CHECK (owner_type IN ('user', 'workspace')),
  owner_id           text NOT NULL,
  name               text NOT NULL,
  token_hash         text NOT NULL UNIQUE,
  hint               text NOT NULL,
  allowed_providers  text[],
  allowed_models     text[],
  environment        text NOT NULL DEFAULT 'production'
                       CHECK (environment IN ('development', 'staging', 'production')),
  expires_at         timestamptz,
  monthly_budget_usd numeric(18, 8),
  requests_per_minute integer,
  allow_system_keys  boolean NOT NULL DEFAULT false,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_at         timestamptz,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gateway_tokens_owner_idx ON byok.gateway_tokens (owner_type, owner_id, created_at);

-- What each token spent per UTC month: the source of truth of budgets, added to per usage batch.
CREATE TABLE byok.gateway_token_spend (
  token_id   text NOT NULL,
  month      date NOT NULL,
  requests   bigint NOT NULL DEFAULT 0,
  cost_usd   numeric(18, 8) NOT NULL DEFAULT 0,
  PRIMARY KEY (token_id, month)
);

-- Per-request facts the gateway knows.
ALTER TABLE byok.key_usage ADD COLUMN gateway_token_id text;
ALTER TABLE byok.key_usage ADD COLUMN ttfb_ms integer;
ALTER TABLE byok.key_usage ADD COLUMN status_code integer;
CREATE INDEX key_usage_gateway_token_idx ON byok.key_usage (gateway_token_id, created_at)
  WHERE gateway_token_id IS NOT NULL;

-- Usage batches already committed: a batch retried after a commit whose answer was lost is not
-- counted twice. Old ids are purged by the writer.
CREATE TABLE byok.usage_batches (
  id           text PRIMARY KEY,
  committed_at timestamptz NOT NULL DEFAULT now()
);
