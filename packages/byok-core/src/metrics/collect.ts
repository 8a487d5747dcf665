import type { CacheStats } from '../cache/index.js';
import type { SqlClient } from '../store/types.js';

/** A snapshot of the whole installation, for dashboards and the spec's "Metrics Collection". */
export interface BYOKMetricsSnapshot {
  users: {
    /** Rows in `byok.users`. */
    total: number;
    /** Users who own at least one key that is not revoked. */
    withKeys: number;
  };
  keys: {
    /** Every key row, revoked ones included; `active + invalid + disabled + revoked`. */
    total: number;
    active: number;
    invalid: number;
    disabled: number;
    revoked: number;
    /** Key rows per provider (all statuses); providers without keys are absent. */
    byProvider: Record<string, number>;
  };
  validation: {
    /** Validations recorded in the last 24 hours. */
    total24h: number;
    /** Share (0–1) of those that succeeded; 1 when there were none (nothing failed). */
    successRate: number;
    failures24h: number;
  };
  performance: {
    /** Mean provider response time of the validations of the last 24 hours, in ms; 0 when none. */
    averageResponseTime: number;
    /** Hit rate (0–1) of this process's key cache since start. */
    cacheHitRate: number;
  };
  timestamp: Date;
}

/** The parts of a `BYOKManager` the snapshot reads (any manager fits). */
export interface MetricsSource {
  context: { db: SqlClient; cache: { getStats(): CacheStats } };
}

/**
 * Counts users, keys and recent validations with three SQL statements on the manager's database
 * (one round trip each; indexes on `key_validations.created_at` keep the 24-hour window cheap).
 * Identifies nobody: only totals leave this function.
 * @example
 * import { collectBYOKMetrics } from '@stack-2025/byok-core/metrics';
 * const metrics = await collectBYOKMetrics(byokManager);
 * console.log('Active keys:', metrics.keys.active);
 */
export async function collectBYOKMetrics(manager: MetricsSource): Promise<BYOKMetricsSnapshot> {
  const { db, cache } = manager.context;
  const [totals, providers, validations] = await Promise.all([
    db.query<Record<string, string | number>>(
      `SELECT (SELECT count(*) FROM byok.users) AS users_total,
              (SELECT count(DISTINCT owner_id) FROM byok.keys WHERE owner_type = 'user' AND status <> 'revoked') AS users_with_keys,
              count(*) AS keys_total,
              count(*) FILTER (WHERE status = 'active') AS keys_active,
              count(*) FILTER (WHERE status = 'invalid') AS keys_invalid,
              count(*) FILTER (WHERE status = 'disabled') AS keys_disabled,
              count(*) FILTER (WHERE status = 'revoked') AS keys_revoked
         FROM byok.keys`,
    ),
    db.query<{ provider: string; count: string | number }>(
      'SELECT provider, count(*) AS count FROM byok.keys GROUP BY provider ORDER BY provider',
    ),
    db.query<Record<string, string | number | null>>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE NOT is_valid) AS failures,
              avg(response_time_ms) AS average_ms
         FROM byok.key_validations
        WHERE created_at > now() - interval '24 hours'`,
    ),
  ]);
  const t = totals.rows[0] ?? {};
  const v = validations.rows[0] ?? {};
  const n = (value: string | number | null | undefined): number => Number(value ?? 0) || 0;
  const total24h = n(v.total);
  const failures24h = n(v.failures);
  return {
    users: { total: n(t.users_total), withKeys: n(t.users_with_keys) },
    keys: {
      total: n(t.keys_total),
      active: n(t.keys_active),
      invalid: n(t.keys_invalid),
      disabled: n(t.keys_disabled),
      revoked: n(t.keys_revoked),
      byProvider: Object.fromEntries(providers.rows.map((row) => [row.provider, n(row.count)])),
    },
    validation: {
      total24h,
      successRate: total24h === 0 ? 1 : (total24h - failures24h) / total24h,
      failures24h,
    },
    performance: {
      averageResponseTime: Math.round(n(v.average_ms) * 10) / 10,
      cacheHitRate: cache.getStats().hitRate,
    },
    timestamp: new Date(),
  };
}
