-- Security incidents (`byok incident start`): keys marked compromised are no longer served until
-- their owner enters the secret again.
CREATE TABLE byok.incidents (
  id                  text PRIMARY KEY,
  reason              text NOT NULL,
  scope               jsonb NOT NULL,
  started_by          text NOT NULL,
  master_fingerprint  text,
  keys_marked         integer NOT NULL DEFAULT 0,
  started_at          timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE byok.keys DROP CONSTRAINT keys_status_check;
ALTER TABLE byok.keys ADD CONSTRAINT keys_status_check
  CHECK (status IN ('active', 'disabled', 'invalid', 'revoked', 'compromised'));
ALTER TABLE byok.keys ADD COLUMN compromised_at timestamptz;
ALTER TABLE byok.keys ADD COLUMN compromise_incident text;
