-- Owners: a user or a workspace. Every credential row names its owner by (owner_type, owner_id).
CREATE TABLE byok.users (
  id            text PRIMARY KEY,
  email         text,
  display_name  text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE byok.workspaces (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE byok.workspace_members (
  workspace_id  text NOT NULL REFERENCES byok.workspaces(id) ON DELETE CASCADE,
  user_id       text NOT NULL,
  role          text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX workspace_members_user_idx ON byok.workspace_members (user_id);

-- Master-key fingerprints (key-check values), never the keys.
CREATE TABLE byok.master_keys (
  fingerprint  text PRIMARY KEY,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  promoted_at  timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);

-- One data-encryption key per owner, wrapped by a master key.
CREATE TABLE byok.data_keys (
  id                  text PRIMARY KEY,
  owner_type          text NOT NULL CHECK (owner_type IN ('user', 'workspace')),
  owner_id            text NOT NULL,
  wrapped_key         text NOT NULL,
  master_fingerprint  text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  rewrapped_at        timestamptz,
  UNIQUE (owner_type, owner_id)
);
CREATE INDEX data_keys_master_idx ON byok.data_keys (master_fingerprint, id);

CREATE TABLE byok.keys (
  id                 text PRIMARY KEY,
  owner_type         text NOT NULL CHECK (owner_type IN ('user', 'workspace')),
  owner_id           text NOT NULL,
  provider           text NOT NULL,
  environment        text NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
  alias              text,
  description        text,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'invalid', 'revoked')),
  ciphertext         text NOT NULL,
  key_hint           text NOT NULL,
  key_fingerprint    text NOT NULL,
  health_score       integer NOT NULL DEFAULT 100 CHECK (health_score BETWEEN 0 AND 100),
  last_validated_at  timestamptz,
  last_validation_status text,
  cooldown_until     timestamptz,
  priority           integer NOT NULL DEFAULT 0,
  created_by         text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  revoked_at         timestamptz
);
CREATE INDEX keys_lookup_idx ON byok.keys (owner_type, owner_id, provider, environment, status, priority, created_at);

CREATE TABLE byok.key_validations (
  id             bigserial PRIMARY KEY,
  key_id         text NOT NULL REFERENCES byok.keys(id) ON DELETE CASCADE,
  is_valid       boolean NOT NULL,
  status         text NOT NULL,
  health_score   integer NOT NULL,
  error_code     text,
  error_message  text,
  response_time_ms integer NOT NULL,
  tests_run      jsonb NOT NULL DEFAULT '[]',
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_validations_key_idx ON byok.key_validations (key_id, created_at DESC);
CREATE INDEX key_validations_time_idx ON byok.key_validations (created_at);

-- Routine use of a key: counted per key and hour, written in batches off the hot path.
CREATE TABLE byok.key_access_hourly (
  key_id         text NOT NULL,
  hour           timestamptz NOT NULL,
  access_count   bigint NOT NULL,
  first_used_at  timestamptz NOT NULL,
  last_used_at   timestamptz NOT NULL,
  PRIMARY KEY (key_id, hour)
);

CREATE TABLE byok.key_usage (
  id             bigserial PRIMARY KEY,
  key_id         text,
  owner_type     text NOT NULL,
  owner_id       text NOT NULL,
  provider       text NOT NULL,
  model          text,
  requests       integer NOT NULL DEFAULT 1,
  input_tokens   bigint NOT NULL DEFAULT 0,
  output_tokens  bigint NOT NULL DEFAULT 0,
  cached_tokens  bigint NOT NULL DEFAULT 0,
  cost_usd       numeric(18, 8),
  priced         boolean NOT NULL DEFAULT true,
  latency_ms     integer,
  success        boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_usage_owner_time_idx ON byok.key_usage (owner_type, owner_id, created_at);

-- Append-only, hash-chained; one chain per owner (or 'system').
CREATE TABLE byok.audit_log (
  id           bigserial PRIMARY KEY,
  chain        text NOT NULL,
  seq          bigint NOT NULL,
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  actor        text NOT NULL,
  action       text NOT NULL,
  target_type  text NOT NULL,
  target_id    text,
  owner_type   text,
  owner_id     text,
  context      jsonb NOT NULL DEFAULT '{}',
  details      jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL,
  UNIQUE (chain, seq)
);
CREATE INDEX audit_log_owner_idx ON byok.audit_log (owner_type, owner_id, id);
CREATE INDEX audit_log_time_idx ON byok.audit_log (created_at);

-- The newest entry of each chain, and the anchor left by retention purges (verification starts there).
CREATE TABLE byok.audit_chain_heads (
  chain        text PRIMARY KEY,
  seq          bigint NOT NULL,
  hash         text NOT NULL,
  anchor_seq   bigint NOT NULL DEFAULT 0,
  anchor_hash  text NOT NULL
);

CREATE TABLE byok.fallback_chains (
  owner_type          text NOT NULL,
  owner_id            text NOT NULL,
  provider            text NOT NULL,
  environment         text NOT NULL,
  primary_key_id      text,
  fallback_sequence   text[] NOT NULL DEFAULT '{}',
  use_system_fallback boolean NOT NULL DEFAULT false,
  max_retries         integer NOT NULL DEFAULT 3,
  retry_delay_ms      integer NOT NULL DEFAULT 1000,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner_type, owner_id, provider, environment)
);

CREATE TABLE byok.usage_alerts (
  id                     text PRIMARY KEY,
  owner_type             text NOT NULL,
  owner_id               text NOT NULL,
  alert_type             text NOT NULL CHECK (alert_type IN ('cost', 'requests', 'tokens', 'errors')),
  threshold_value        numeric(18, 6) NOT NULL,
  threshold_period       text NOT NULL CHECK (threshold_period IN ('daily', 'weekly', 'monthly')),
  notification_channels  text[] NOT NULL,
  webhook_url            text,
  email                  text,
  last_fired_period      text,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_alerts_owner_idx ON byok.usage_alerts (owner_type, owner_id);

-- Leases so that scheduled work runs on exactly one instance.
CREATE TABLE byok.leases (
  name        text PRIMARY KEY,
  holder      text NOT NULL,
  expires_at  timestamptz NOT NULL
);
