-- Audio time of voice requests (Deepgram bills audio minutes, not tokens).
ALTER TABLE byok.key_usage ADD COLUMN audio_seconds numeric(14, 3);
