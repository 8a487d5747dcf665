import { Counter, Gauge, type Registry } from 'prom-client';

/** What the operational gauges read at every scrape. Both must answer quickly and never throw. */
export interface OperationalSources {
  /** True when an encryption master key is configured on this instance. */
  masterKeyConfigured(): boolean;
  /** Resolves true when the database answers a trivial query. */
  databaseUp(): Promise<boolean>;
  /** Running hit and miss counts of the key cache (local tier and Redis). */
  cacheCounts(): { hits: number; misses: number; redisHits: number; redisMisses: number };
}

/** The result of one full audit verification, for `byok_audit_verification_*`. */
export interface AuditVerificationEvent {
  /** Entries checked. */
  entries: number;
  /** Entries (or chain heads) found edited, inserted, deleted or unsealed; 0 when intact. */
  failures: number;
}

/** The gauges the alert rules in `deploy/prometheus/` need beyond the guide's counters. */
export interface OperationalMetrics {
  /** Adds a source read at scrape time; the last one given wins. */
  track(sources: OperationalSources): void;
  onAuditVerification(event: AuditVerificationEvent): void;
}

const DATABASE_PROBE_TIMEOUT_MS = 1_000;

function withTimeout(probe: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return Promise.race([probe.catch(() => false), timeout]).finally(() => clearTimeout(timer));
}

const byRegistry = new WeakMap<Registry, OperationalMetrics>();

/**
 * Registers (once per registry):
 * - `byok_master_key_configured` — 1 when this instance has a master key, else 0
 *   (credential operations answer 503 `ENCRYPTION_NOT_CONFIGURED` while it is 0);
 * - `byok_database_up` — 1 when the database answered a probe during this scrape (1 s timeout);
 * - `byok_audit_verification_failures` — bad entries found by the last full verification
 *   (0 until one has run);
 * - `byok_audit_verification_last_run_timestamp_seconds` — when it ran (0 = never on this instance);
 * - `byok_key_cache_lookups_total{tier,result}` — key-cache lookups, tier `local` or `redis`,
 *   result `hit` or `miss` (read from the cache's running counts at each scrape).
 */
export function createOperationalMetrics(registry: Registry): OperationalMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  let sources: OperationalSources | undefined;

  const masterKey: Gauge = new Gauge({
    name: 'byok_master_key_configured',
    help: 'Whether this instance has an encryption master key (1) or not (0)',
    registers: [registry],
    collect() {
      if (sources) masterKey.set(sources.masterKeyConfigured() ? 1 : 0);
    },
  });
  const database: Gauge = new Gauge({
    name: 'byok_database_up',
    help: 'Whether the database answered a probe during this scrape (1) or not (0)',
    registers: [registry],
    async collect() {
      if (sources) database.set((await withTimeout(sources.databaseUp(), DATABASE_PROBE_TIMEOUT_MS)) ? 1 : 0);
    },
  });
  const auditFailures = new Gauge({
    name: 'byok_audit_verification_failures',
    help: 'Audit entries found edited, inserted, deleted or unsealed by the last full verification',
    registers: [registry],
  });
  const auditLastRun = new Gauge({
    name: 'byok_audit_verification_last_run_timestamp_seconds',
    help: 'Unix time of the last full audit verification on this instance (0 = never)',
    registers: [registry],
  });

  const seen = { local: { hit: 0, miss: 0 }, redis: { hit: 0, miss: 0 } };
  const cacheLookups: Counter<'tier' | 'result'> = new Counter({
    name: 'byok_key_cache_lookups_total',
    help: 'Key-cache lookups by tier (local, redis) and result (hit, miss)',
    labelNames: ['tier', 'result'] as const,
    registers: [registry],
    collect() {
      if (!sources) return;
      const counts = sources.cacheCounts();
      const now = {
        local: { hit: counts.hits, miss: counts.misses },
        redis: { hit: counts.redisHits, miss: counts.redisMisses },
      };
      for (const tier of ['local', 'redis'] as const) {
        for (const result of ['hit', 'miss'] as const) {
          const delta = now[tier][result] - seen[tier][result];
          // A new source starts from zero again: count what it has, never a negative step.
          cacheLookups.inc({ tier, result }, delta >= 0 ? delta : now[tier][result]);
          seen[tier][result] = now[tier][result];
        }
      }
    },
  });

  const metrics: OperationalMetrics = {
    track(next) {
      sources = next;
    },
    onAuditVerification({ failures }) {
      auditFailures.set(Number.isFinite(failures) && failures > 0 ? failures : 0);
      auditLastRun.set(Date.now() / 1000);
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
