/**
 * The one wiring place: every service of a manager is built here, once, from the resolved
 * configuration. `new BYOKManager` and `createBYOKForStack2025` both come through here.
 */
import { AlertService } from './alerts/index.js';
import { AccessCounter, AuditLog } from './audit/index.js';
import {
  chooseInvalidationBus,
  createKeyCache,
  type InvalidationBus,
  type KeyCache,
  type RedisLike,
} from './cache/index.js';
import { alertSettingsFromEnv } from './config/alerts-env.js';
import type { ResolvedConfig } from './config/index.js';
import { validationAndFallbackSettingsFromEnv } from './config/validation-fallback-env.js';
import { EncryptionService } from './crypto/index.js';
import { FallbackManager } from './fallback/index.js';
import { GatewayTokenService } from './gateway/token-service.js';
import { DataKeyService } from './keys/data-keys.js';
import { KeyService } from './keys/key-service.js';
import { createLogger, type Logger } from './logging/index.js';
import type { BYOKManagerOptions } from './manager/options.js';
import { type BYOKMetrics, createMetrics } from './metrics/prometheus.js';
import { todaysUsageByProvider } from './metrics/usage-totals.js';
import { WorkspaceService } from './owners/workspace-service.js';
import { type Quotas, resolveQuotas } from './quotas/index.js';
import { guardIdleConnectionErrors, toDatabase } from './store/database.js';
import { DatabaseMigration } from './store/migrator.js';
import type { Database } from './store/types.js';
import { UsageService } from './usage/index.js';
import { UsageWriter } from './usage/usage-writer.js';
import { KeyValidator } from './validation/index.js';

/** Everything one manager (and its debug views) share. @internal */
export interface ManagerContext {
  /** The options after the configuration step (environment-backed values filled in). */
  options: BYOKManagerOptions;
  config: ResolvedConfig;
  db: Database;
  encryption: EncryptionService;
  dataKeys: DataKeyService;
  cache: KeyCache;
  /** Carries invalidations between instances (key rows on channel `cache`; other parts may add channels). */
  invalidations: InvalidationBus;
  /** Whether `close()` closes `invalidations` (false when the caller gave it). */
  ownsInvalidations: boolean;
  audit: AuditLog;
  access: AccessCounter;
  workspaces: WorkspaceService;
  alerts: AlertService;
  usage: UsageService;
  gatewayTokens: GatewayTokenService;
  /** The batched usage writer (group commit) the gateway and `recordUsage` hand their usage to; `close()` flushes it. */
  usageWriter: UsageWriter;
  metrics: BYOKMetrics;
  logger: Logger;
  quotas: Quotas;
  ready: () => Promise<void>;
  isReady: () => boolean;
  counters: { decryptionErrors: Map<string, number> };
}

