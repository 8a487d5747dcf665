import type { Registry } from 'prom-client';
import type { InvalidationBus, RedisLike } from '../cache/index.js';
import type { Logger } from '../logging/index.js';
import type { KeyData, ProviderType } from '../providers/index.js';
import type { QuotaOptions } from '../quotas/index.js';

/** Options of `new BYOKManager(options)`; the shape the spec's samples use. */
export interface BYOKManagerOptions {
  /** Master key that encrypts (≥ 32 characters). Falls back to `BYOK_ENCRYPTION_KEY`, then `ENCRYPTION_MASTER_KEY`. */
  encryptionKey?: string | undefined;
  /** Older master keys that may only decrypt. Falls back to `BYOK_DECRYPTION_KEYS`. */
  decryptionKeys?: string[];
  /**
   * Reading credentials in the spec's legacy `iv:authTag:ciphertext` format (bound to no row).
   * Default: only while some are left — each is upgraded to the bound format on first read, and
   * once none is left (`byok migrate status`) they are refused. `true` reads them always (e.g. to
   * import old data later), `false` never.
   */
  allowLegacyCiphertext?: boolean | undefined;
  database: {
    /** A `pg.Client`, a `pg.Pool` or a PGlite: anything with `query(text, params)`. */
    client: unknown;
    /** Apply pending migrations on first use (under an advisory lock). Default true. */
    migrate?: boolean;
  };
  cache?: {
    /** Redis as the shared second cache level and the invalidation bus. */
    redis?:
      | {
          /** An ioredis client (the library uses it, never closes it). */
          client: RedisLike | unknown;
          /** Prefix of every Redis key the cache writes. Default `byok:`. */
          keyPrefix?: string;
        }
      | undefined;
    /** Seconds a cached ciphertext row lives; 0 turns caching off. Default 300 (`BYOK_CACHE_TTL`). */
    ttl?: number;
    /** Entries the in-process cache holds at most (least recently used go first). */
    maxEntries?: number;
    /**
     * How instances tell each other about changes. Chosen by default from what is given: Redis
     * pub/sub with `redis`, else PostgreSQL LISTEN/NOTIFY on a `pg` pool or client, else
     * in-process (PGlite). Give one to share it (the caller then closes it).
     */
    invalidationBus?: InvalidationBus;
  };
  validation?: {
    /** Periodic validation of stored keys. Default true (`BYOK_ENABLE_VALIDATION`). */
    enabled?: boolean;
    /** true (default bound 10), false (one at a time) or the number of keys tested at once. */
    parallelValidation?: boolean | number;
    /** Hard limit of one validation request, in ms. Default 10,000 (`BYOK_VALIDATION_TIMEOUT`). */
    timeout?: number;
  };
  audit?: {
    /** Per-hour key access counts; change entries are always written (they cannot be turned off). */
    enabled?: boolean;
    /** Days audit entries are kept. Default 2555 (`BYOK_AUDIT_RETENTION_DAYS`). */
    retentionDays?: number;
    /** How often the hourly access counts are written, in ms. Default 5000. */
    accessFlushIntervalMs?: number;
  };
  fallback?: {
    /** Serving the application's own (system) key when a user has none. Default true (`BYOK_ENABLE_FALLBACK`). */
    enabled?: boolean;
    /** The system keys per provider; unset fields are read from `SYSTEM_<PROVIDER>_KEY` variables. */
    systemKeys?: Partial<Record<`${ProviderType}`, Partial<KeyData> | undefined>>;
  };
  /**
   * Per-owner limits (keys per owner, workspaces per user, members per workspace, keys per
   * validate-all call); a write past one fails with `QUOTA_EXCEEDED` (403).
   */
  quotas?: QuotaOptions;
  /**
   * The providers this deployment allows (default: every one). Any other is refused with
   * PROVIDER_NOT_ENABLED by `addKey`, `getActiveKey`, the fallback chain and the integrations.
   */
  enabledProviders?: (ProviderType | `${ProviderType}`)[] | undefined;
  /** Base-URL overrides per provider, e.g. `{ openai: { baseUrl: 'http://127.0.0.1:9999/openai' } }`. */
  providers?: Partial<Record<`${ProviderType}`, { baseUrl?: string }>>;
  /** A pino logger; by default one at `BYOK_LOG_LEVEL` (else info) with every credential field redacted. */
  logger?: Logger;
  /** Where the Prometheus metrics go; a registry of their own by default. */
  metrics?: {
    /** A prom-client registry to register the metrics in. */
    registry?: Registry;
  };
  alerts?: {
    /**
     * Deliver alert webhooks to this machine and private networks. Default false: a webhook host is
     * resolved and refused when any address is not public, and the connection is pinned to the
     * checked address. Turn it on for development only.
     */
    allowPrivateWebhookHosts?: boolean;
  };
}
