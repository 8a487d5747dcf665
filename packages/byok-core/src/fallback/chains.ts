import { type AuditLog, defaultActor, type RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { invalidInput, keyNotFound, parseInput } from '../errors/index.js';
import type { Logger } from '../logging/index.js';
import type { BYOKManagerOptions } from '../manager/options.js';
import { Environment, type ProviderType } from '../providers/index.js';
import type { ChainScope, FallbackStore, StoredChain } from '../store/fallback-store.js';
import type { Database } from '../store/types.js';
import { fallbackChainSchema as chainSchema } from './schemas.js';
import type { FallbackChain, FallbackChainConfig } from './types.js';

export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 1000;

/** What the chain service needs. */
export interface FallbackChainsDeps {
  db: Pick<Database, 'transaction'>;
  store: Pick<FallbackStore, 'findChain' | 'upsertChain' | 'findOwnerKeys'>;
  audit: Pick<AuditLog, 'append'>;
  cache: Pick<KeyCache, 'peek' | 'load' | 'announce' | 'invalidate'>;
  logger: Logger;
  /** Reads `fallback.enabled` (system fallback in the default chain). */
  options?: Pick<BYOKManagerOptions, 'fallback'> | undefined;
}

type CachedChain = { row: StoredChain | null };

const chainCacheKey = ({ owner, provider, environment }: ChainScope): string =>
  `fallback:${owner.type}:${owner.id}:${provider}:${environment}`;

/** The environment, checked: one of `Environment`'s values. */
export function checkedEnvironment(value: string): Environment {
  const environments: readonly string[] = Object.values(Environment);
  if (!environments.includes(value)) {
    throw invalidInput(`environment must be one of ${environments.join(', ')}`, { field: 'environment' });
  }
  return value as Environment;
}

/**
 * Fallback chains: stores them (each change with its `fallback.configured` audit entry, in one
 * transaction, announced to every instance's cache) and reads the chain in force, through the cache.
 */
export class FallbackChains {
  readonly #d: FallbackChainsDeps;

  constructor(deps: FallbackChainsDeps) {
    this.#d = deps;
  }

  /**
   * Stores the chain of an owner for a provider and environment, replacing any earlier one.
   * @throws BYOKError `KEY_NOT_FOUND` for a key id that is not this owner's; `INVALID_INPUT` for a
   *   key of another provider or environment, a revoked key, a duplicate, or out-of-range numbers.
   */
  async configure(
    owner: Owner,
    provider: ProviderType,
    environment: Environment,
    config: FallbackChainConfig,
    context?: RequestContext,
  ): Promise<FallbackChain> {
    const parsed = parseInput(chainSchema, config, 'fallback chain');
    const sequence = parsed.fallbackSequence ?? [];
    const ids = [...(parsed.primaryKeyId ? [parsed.primaryKeyId] : []), ...sequence];
    if (new Set(ids).size !== ids.length) {
      throw invalidInput('A key may appear only once in a fallback chain (primary and sequence together)', {
        field: 'fallbackSequence',
      });
    }
    const scope: ChainScope = { owner, provider, environment };
    const cacheKey = chainCacheKey(scope);
    const stored = await this.#d.db.transaction(async (tx) => {
      if (ids.length > 0) {
        const found = new Map((await this.#d.store.findOwnerKeys(owner, ids, {}, tx)).map((r) => [r.id, r]));
        for (const id of ids) {
          const key = found.get(id);
          // Another owner's key is "not found", exactly like one that does not exist.
          if (!key) throw keyNotFound(id);
          if (key.provider !== provider || key.environment !== environment) {
            throw invalidInput(
              `Key ${id} is a ${key.provider} key for ${key.environment}; this chain is for ${provider} in ${environment}`,
              { keyId: id },
            );
          }
          if (key.status === 'revoked') throw invalidInput(`Key ${id} is revoked`, { keyId: id });
        }
      }
      const row = await this.#d.store.upsertChain(
        scope,
        {
          primaryKeyId: parsed.primaryKeyId ?? null,
          fallbackSequence: sequence,
          useSystemFallback: parsed.useSystemFallback ?? false,
          maxRetries: parsed.maxRetries ?? DEFAULT_MAX_RETRIES,
          retryDelayMs: parsed.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        },
        tx,
      );
      await this.#d.audit.append(tx, {
        action: 'fallback.configured',
        targetType: 'fallback_chain',
        targetId: `${provider}:${environment}`,
        owner,
        context: { ...context, actor: context?.actor ?? defaultActor(owner) },
        details: {
          provider,
          environment,
          primaryKeyId: row.primaryKeyId,
          fallbackSequence: row.fallbackSequence,
          useSystemFallback: row.useSystemFallback,
          maxRetries: row.maxRetries,
          retryDelayMs: row.retryDelayMs,
        },
      });
      await this.#d.cache.announce(tx, [cacheKey]);
      return row;
    });
    await this.#d.cache.invalidate([cacheKey], { announced: true });
    this.#d.logger.debug({ provider, environment, keys: ids.length }, 'fallback chain configured');
    return toChain(scope, stored);
  }

  /**
   * The chain in force: the stored one, or the default (`configured: false`: no primary, no
   * sequence, 3 retries 1 s apart, system fallback when `fallback.enabled` is true).
   */
  async get(owner: Owner, provider: ProviderType, environment: Environment): Promise<FallbackChain> {
    const scope: ChainScope = { owner, provider, environment };
    const cacheKey = chainCacheKey(scope);
    const cached =
      this.#d.cache.peek<CachedChain>(cacheKey) ??
      (await this.#d.cache.load<CachedChain>(cacheKey, async () => ({
        row: await this.#d.store.findChain(scope),
      })));
    return this.#inForce(owner, provider, environment, cached);
  }

  /** {@link get} without waiting, when the chain is in memory; undefined when it is not. */
  peek(owner: Owner, provider: ProviderType, environment: Environment): FallbackChain | undefined {
    const cached = this.#d.cache.peek<CachedChain>(chainCacheKey({ owner, provider, environment }));
    return cached ? this.#inForce(owner, provider, environment, cached) : undefined;
  }

  #inForce(
    owner: Owner,
    provider: ProviderType,
    environment: Environment,
    cached: CachedChain,
  ): FallbackChain {
    if (cached.row) return toChain({ owner, provider, environment }, cached.row);
    return {
      owner,
      provider,
      environment,
      primaryKeyId: null,
      fallbackSequence: [],
      useSystemFallback: this.#d.options?.fallback?.enabled === true,
      maxRetries: DEFAULT_MAX_RETRIES,
      retryDelayMs: DEFAULT_RETRY_DELAY_MS,
      configured: false,
      updatedAt: null,
    };
  }
}

function toChain(scope: ChainScope, row: StoredChain): FallbackChain {
  return {
    owner: scope.owner,
    provider: scope.provider as ProviderType,
    environment: scope.environment as Environment,
    primaryKeyId: row.primaryKeyId,
    fallbackSequence: [...row.fallbackSequence],
    useSystemFallback: row.useSystemFallback,
    maxRetries: row.maxRetries,
    retryDelayMs: row.retryDelayMs,
    configured: true,
    updatedAt: new Date(row.updatedAt),
  };
}
