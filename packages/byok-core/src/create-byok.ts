import type { AuditLog } from './audit/index.js';
import type { KeyCache } from './cache/index.js';
import type { EncryptionService } from './crypto/index.js';
import { type RewrapOptions, type RewrapReport, rewrapDataKeys } from './keys/rewrap.js';
import type { Logger } from './logging/index.js';
import { BYOKManager } from './manager/byok-manager.js';
import type { BYOKManagerOptions } from './manager/options.js';
import type { ProviderType } from './providers/index.js';
import { BYOKDatabase } from './store/system-database.js';

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
}

export interface BYOKSystem {
  manager: BYOKManager;
  encryption: EncryptionService;
  database: BYOKDatabase;
  cache: KeyCache;
  audit: AuditLog;
  enabledProviders: (ProviderType | `${ProviderType}`)[] | undefined;
  /** Rewraps every data key to the active master key (see `rewrapDataKeys`). */
  rotateMasterKey(options?: RewrapOptions): Promise<RewrapReport>;
  close(): Promise<void>;
}

/**
 * The one place that wires the library together: runs pending migrations, checks the master key
 * against the stored fingerprints, and returns the manager and its services.
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
    ...(options.audit ? { audit: options.audit } : {}),
  });
  const ctx = manager.context;
  const database = new BYOKDatabase(ctx.db);
  if (ctx.encryption.isConfigured) await manager.ready();
  else await database.runMigrations();
  return {
    manager,
    encryption: ctx.encryption,
    database,
    cache: ctx.cache,
    audit: ctx.audit,
    enabledProviders: options.enabledProviders,
    rotateMasterKey: (rewrapOptions) => rewrapDataKeys(ctx.db, ctx.encryption, rewrapOptions),
    close: () => manager.close(),
  };
}
