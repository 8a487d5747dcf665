-- One-way facts about this database that every instance must agree on (not configuration).
CREATE TABLE byok.system_flags (
  name    text PRIMARY KEY,
  set_at  timestamptz NOT NULL DEFAULT now()
);

-- No credential in the spec's legacy `iv:authTag:ciphertext` format is left: from now on such a
-- value is refused (it is bound to no row, so one copied onto another owner's row would decrypt
-- there) unless an operator turns legacy reads back on. A fresh database has none to begin with.
INSERT INTO byok.system_flags (name)
SELECT 'legacy_ciphertext_none_left'
 WHERE NOT EXISTS (SELECT 1 FROM byok.keys WHERE status <> 'revoked' AND ciphertext NOT LIKE 'ck1:%');
