-- Audit entries and chain heads authenticated with HMAC-SHA256 under a key derived from the master
-- key (never stored). mac_key names the master key (its fingerprint) whose audit key made the MAC;
-- rows written before this migration have none and keep their SHA-256 links up to legacy_seq.
ALTER TABLE byok.audit_log ADD COLUMN mac_key text;
-- Structured actor: actor holds the id, actor_type says what kind ('user' | 'service' | 'system'),
-- actor_for the user a service acted for.
ALTER TABLE byok.audit_log ADD COLUMN actor_type text;
ALTER TABLE byok.audit_log ADD COLUMN actor_for text;

-- seal: MAC over (chain, seq, hash, anchor, legacy boundary); seal_key: fingerprint of its key.
ALTER TABLE byok.audit_chain_heads ADD COLUMN legacy_seq bigint;
ALTER TABLE byok.audit_chain_heads ADD COLUMN seal text;
ALTER TABLE byok.audit_chain_heads ADD COLUMN seal_key text;

-- One sealed row: how many chains exist and a digest of their names, so that a whole chain
-- deleted with its head is found. Updated only when a chain is created.
CREATE TABLE byok.audit_state (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),
  chains      bigint NOT NULL,
  chain_set   text NOT NULL,
  rebuilt     boolean NOT NULL DEFAULT false,
  seal        text,
  seal_key    text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
