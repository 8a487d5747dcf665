import type { CreatedUsageAlert, CreateUsageAlertInput, UsageAlert } from './alerts/index.js';
import type { AuditLog, RequestContext } from './audit/index.js';
import type { InvalidationBus, KeyCache, RedisLike } from './cache/index.js';
import type { EncryptionService } from './crypto/index.js';
import type { FallbackManager } from './fallback/index.js';
import { registerSystemForHealth, unregisterSystemForHealth } from './health/index.js';
import {
  type IncidentReportEvent,
  type IncidentSummary,
  incidentReport,
  type StartIncidentInput,
  startIncident,
} from './keys/incidents.js';
import { cacheKeysFor } from './keys/key-rows.js';
import { type RewrapOptions, type RewrapReport, rewrapDataKeys } from './keys/rewrap.js';
import type { OwnerSelector } from './keys/types.js';
import type { Logger } from './logging/index.js';
import { BYOKManager } from './manager/byok-manager.js';
import type { BYOKManagerOptions } from './manager/options.js';
import type { BYOKMetrics } from './metrics/prometheus.js';
import type { ProviderType } from './providers/index.js';
import { keysStore } from './store/keys-store.js';
import { statsStore } from './store/stats-store.js';
import { BYOKDatabase } from './store/system-database.js';
import type { KeyValidator } from './validation/index.js';

export interface CreateBYOKOptions {
  encryptionKey?: string | undefined;
  decryptionKeys?: string[];
  /** A `pg.Client`, `pg.Pool` or PGlite. */
  postgresClient: unknown;
  /** An ioredis client; optional. */
  redisClient?: unknown;
  enabledProviders?: (ProviderType | `${ProviderType}`)[];
  cacheTtl?: number;
  logger?: Logger;
  validation?: BYOKManagerOptions['validation'];
  fallback?: BYOKManagerOptions['fallback'];
  providers?: BYOKManagerOptions['providers'];
  audit?: BYOKManagerOptions['audit'];
  metrics?: BYOKManagerOptions['metrics'];
  alerts?: BYOKManagerOptions['alerts'];
  /** Per-owner quotas (keys, workspaces, members, validate-all fan-out); see `QuotaOptions`. */
  quotas?: BYOKManagerOptions['quotas'];
  /** See `BYOKManagerOptions.allowLegacyCiphertext` (`BYOK_ALLOW_LEGACY_CIPHERTEXT`). */
  allowLegacyCiphertext?: boolean | undefined;
}

/** The `database` part of a system: statistics, migrations and usage alerts. */
export interface BYOKSystemDatabase extends BYOKDatabase {
  createUsageAlert(input: CreateUsageAlertInput, context?: RequestContext): Promise<CreatedUsageAlert>;
  listUsageAlerts(owner: string | OwnerSelector): Promise<UsageAlert[]>;
  deleteUsageAlert(alertId: string, owner: string | OwnerSelector, context?: RequestContext): Promise<void>;
  /** A new webhook signing secret for the alert, returned once; the old one stops signing at once. */
  rotateUsageAlertSecret(
    alertId: string,
    owner: string | OwnerSelector,
    context?: RequestContext,
  ): Promise<{ alert: UsageAlert; signingSecret: string }>;
}

export interface BYOKSystem {
  manager: BYOKManager;
  encryption: EncryptionService;
  database: BYOKSystemDatabase;
  cache: KeyCache;
  /** The bus that carries invalidations between instances; reuse it for other revocable things (channel + id). */
  invalidations: InvalidationBus;
  audit: AuditLog;
  validator: KeyValidator;
  fallback: FallbackManager;
  metrics: BYOKMetrics;
  /** The Redis client given to `createBYOKForStack2025`, for callers that share state through it (rate limits). */
  redis: RedisLike | undefined;
  enabledProviders: (ProviderType | `${ProviderType}`)[] | undefined;
  /**
   * Replaces the master keys of this process (a re-read secret: `SIGHUP` in the server). The new
   * ring must read every stored data key, as at start-up, or nothing changes. Returns the active
   * key's fingerprint.
   */
  reloadMasterKeys(keys: { encryptionKey: string; decryptionKeys?: readonly string[] }): Promise<string>;
  /**
   * The key-compromise procedure's second step: marks the keys of `owners` (or of everyone)
   * compromised so they are no longer served until re-entered, audited, and notifies each owner
   * through their alert channels. See `byok incident start`.
   */
  startIncident(input: StartIncidentInput): Promise<IncidentSummary>;
  /** Every use and audited action of every key in a time window (`byok incident report`). */
  incidentReport(window: { since: Date; until?: Date }): Promise<IncidentReportEvent[]>;
  /** Rewraps every data key under the active master key, then re-seals the audit log under it. */
  rotateMasterKey(
    options?: RewrapOptions,
  ): Promise<RewrapReport & { auditResealed?: { chains: number; entries: number; failed: string[] } }>;
  close(): Promise<void>;
}