/** Builds the services one manager and its debug views share. @internal */
export function wireContext(config: ResolvedConfig): ManagerContext {
  const options = config.options;
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const db = toDatabase(options.database?.client);
  guardIdleConnectionErrors(options.database?.client, logger);
  const encryption = new EncryptionService({
    encryptionKey: config.encryptionKey,
    decryptionKeys: config.decryptionKeys,
  });
  if (!encryption.isConfigured) {
    logger.warn(
      'ENCRYPTION_MASTER_KEY not configured (or shorter than 32 characters): credential operations will fail until it is set',
    );
  }
  const audit = new AuditLog(db, { keys: encryption, retentionDays: config.auditRetentionDays });
  const dataKeys = new DataKeyService(db, encryption);
  const quotas = resolveQuotas(options.quotas);
  const metrics = createMetrics(options.metrics?.registry);
  const alertSettings = alertSettingsFromEnv(config.env);
  const alerts = new AlertService({
    ...alertSettings,
    db,
    audit,
    logger,
    dataKeys,
    webhook: {
      ...alertSettings.webhook,
      allowPrivateHosts: options.alerts?.allowPrivateWebhookHosts ?? false,
    },
  });
  // The one batched writer: the gateway's usage and `recordUsage` both go through it.
  const usageWriter = new UsageWriter({
    db,
    logger,
    alerts,
    onCommitted: (events) => {
      for (const totals of todaysUsageByProvider(events, Date.now())) metrics.onUsage(totals);
    },
  });
  const usage = new UsageService({ db, writer: usageWriter });
  let readyFlag = false;
  let readyPromise: Promise<void> | undefined;
  const ready = () => {
    readyPromise ??= (async () => {
      await encryption.ready();
      if (options.database?.migrate !== false) await new DatabaseMigration(db).runMigrations();
      await dataKeys.checkMasterKey();
      await audit.prepare();
      readyFlag = true;
    })();
    return readyPromise;
  };
  const redis = options.cache?.redis;
  const keyCacheOptions = {
    ttl: config.cacheTtl,
    logger,
    ...(options.cache?.maxEntries ? { maxEntries: options.cache.maxEntries } : {}),
    ...(redis?.client
      ? {
          redis: {
            client: redis.client as RedisLike,
            ...(redis.keyPrefix ? { keyPrefix: redis.keyPrefix } : {}),
          },
        }
      : {}),
  };
  const invalidations =
    options.cache?.invalidationBus ??
    chooseInvalidationBus({
      databaseClient: options.database?.client,
      db,
      redis: keyCacheOptions.redis,
      logger,
    });
  const cache = createKeyCache({ ...keyCacheOptions, bus: invalidations });
  return {
    options,
    config,
    db,
    encryption,
    dataKeys,
    cache,
    invalidations,
    ownsInvalidations: options.cache?.invalidationBus === undefined,
    audit,
    access: new AccessCounter(db, {
      logger,
      enabled: options.audit?.enabled !== false,
      ...(options.audit?.accessFlushIntervalMs
        ? { flushIntervalMs: options.audit.accessFlushIntervalMs }
        : {}),
    }),
    workspaces: new WorkspaceService(db, audit, quotas),
    alerts,
    usage,
    gatewayTokens: new GatewayTokenService({ db, audit, cache }),
    usageWriter,
    metrics,
    logger,
    quotas,
    ready,
    isReady: () => readyFlag,
    counters: { decryptionErrors: new Map() },
  };
}

/** The services a manager view builds over a shared context (a debug view has its own logger). @internal */
export interface ManagerServices {
  keys: KeyService;
  validator: KeyValidator;
  fallback: FallbackManager;
}

/**
 * Builds the key service, validator and fallback manager of one manager view over `ctx`.
 * `ready` is awaited before each of their operations. @internal
 */
export function wireManagerServices(ctx: ManagerContext, ready: () => Promise<void>): ManagerServices {
  const keys = new KeyService({
    db: ctx.db,
    encryption: ctx.encryption,
    dataKeys: ctx.dataKeys,
    cache: ctx.cache,
    audit: ctx.audit,
    access: ctx.access,
    logger: ctx.logger,
    maxKeysPerOwner: ctx.quotas.maxKeysPerOwner,
    allowLegacyCiphertext: ctx.options.allowLegacyCiphertext,
    onDecryptionError: (provider) => {
      ctx.counters.decryptionErrors.set(provider, (ctx.counters.decryptionErrors.get(provider) ?? 0) + 1);
      ctx.metrics.onDecryptionError(provider);
    },
  });
  const shared = {
    db: ctx.db,
    keys,
    audit: ctx.audit,
    cache: ctx.cache,
    logger: ctx.logger,
    options: ctx.options,
    metrics: ctx.metrics,
    ready,
  };
  const settings = validationAndFallbackSettingsFromEnv(ctx.config.env);
  return {
    keys,
    validator: new KeyValidator({ ...shared, settings: settings.validation }),
    fallback: new FallbackManager({ ...shared, settings: settings.fallback, access: ctx.access }),
  };
}
