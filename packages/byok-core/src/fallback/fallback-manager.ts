import { type AccessCounter, type AuditLog, defaultActor, type RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, invalidInput, isBYOKError, keyNotFound, parseInput } from '../errors/index.js';
import { cacheKeysFor } from '../keys/key-rows.js';
import type { KeyService } from '../keys/key-service.js';
import { toOwner } from '../keys/owner.js';
import type { KeyRow, OwnerSelector } from '../keys/types.js';
import type { Logger } from '../logging/index.js';
import type { BYOKManagerOptions } from '../manager/options.js';
import { type MetricsRecorder, noopMetrics } from '../metrics/types.js';
import { assertProviderEnabled } from '../providers/enabled.js';
import {
  Environment,
  getProvider,
  type KeyData,
  type ProviderOutcome,
  type ProviderType,
} from '../providers/index.js';
import type { Database } from '../store/types.js';
import { type CooldownPolicy, cooldownMsFor, DEFAULT_COOLDOWNS } from '../validation/cooldown.js';
import { classifyProviderFailure, type FailureClassification } from './provider-call-error.js';
import { fallbackChainSchema as chainSchema } from './schemas.js';
import { systemKeyFor } from './system-keys.js';
import type {
  ExecuteWithFallbackResult,
  FallbackAttempt,
  FallbackChain,
  FallbackChainConfig,
  FallbackKeyResult,
  SkippedKey,
} from './types.js';

/** What the fallback manager needs; all of it is on a `BYOKManager` (`manager.context`, `manager.keys`). */
export interface FallbackManagerDeps {
  db: Database;
  keys: Pick<KeyService, 'activeCandidates' | 'decryptRow'>;
  audit: Pick<AuditLog, 'append'>;
  cache: KeyCache;
  logger: Logger;
  /** Reads `fallback` (`enabled`, `systemKeys`). */
  options?: Pick<BYOKManagerOptions, 'fallback' | 'enabledProviders'> | undefined;
  metrics?: MetricsRecorder | undefined;
  /** Counts each served user key in the hourly access counts (`manager.context.access`). */
  access?: Pick<AccessCounter, 'record'> | undefined;
  /** Awaited before each operation (the manager's `ready()`). */
  ready?: (() => Promise<void>) | undefined;
  cooldowns?: Partial<CooldownPolicy> | undefined;
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

export const SYSTEM_KEY_ID = 'system';
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_RETRY_DELAY_MS = 1000;

/** Failures after which another key may well work. 400-type errors and 403s would fail alike with any key. */
const WORTH_ANOTHER_KEY: ReadonlySet<ProviderOutcome> = new Set<ProviderOutcome>([
  'invalid_key',
  'revoked',
  'billing',
  'rate_limited',
  'outage',
  'timeout',
  'network_error',
]);
const PROVIDER_SIDE: ReadonlySet<ProviderOutcome> = new Set<ProviderOutcome>([
  'rate_limited',
  'outage',
  'timeout',
  'network_error',
]);

interface ChainRow {
  primary_key_id: string | null;
  fallback_sequence: string[] | string | null;
  use_system_fallback: boolean;
  max_retries: number;
  retry_delay_ms: number;
  updated_at: Date | string;
}

type CachedChain = { row: ChainRow | null };

interface Plan {
  chain: FallbackChain;
  owner: Owner;
  provider: ProviderType;
  environment: Environment;
  rows: KeyRow[];
  skipped: SkippedKey[];
}

interface UsableKey {
  keyId: string;
  keyData: KeyData;
  wasSystemFallback: boolean;
  row?: KeyRow;
}

const chainCacheKey = (owner: Owner, provider: string, environment: string): string =>
  `fallback:${owner.type}:${owner.id}:${provider}:${environment}`;

const timeOf = (value: Date | string | null | undefined): number =>
  value === null || value === undefined ? Number.NaN : new Date(value).getTime();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Picks the key to use for an owner, provider and environment, falling back along a chain:
 * the chain's primary key, then its `fallbackSequence`, then the owner's other active keys by
 * priority, then (when `useSystemFallback`) the application's own key. Disabled, invalid, revoked
 * and cooling-down keys are passed over and reported in `skipped`.
 *
 * `executeWithFallback` also runs the call: a failure that another key could fix (invalid key,
 * billing, rate limit, outage, timeout, network) parks the failing key — until revalidated after a
 * 401, for an hour after a billing refusal, for the provider's Retry-After after a 429 — waits
 * `retryDelayMs` and tries the next one, at most `1 + maxRetries` calls. Any other failure (a bad
 * request, a 403) is rethrown at once: every key would get the same answer.
 */
export class FallbackManager {
  readonly #d: FallbackManagerDeps;
  readonly #metrics: MetricsRecorder;
  readonly #cooldowns: CooldownPolicy;
  /** System keys have no row: their cooldowns live here, per provider (epoch ms). */
  readonly #systemCooldowns = new Map<string, number>();
  readonly #warnedMalformed = new Set<string>();

