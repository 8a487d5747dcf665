import { invalidInput } from '../errors/index.js';
import type { UsageRetentionOptions } from '../usage/retention.js';

/** The environment variables that set usage and validation retention. */
export const USAGE_ENV_VARS = [
  'BYOK_USAGE_RETENTION_DAYS',
  'BYOK_VALIDATION_RETENTION_DAYS',
  'BYOK_USAGE_HOURLY_RETENTION_DAYS',
  'BYOK_USAGE_PURGE_BATCH_SIZE',
] as const;

/** A number of days, or `off` / `0` / `forever` to keep rows forever (null); unset: the default. */
function days(env: Record<string, string | undefined>, name: string): number | null | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^(off|0|forever|never)$/i.test(raw)) return null;
  if (!/^\d{1,5}$/.test(raw)) {
    throw invalidInput(`${name} must be a number of days, or "off" to keep rows forever`, { field: name });
  }
  return Number(raw);
}

/**
 * Retention options from the environment (the one place they are read):
 * `BYOK_USAGE_RETENTION_DAYS` (raw usage rows, default 90), `BYOK_VALIDATION_RETENTION_DAYS`
 * (validation results, default 90), `BYOK_USAGE_HOURLY_RETENTION_DAYS` (hourly roll-ups, default
 * kept) — each a number of days or `off` — and `BYOK_USAGE_PURGE_BATCH_SIZE` (rows per DELETE,
 * default 5000). Daily roll-ups are always kept.
 */
export function usageRetentionFromEnv(env: Record<string, string | undefined>): UsageRetentionOptions {
  const options: UsageRetentionOptions = {};
  const raw = days(env, 'BYOK_USAGE_RETENTION_DAYS');
  if (raw !== undefined) options.rawUsageDays = raw;
  const validation = days(env, 'BYOK_VALIDATION_RETENTION_DAYS');
  if (validation !== undefined) options.validationDays = validation;
  const hourly = days(env, 'BYOK_USAGE_HOURLY_RETENTION_DAYS');
  if (hourly !== undefined) options.hourlyRollupDays = hourly;
  const batch = env.BYOK_USAGE_PURGE_BATCH_SIZE?.trim();
  if (batch) {
    if (!/^\d{1,7}$/.test(batch) || Number(batch) < 1) {
      throw invalidInput('BYOK_USAGE_PURGE_BATCH_SIZE must be a positive whole number', {
        field: 'BYOK_USAGE_PURGE_BATCH_SIZE',
      });
    }
    options.batchSize = Number(batch);
  }
  return options;
}