/**
 * The library entry: builds a manager (whose construction runs the configuration step and the
 * wiring in `wiring.ts`), runs pending migrations, checks the master key against the stored
 * fingerprints, and returns the manager and its services.
 */
export async function createBYOKForStack2025(options: CreateBYOKOptions): Promise<BYOKSystem> {
  const manager = new BYOKManager({
    encryptionKey: options.encryptionKey,
    ...(options.decryptionKeys ? { decryptionKeys: options.decryptionKeys } : {}),
    database: { client: options.postgresClient },
    cache: {
      ...(options.redisClient ? { redis: { client: options.redisClient } } : {}),
      ...(options.cacheTtl !== undefined ? { ttl: options.cacheTtl } : {}),
    },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.validation ? { validation: options.validation } : {}),
    ...(options.fallback ? { fallback: options.fallback } : {}),
    ...(options.providers ? { providers: options.providers } : {}),
    ...(options.enabledProviders ? { enabledProviders: options.enabledProviders } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.alerts ? { alerts: options.alerts } : {}),
    ...(options.quotas ? { quotas: options.quotas } : {}),
    allowLegacyCiphertext: options.allowLegacyCiphertext,
  });
  const ctx = manager.context;
  const alerts = ctx.alerts;
  const database: BYOKSystemDatabase = Object.assign(new BYOKDatabase(ctx.db), {
    createUsageAlert: (input: CreateUsageAlertInput, context?: RequestContext) =>
      alerts.createUsageAlert(input, context),
    listUsageAlerts: (owner: string | OwnerSelector) => alerts.listUsageAlerts(owner),
    deleteUsageAlert: (alertId: string, owner: string | OwnerSelector, context?: RequestContext) =>
      alerts.deleteUsageAlert(alertId, owner, context),
    rotateUsageAlertSecret: (alertId: string, owner: string | OwnerSelector, context?: RequestContext) =>
      alerts.rotateSigningSecret(alertId, owner, context),
  });
  if (ctx.encryption.isConfigured) await manager.ready();
  else await database.runMigrations();
  const system: BYOKSystem = {
    manager,
    encryption: ctx.encryption,
    database,
    cache: ctx.cache,
    invalidations: ctx.invalidations,
    audit: ctx.audit,
    validator: manager.validator,
    fallback: manager.fallback,
    metrics: ctx.metrics,
    redis: options.redisClient as RedisLike | undefined,
    enabledProviders: options.enabledProviders,
    startIncident: (input) =>
      startIncident({ db: ctx.db, audit: ctx.audit, cache: ctx.cache, alerts: ctx.alerts }, input),
    incidentReport: (window) => incidentReport(ctx.db, window),
    async reloadMasterKeys(keys) {
      await ctx.encryption.replaceKeys(keys.encryptionKey, keys.decryptionKeys ?? [], (ring) =>
        ctx.dataKeys.checkMasterKey(ring),
      );
      return ctx.encryption.keyring.active.fingerprint;
    },
    async rotateMasterKey(rewrapOptions) {
      const report = await rewrapDataKeys(ctx.db, ctx.encryption, {
        allowLegacyCiphertext: ctx.options.allowLegacyCiphertext,
        ...rewrapOptions,
      });
      // Rows whose ciphertext changed must not be served from a stale cache entry anywhere.
      const rows = await keysStore.identities(ctx.db, report.legacyUpgraded);
      await ctx.cache.invalidate(rows.flatMap(cacheKeysFor));
      // The audit log is sealed by a key derived from the master key: re-seal it under the new one
      // once every data key is, so that the old key can go (chains that fail to verify are kept as is).
      if (report.completed && !report.dryRun) {
        const auditResealed = await ctx.audit.reseal();
        return { ...report, auditResealed };
      }
      return report;
    },
    close: async () => {
      unregisterSystemForHealth(system);
      await manager.close();
    },
  };
  ctx.metrics.operational.track({
    masterKeyConfigured: () => ctx.encryption.isConfigured,
    databaseUp: async () => {
      await statsStore.ping(ctx.db);
      return true;
    },
    cacheCounts: () => {
      const stats = ctx.cache.getStats();
      return {
        hits: stats.hits,
        misses: stats.misses,
        redisHits: stats.redis.hits,
        redisMisses: stats.redis.misses,
      };
    },
  });
  // The spec calls `checkKeyRotationStatus()` with no argument: it reads the system made last.
  registerSystemForHealth(system);
  return system;
}