  constructor(deps: FallbackManagerDeps) {
    this.#d = deps;
    this.#metrics = deps.metrics ?? noopMetrics;
    this.#cooldowns = { ...DEFAULT_COOLDOWNS, ...deps.cooldowns };
  }

  get #env(): Readonly<Record<string, string | undefined>> {
    return this.#d.env ?? process.env;
  }

  /** System fallback is off everywhere when `fallback.enabled` is false or `BYOK_ENABLE_FALLBACK=false`. */
  get #systemFallbackAllowed(): boolean {
    return this.#d.options?.fallback?.enabled !== false && this.#env.BYOK_ENABLE_FALLBACK !== 'false';
  }

  /**
   * Stores the fallback chain of an owner for a provider and environment (replacing any earlier
   * one), with its `fallback.configured` audit entry in the same transaction.
   * @throws BYOKError `KEY_NOT_FOUND` for a key id that is not this owner's; `INVALID_INPUT` for a
   *   key of another provider or environment, a revoked key, a duplicate, or out-of-range numbers.
   * @example
   * await fallback.configureFallbackChain('user_123', ProviderType.OPENAI, Environment.PRODUCTION, {
   *   primaryKeyId: 'key_primary', fallbackSequence: ['key_backup1'], useSystemFallback: true, maxRetries: 3, retryDelayMs: 1000,
   * });
   */
  async configureFallbackChain(
    ownerSelector: string | OwnerSelector,
    provider: ProviderType | `${ProviderType}`,
    environment: Environment | `${Environment}`,
    config: FallbackChainConfig,
    context?: RequestContext,
  ): Promise<FallbackChain> {
    await this.#d.ready?.();
    const owner = toOwner(ownerSelector);
    const providerId = getProvider(provider).id;
    const env = checkedEnvironment(environment);
    const parsed = parseInput(chainSchema, config, 'fallback chain');
    const sequence = parsed.fallbackSequence ?? [];
    const ids = [...(parsed.primaryKeyId ? [parsed.primaryKeyId] : []), ...sequence];
    if (new Set(ids).size !== ids.length) {
      throw invalidInput('A key may appear only once in a fallback chain (primary and sequence together)', {
        field: 'fallbackSequence',
      });
    }
    const row = await this.#d.db.transaction(async (tx) => {
      if (ids.length > 0) {
        const { rows } = await tx.query<Pick<KeyRow, 'id' | 'provider' | 'environment' | 'status'>>(
          `SELECT id, provider, environment, status FROM byok.keys
            WHERE id = ANY($1::text[]) AND owner_type = $2 AND owner_id = $3`,
          [ids, owner.type, owner.id],
        );
        const found = new Map(rows.map((r) => [r.id, r]));
        for (const id of ids) {
          const key = found.get(id);
          // Another owner's key is "not found", exactly like one that does not exist.
          if (!key) throw keyNotFound(id);
          if (key.provider !== providerId || key.environment !== env) {
            throw invalidInput(
              `Key ${id} is a ${key.provider} key for ${key.environment}; this chain is for ${providerId} in ${env}`,
              { keyId: id },
            );
          }
          if (key.status === 'revoked') throw invalidInput(`Key ${id} is revoked`, { keyId: id });
        }
      }
      const { rows } = await tx.query<ChainRow>(
        `INSERT INTO byok.fallback_chains
           (owner_type, owner_id, provider, environment, primary_key_id, fallback_sequence, use_system_fallback, max_retries, retry_delay_ms, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, now())
         ON CONFLICT (owner_type, owner_id, provider, environment) DO UPDATE SET
           primary_key_id = EXCLUDED.primary_key_id, fallback_sequence = EXCLUDED.fallback_sequence,
           use_system_fallback = EXCLUDED.use_system_fallback, max_retries = EXCLUDED.max_retries,
           retry_delay_ms = EXCLUDED.retry_delay_ms, updated_at = now()
         RETURNING primary_key_id, fallback_sequence, use_system_fallback, max_retries, retry_delay_ms, updated_at`,
        [
          owner.type,
          owner.id,
          providerId,
          env,
          parsed.primaryKeyId ?? null,
          sequence,
          parsed.useSystemFallback ?? false,
          parsed.maxRetries ?? DEFAULT_MAX_RETRIES,
          parsed.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
        ],
      );
      const stored = rows[0] as ChainRow;
      await this.#d.audit.append(tx, {
        action: 'fallback.configured',
        targetType: 'fallback_chain',
        targetId: `${providerId}:${env}`,
        owner,
        context: { ...context, actor: context?.actor ?? defaultActor(owner) },
        details: {
          provider: providerId,
          environment: env,
          primaryKeyId: stored.primary_key_id,
          fallbackSequence: sequenceOf(stored),
          useSystemFallback: stored.use_system_fallback,
          maxRetries: Number(stored.max_retries),
          retryDelayMs: Number(stored.retry_delay_ms),
        },
      });
      await this.#d.cache.announce(tx, [chainCacheKey(owner, providerId, env)]);
      return stored;
    });
    await this.#d.cache.invalidate([chainCacheKey(owner, providerId, env)], { announced: true });
    this.#d.logger.debug(
      { provider: providerId, environment: env, keys: ids.length },
      'fallback chain configured',
    );
    return toChain(owner, providerId, env, row);
  }

  /**
   * The chain in force for an owner, provider and environment: the stored one, or the default
   * (`configured: false`: no primary, no sequence, 3 retries 1 s apart, system fallback when
   * `fallback.enabled` is true).
   */
  async getFallbackChain(
    ownerSelector: string | OwnerSelector,
    provider: ProviderType | `${ProviderType}`,
    environment: Environment | `${Environment}` = Environment.PRODUCTION,
  ): Promise<FallbackChain> {
    await this.#d.ready?.();
    return this.#chain(toOwner(ownerSelector), getProvider(provider).id, checkedEnvironment(environment));
  }

  /**
   * The first usable key along the chain, decrypted. Server-side only.
   * @throws BYOKError `NO_KEY_AVAILABLE` when no key (and no allowed system key) is usable;
   *   its `details.skipped` says why each key was passed over.
   * @example
   * const { keyId, keyData, wasSystemFallback } = await fallback.getKeyWithFallback('user_123', 'openai', 'production');
   */
  async getKeyWithFallback(
    ownerSelector: string | OwnerSelector,
    provider: ProviderType | `${ProviderType}`,
    environment: Environment | `${Environment}` = Environment.PRODUCTION,
  ): Promise<FallbackKeyResult> {
    await this.#d.ready?.();
    const plan = await this.#plan(ownerSelector, provider, environment);
    for await (const key of this.#usableKeys(plan)) {
      this.#served(plan, key);
      return {
        keyId: key.keyId,
        provider: plan.provider,
        environment: plan.environment,
        keyData: key.keyData,
        wasSystemFallback: key.wasSystemFallback,
        skipped: [...plan.skipped],
      };
    }
    throw this.#noKey(plan, []);
  }

  /**
   * Calls `fn` with each usable key in chain order until one call succeeds.
   * `fn` should throw a `ProviderCallError` (or a provider SDK error with an HTTP status) when the
   * provider refuses; see the class comment for what happens next.
   * @throws the error of `fn` unchanged when it is not worth another key (bad request, 403, a bug);
   *   BYOKError `PROVIDER_UNAVAILABLE` when every attempt failed on the provider's side (rate limits,
   *   outages, timeouts), `NO_KEY_AVAILABLE` otherwise — both with `details.attempts` and `cause`.
   * @example
   * const { result, keyId } = await fallback.executeWithFallback('user_123', 'openai', 'production', (key) =>
   *   callOpenAI(key.keyData.apiKey),
   * );
   */
  async executeWithFallback<T>(
    ownerSelector: string | OwnerSelector,
    provider: ProviderType | `${ProviderType}`,
    environment: Environment | `${Environment}`,
    fn: (key: FallbackKeyResult) => Promise<T>,
  ): Promise<ExecuteWithFallbackResult<T>> {
    await this.#d.ready?.();
    const plan = await this.#plan(ownerSelector, provider, environment);
    const maxAttempts = 1 + plan.chain.maxRetries;
    const attempts: FallbackAttempt[] = [];
    let lastError: unknown;
    for await (const key of this.#usableKeys(plan)) {
      if (attempts.length >= maxAttempts) break;
      if (attempts.length > 0 && plan.chain.retryDelayMs > 0) await sleep(plan.chain.retryDelayMs);
      const handed: FallbackKeyResult = {
        keyId: key.keyId,
        provider: plan.provider,
        environment: plan.environment,
        keyData: key.keyData,
        wasSystemFallback: key.wasSystemFallback,
        skipped: [...plan.skipped],
      };
      try {
        const result = await fn(handed);
        attempts.push({ keyId: key.keyId, outcome: 'valid' });
        this.#served(plan, key);
        return {
          result,
          keyId: key.keyId,
          wasSystemFallback: key.wasSystemFallback,
          attempts,
          skipped: [...plan.skipped],
        };
      } catch (error) {
        const failure = classifyProviderFailure(error, plan.provider);
        if (!failure) throw error;
        attempts.push({
          keyId: key.keyId,
          outcome: failure.outcome,
          ...(failure.statusCode !== undefined ? { statusCode: failure.statusCode } : {}),
        });
        // Only outcome, status and key id are logged: the error's message is the caller's and may hold anything.
        this.#d.logger.debug(
          {
            keyId: key.keyId,
            provider: plan.provider,
            outcome: failure.outcome,
            statusCode: failure.statusCode,
            attempt: attempts.length,
          },
          'provider call failed',
        );
        if (!WORTH_ANOTHER_KEY.has(failure.outcome)) throw error;
        await this.#coolDown(plan, key, failure);
        lastError = error;
      }
    }
    throw this.#noKey(plan, attempts, lastError);
  }

  async #chain(owner: Owner, provider: ProviderType, environment: Environment): Promise<FallbackChain> {
    const cacheKey = chainCacheKey(owner, provider, environment);
    const cached =
      this.#d.cache.peek<CachedChain>(cacheKey) ??
      (await this.#d.cache.load<CachedChain>(cacheKey, async () => {
        const { rows } = await this.#d.db.query<ChainRow>(
          `SELECT primary_key_id, fallback_sequence, use_system_fallback, max_retries, retry_delay_ms, updated_at
             FROM byok.fallback_chains WHERE owner_type = $1 AND owner_id = $2 AND provider = $3 AND environment = $4`,
          [owner.type, owner.id, provider, environment],
        );
        return { row: rows[0] ?? null };
      }));
    if (cached.row) return toChain(owner, provider, environment, cached.row);
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

  /** The chain's keys in order, with those that cannot serve (by status) already set aside. */
  async #plan(
    ownerSelector: string | OwnerSelector,
    providerInput: ProviderType | `${ProviderType}`,
    environmentInput: Environment | `${Environment}`,
  ): Promise<Plan> {
    const owner = toOwner(ownerSelector);
    const provider = getProvider(providerInput).id;
    assertProviderEnabled(this.#d.options?.enabledProviders, provider);
    const environment = checkedEnvironment(environmentInput);
    const [chain, active] = await Promise.all([
      this.#chain(owner, provider, environment),
      this.#d.keys.activeCandidates(owner, provider, environment),
    ]);
    const byId = new Map(active.map((row) => [row.id, row]));
    const chainIds = [
      ...new Set([...(chain.primaryKeyId ? [chain.primaryKeyId] : []), ...chain.fallbackSequence]),
    ];
    const absent = chainIds.filter((id) => !byId.has(id));
    const others = new Map<string, KeyRow>();
    if (absent.length > 0) {
      // Rare path: a chain key that is not active (or a stale cached list); read its row to say why.
      const { rows } = await this.#d.db.query<KeyRow>(
        `SELECT * FROM byok.keys WHERE id = ANY($1::text[]) AND owner_type = $2 AND owner_id = $3
            AND provider = $4 AND environment = $5`,
        [absent, owner.type, owner.id, provider, environment],
      );
      for (const row of rows) others.set(row.id, row);
    }
    const rows: KeyRow[] = [];
    const skipped: SkippedKey[] = [];
    for (const id of chainIds) {
      const row = byId.get(id) ?? others.get(id);
      if (!row) skipped.push({ keyId: id, reason: 'missing' });
      else if (row.status === 'active') rows.push(row);
      else skipped.push({ keyId: id, reason: row.status });
    }
    const inChain = new Set(chainIds);
    for (const row of active) if (!inChain.has(row.id)) rows.push(row);
    return { chain, owner, provider, environment, rows, skipped };
  }

  /** Yields usable keys one by one, decrypting each only when it is its turn; records skips in the plan. */
  async *#usableKeys(plan: Plan): AsyncGenerator<UsableKey> {
    for (const row of plan.rows) {
      const until = timeOf(row.cooldown_until);
      if (until > Date.now()) {
        plan.skipped.push({ keyId: row.id, reason: 'cooling_down', until: new Date(until) });
        continue;
      }
      let keyData: KeyData;
      try {
        keyData = (await this.#d.keys.decryptRow(row)).keyData;
      } catch (error) {
        if (isBYOKError(error) && error.code === 'DECRYPTION_FAILED') {
          plan.skipped.push({ keyId: row.id, reason: 'decryption_failed' });
          continue;
        }
        throw error;
      }
      yield { keyId: row.id, keyData, wasSystemFallback: false, row };
    }
    if (!plan.chain.useSystemFallback || !this.#systemFallbackAllowed) return;
    const systemKeyData = this.#systemKey(plan.provider);
    if (!systemKeyData) return;
    const until = this.#systemCooldowns.get(plan.provider) ?? 0;
    if (until > Date.now()) {
      plan.skipped.push({ keyId: SYSTEM_KEY_ID, reason: 'cooling_down', until: new Date(until) });
      return;
    }
    yield { keyId: SYSTEM_KEY_ID, keyData: systemKeyData, wasSystemFallback: true };
  }

  #systemKey(provider: ProviderType): KeyData | undefined {
    const found = systemKeyFor(provider, this.#d.options, this.#env);
    if (found.kind === 'ok') return found.keyData;
    if (found.kind === 'malformed' && !this.#warnedMalformed.has(provider)) {
      this.#warnedMalformed.add(provider);
      this.#d.logger.warn(
        { provider, source: found.source, code: found.code },
        'the system key for this provider is malformed and is not used',
      );
    }
    return undefined;
  }

  #served(plan: Plan, key: UsableKey): void {
    const now = Date.now();
    if (key.row) this.#d.access?.record(key.row.id, now);
    const result = key.wasSystemFallback
      ? 'system_key'
      : plan.skipped.length > 0
        ? 'fallback_key'
        : 'user_key';
    this.#metrics.onKeyLookup(plan.provider, result);
    this.#d.logger.debug(
      {
        keyId: key.keyId,
        provider: plan.provider,
        environment: plan.environment,
        wasSystemFallback: key.wasSystemFallback,
        skipped: plan.skipped.map((s) => ({ keyId: s.keyId, reason: s.reason })),
      },
      'key served with fallback',
    );
  }

  /** Parks a key that failed, for as long as the outcome calls for; refusals mark it for revalidation. */
  async #coolDown(plan: Plan, key: UsableKey, failure: FailureClassification): Promise<void> {
    const ms = cooldownMsFor(failure.outcome, failure.retryAfterMs, this.#cooldowns);
    if (ms === undefined) return;
    const until = new Date(Date.now() + ms);
    if (!key.row) {
      this.#systemCooldowns.set(plan.provider, until.getTime());
      return;
    }
    const refused = failure.outcome === 'invalid_key' || failure.outcome === 'revoked';
    // Never shortens a longer cooldown already set; a refusal is recorded as the last validation
    // status so that the periodic validation revalidates the key ahead of its cooldown.
    await this.#d.db.query(
      `UPDATE byok.keys
          SET cooldown_until = GREATEST(COALESCE(cooldown_until, $2), $2),
              last_validation_status = CASE WHEN $3 THEN $4 ELSE last_validation_status END
        WHERE id = $1 AND status = 'active'`,
      [key.row.id, until, refused, failure.outcome],
    );
    await this.#d.cache.invalidate(cacheKeysFor(key.row));
  }

  #noKey(plan: Plan, attempts: FallbackAttempt[], cause?: unknown): BYOKError {
    const name = getProvider(plan.provider).displayName;
    this.#metrics.onKeyLookup(plan.provider, 'none');
    const details = {
      provider: plan.provider,
      environment: plan.environment,
      attempts,
      skipped: plan.skipped.map((s) => ({ keyId: s.keyId, reason: s.reason })),
    };
    if (attempts.length === 0) {
      const why = plan.skipped.length > 0 ? ` (${plan.skipped.length} passed over: ${reasons(plan)})` : '';
      return new BYOKError('NO_KEY_AVAILABLE', `No usable ${name} key for ${plan.environment}${why}`, {
        details,
      });
    }
    const outcomes = attempts.map((a) => a.outcome).join(', ');
    const providerSide = attempts.every((a) => PROVIDER_SIDE.has(a.outcome));
    return new BYOKError(
      providerSide ? 'PROVIDER_UNAVAILABLE' : 'NO_KEY_AVAILABLE',
      `${name} call failed with every key tried (${attempts.length} attempt${attempts.length === 1 ? '' : 's'}: ${outcomes})`,
      { details, cause },
    );
  }
}

