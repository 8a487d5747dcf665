import { invalidInput } from '../errors/index.js';
import type { Database } from '../store/types.js';
import type { UsageStore } from '../store/usage-store.js';

const DAY_MS = 86_400_000;

/**
 * How long raw rows are kept. Daily roll-ups (`byok.usage_daily`) are always kept, so analytics
 * over purged days stay exact; `null` keeps that kind of row forever.
 */
export interface UsageRetentionOptions {
  /** Days of raw `byok.key_usage` rows kept. Default 90. */
  rawUsageDays?: number | null;
  /** Days of `byok.key_validations` results kept. Default 90. */
  validationDays?: number | null;
  /** Days of hourly roll-ups kept (hourly buckets older than that read as empty). Default null: kept. */
  hourlyRollupDays?: number | null;
  /** Rows per DELETE statement, each its own short transaction, so no table is locked long. Default 5,000. */
  batchSize?: number;
}

/** Rows one retention run deleted. */
export interface UsagePurgeResult {
  rawUsage: number;
  validations: number;
  hourlyRollups: number;
}

export const DEFAULT_USAGE_RETENTION = {
  rawUsageDays: 90,
  validationDays: 90,
  hourlyRollupDays: null,
  batchSize: 5000,
} as const satisfies Required<UsageRetentionOptions>;

function checkDays(name: string, value: number | null | undefined): void {
  if (value === null || value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > 36_500) {
    throw invalidInput(`${name} must be a whole number of days from 1 to 36500, or null to keep forever`, {
      field: name,
    });
  }
}

/** Fills in the defaults and checks the numbers. */
export function resolveUsageRetention(options: UsageRetentionOptions = {}): Required<UsageRetentionOptions> {
  checkDays('rawUsageDays', options.rawUsageDays);
  checkDays('validationDays', options.validationDays);
  checkDays('hourlyRollupDays', options.hourlyRollupDays);
  const batchSize = options.batchSize ?? DEFAULT_USAGE_RETENTION.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
    throw invalidInput('batchSize must be a whole number from 1 to 1000000', { field: 'batchSize' });
  }
  return {
    rawUsageDays:
      options.rawUsageDays === undefined ? DEFAULT_USAGE_RETENTION.rawUsageDays : options.rawUsageDays,
    validationDays:
      options.validationDays === undefined ? DEFAULT_USAGE_RETENTION.validationDays : options.validationDays,
    hourlyRollupDays: options.hourlyRollupDays ?? null,
    batchSize,
  };
}

/** The cutoff `days` before `now`, on a UTC day boundary (purged ranges are whole days of roll-ups). */
const cutoff = (now: Date, days: number): Date =>
  new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - days * DAY_MS);

/**
 * Deletes raw usage rows, validation results and (when configured) hourly roll-ups older than their
 * retention, in batches of `batchSize` rows per statement. Daily roll-ups stay.
 */
export async function purgeExpiredUsage(
  db: Database,
  store: UsageStore,
  options: UsageRetentionOptions = {},
  now: Date = new Date(),
): Promise<UsagePurgeResult> {
  const retention = resolveUsageRetention(options);
  const batchSize = retention.batchSize;
  return {
    rawUsage:
      retention.rawUsageDays === null
        ? 0
        : await store.purgeRawUsage(db, { before: cutoff(now, retention.rawUsageDays), batchSize }),
    validations:
      retention.validationDays === null
        ? 0
        : await store.purgeValidations(db, { before: cutoff(now, retention.validationDays), batchSize }),
    hourlyRollups:
      retention.hourlyRollupDays === null
        ? 0
        : await store.purgeHourlyRollups(db, { before: cutoff(now, retention.hourlyRollupDays), batchSize }),
  };
}
