import type { CacheStats } from '../cache/index.js';
import { statsStore } from '../store/stats-store.js';
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
  const [t, byProvider, v] = await Promise.all([
    statsStore.keyTotals(db),
    statsStore.keysByProvider(db),
    statsStore.validationsLastDay(db),
  ]);
  const total24h = v.total;
  const failures24h = v.failures;
  return {
    users: { total: t.usersTotal, withKeys: t.usersWithKeys },
    keys: {
      total: t.keysTotal,
      active: t.keysActive,
      invalid: t.keysInvalid,
      disabled: t.keysDisabled,
      revoked: t.keysRevoked,
      byProvider,
    },
    validation: {
      total24h,
      successRate: total24h === 0 ? 1 : (total24h - failures24h) / total24h,
      failures24h,
    },
    performance: {
      averageResponseTime: Math.round(v.averageMs * 10) / 10,
      cacheHitRate: cache.getStats().hitRate,
    },
    timestamp: new Date(),
  };
}