function reasons(plan: Plan): string {
  return [...new Set(plan.skipped.map((s) => s.reason))].join(', ');
}

function checkedEnvironment(value: string): Environment {
  const environments: readonly string[] = Object.values(Environment);
  if (!environments.includes(value)) {
    throw invalidInput(`environment must be one of ${environments.join(', ')}`, { field: 'environment' });
  }
  return value as Environment;
}

function sequenceOf(row: ChainRow): string[] {
  const value = row.fallback_sequence;
  if (Array.isArray(value)) return value;
  // A driver without array parsing gives the literal `{a,b}`; key ids never contain commas or quotes.
  if (typeof value === 'string' && value.startsWith('{') && value.endsWith('}')) {
    return value.slice(1, -1).split(',').filter(Boolean);
  }
  return [];
}

function toChain(
  owner: Owner,
  provider: ProviderType,
  environment: Environment,
  row: ChainRow,
): FallbackChain {
  return {
    owner,
    provider,
    environment,
    primaryKeyId: row.primary_key_id,
    fallbackSequence: sequenceOf(row),
    useSystemFallback: Boolean(row.use_system_fallback),
    maxRetries: Number(row.max_retries),
    retryDelayMs: Number(row.retry_delay_ms),
    configured: true,
    updatedAt: new Date(row.updated_at),
  };
}
