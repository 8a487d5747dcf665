-- Each run of the environment-variable import: which keys it added, so that it can be undone.
CREATE TABLE byok.env_imports (
  id              text PRIMARY KEY,
  owner_type      text NOT NULL,
  owner_id        text NOT NULL,
  added_key_ids   text[] NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  rolled_back_at  timestamptz
);
CREATE INDEX env_imports_owner_idx ON byok.env_imports (owner_type, owner_id, created_at);
