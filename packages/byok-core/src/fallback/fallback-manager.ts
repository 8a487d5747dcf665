import type { AccessCounter, AuditLog, RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, isBYOKError } from '../errors/index.js';
import type { KeyService } from '../keys/key-service.js';
import { toOwner } from '../keys/owner.js';
import type { ActiveKey, KeyRow, OwnerSelector } from '../keys/types.js';
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
import { classifyProviderFailure } from '../providers/provider-call-error.js';
import { createFallbackStore, type FallbackStore } from '../store/fallback-store.js';
import type { Database } from '../store/types.js';
import { type CooldownPolicy, DEFAULT_COOLDOWNS } from '../validation/cooldown.js';
import { checkedEnvironment, FallbackChains } from './chains.js';
import { KeyCooldowns } from './cooldowns.js';
import { systemKeyFor } from './system-keys.js';
import type {
  ExecuteWithFallbackResult,
  FallbackAttempt,
  FallbackChain,
  FallbackChainConfig,
  FallbackKeyResult,
  FallbackSettings,
  SkippedKey,
} from './types.js';

/** What the fallback manager needs; all of it is on a `BYOKManager` (`manager.context`, `manager.keys`). */
export interface FallbackManagerDeps {
  db: Database;
  /** Chain and cooldown SQL; by default the fallback store on `db`. */
  store?: FallbackStore | undefined;
  keys: Pick<KeyService, 'activeCandidates' | 'decryptRow' | 'peekActiveCandidates' | 'decryptRowNow'>;
  audit: Pick<AuditLog, 'append'>;
  cache: KeyCache;
  logger: Logger;
  /** Reads `fallback` (`enabled`, `systemKeys`) and `enabledProviders`. */
  options?: Pick<BYOKManagerOptions, 'fallback' | 'enabledProviders'> | undefined;
  /** Deployment settings (system keys, the system-fallback switch); see `validationAndFallbackSettingsFromEnv`. */
  settings?: FallbackSettings | undefined;
  metrics?: MetricsRecorder | undefined;
  /** Counts each served user key in the hourly access counts (`manager.context.access`). */
  access?: Pick<AccessCounter, 'record'> | undefined;
  /** Awaited before each operation (the manager's `ready()`). */
  ready?: (() => Promise<void>) | undefined;
  cooldowns?: Partial<CooldownPolicy> | undefined;
}

export const SYSTEM_KEY_ID = 'system';

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

interface Plan {
  chain: FallbackChain;
  owner: Owner;
  provider: ProviderType;
  environment: Environment;
  readonly rows: readonly KeyRow[];
  skipped: SkippedKey[];
}

interface UsableKey {
  keyId: string;
  keyData: KeyData;
  wasSystemFallback: boolean;
  row?: KeyRow;
}

const timeOf = (value: Date | string | null | undefined): number =>
  value === null || value === undefined ? Number.NaN : new Date(value).getTime();

/** The owner, provider and environment a chain is stored under, checked. */
const chainOf = (
  ownerSelector: string | OwnerSelector,
  provider: ProviderType | `${ProviderType}`,
  environment: Environment | `${Environment}`,
): [Owner, ProviderType, Environment] => [
  toOwner(ownerSelector),
  getProvider(provider).id,
  checkedEnvironment(environment),
];

/** What the caller gets for a usable key: the key, and the keys passed over so far. */
const handedKey = (plan: Plan, key: UsableKey): FallbackKeyResult => ({
  keyId: key.keyId,
  provider: plan.provider,
  environment: plan.environment,
  keyData: key.keyData,
  wasSystemFallback: key.wasSystemFallback,
  skipped: [...plan.skipped],
});

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
  readonly #store: FallbackStore;
  readonly #chains: FallbackChains;
  readonly #cooldowns: KeyCooldowns;
  readonly #warnedMalformed = new Set<string>();
  #ready = false;

  constructor(deps: FallbackManagerDeps) {
    this.#d = deps;
    this.#metrics = deps.metrics ?? noopMetrics;
    const store = deps.store ?? createFallbackStore(deps.db);
    this.#store = store;
    this.#chains = new FallbackChains({ ...deps, store });
    this.#cooldowns = new KeyCooldowns({
      store,
      cache: deps.cache,
      policy: { ...DEFAULT_COOLDOWNS, ...deps.cooldowns },
    });
  }

  /** System fallback is off everywhere when `fallback.enabled` is false or the settings say so (`BYOK_ENABLE_FALLBACK=false`). */
  get #systemFallbackAllowed(): boolean {
    return this.#d.options?.fallback?.enabled !== false && this.#d.settings?.systemFallbackAllowed !== false;
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
    return this.#chains.configure(...chainOf(ownerSelector, provider, environment), config, context);
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
    return this.#chains.get(...chainOf(ownerSelector, provider, environment));
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
    if (!this.#ready) await this.#whenReady();
    const plan = await this.#plan(ownerSelector, provider, environment);
    const key = await this.#nextUsable(plan, { at: 0 });
    if (!key) throw this.#noKey(plan, []);
    this.#served(plan, key);
    return handedKey(plan, key);
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
    if (!this.#ready) await this.#whenReady();
    // While the chain, the keys and their data key are in memory, nothing here waits (no promise per step).
    const planned = this.#plan(ownerSelector, provider, environment);
    const plan = planned instanceof Promise ? await planned : planned;
    const maxAttempts = 1 + plan.chain.maxRetries;
    const attempts: FallbackAttempt[] = [];
    let lastError: unknown;
    const cursor = { at: 0 };
    for (;;) {
      const next = this.#nextUsable(plan, cursor);
      const key = next instanceof Promise ? await next : next;
      if (!key || attempts.length >= maxAttempts) break;
      if (attempts.length > 0 && plan.chain.retryDelayMs > 0) await sleep(plan.chain.retryDelayMs);
      try {
        const result = await fn(handedKey(plan, key));
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
        await this.#cooldowns.coolDown(plan.provider, key.row, failure);
        lastError = error;
      }
    }
    throw this.#noKey(plan, attempts, lastError);
  }

  /** Awaits the manager's `ready()` once; afterwards `#ready` says so without a promise. */
  async #whenReady(): Promise<void> {
    await this.#d.ready?.();
    this.#ready = true;
  }

  /** The chain's keys in order, with those that cannot serve (by status) already set aside; at once when all is in memory. */
  #plan(
    ownerSelector: string | OwnerSelector,
    providerInput: ProviderType | `${ProviderType}`,
    environmentInput: Environment | `${Environment}`,
  ): Plan | Promise<Plan> {
    const owner = toOwner(ownerSelector);
    const provider = getProvider(providerInput).id;
    assertProviderEnabled(this.#d.options?.enabledProviders, provider);
    const environment = checkedEnvironment(environmentInput);
    const chain = this.#chains.peek(owner, provider, environment);
    const active = this.#d.keys.peekActiveCandidates(owner, provider, environment);
    if (chain && active) return this.#planOf(owner, provider, environment, chain, active);
    return Promise.all([
      chain ?? this.#chains.get(owner, provider, environment),
      active ?? this.#d.keys.activeCandidates(owner, provider, environment),
    ]).then(([c, a]) => this.#planOf(owner, provider, environment, c, a));
  }

  #planOf(
    owner: Owner,
    provider: ProviderType,
    environment: Environment,
    chain: FallbackChain,
    active: readonly KeyRow[],
  ): Plan | Promise<Plan> {
    // No chain stored (the common case): the active keys by priority, nothing to set aside.
    if (chain.primaryKeyId === null && chain.fallbackSequence.length === 0)
      return { chain, owner, provider, environment, rows: active, skipped: [] };
    const byId = new Map(active.map((row) => [row.id, row]));
    const chainIds = [
      ...new Set([...(chain.primaryKeyId ? [chain.primaryKeyId] : []), ...chain.fallbackSequence]),
    ];
    const absent = chainIds.filter((id) => !byId.has(id));
    const ordered = (others: readonly KeyRow[]): Plan => {
      const rows: KeyRow[] = [];
      const skipped: SkippedKey[] = [];
      for (const id of chainIds) {
        const row = byId.get(id) ?? others.find((other) => other.id === id);
        if (!row) skipped.push({ keyId: id, reason: 'missing' });
        else if (row.status === 'active') rows.push(row);
        else skipped.push({ keyId: id, reason: row.status });
      }
      const inChain = new Set(chainIds);
      for (const row of active) if (!inChain.has(row.id)) rows.push(row);
      return { chain, owner, provider, environment, rows, skipped };
    };
    if (absent.length === 0) return ordered([]);
    // Rare path: a chain key that is not active (or a stale cached list); read its row to say why.
    return this.#store.findOwnerKeys(owner, absent, { provider, environment }).then(ordered);
  }

  /**
   * The next usable key from `cursor` on (which it advances), decrypting each only when it is its
   * turn, or undefined when none is left; records skips in the plan. At once when the key's data key
   * is in memory.
   */
  #nextUsable(plan: Plan, cursor: { at: number }): UsableKey | undefined | Promise<UsableKey | undefined> {
    while (cursor.at < plan.rows.length) {
      const row = plan.rows[cursor.at++] as KeyRow;
      const until = timeOf(row.cooldown_until);
      if (until > Date.now()) {
        plan.skipped.push({ keyId: row.id, reason: 'cooling_down', until: new Date(until) });
        continue;
      }
      let ready: ActiveKey | undefined;
      try {
        ready = this.#d.keys.decryptRowNow(row);
      } catch (error) {
        if (!this.#undecryptable(plan, row, error)) throw error;
        continue;
      }
      if (ready) return { keyId: row.id, keyData: ready.keyData, wasSystemFallback: false, row };
      return this.#d.keys.decryptRow(row).then(
        ({ keyData }): UsableKey => ({ keyId: row.id, keyData, wasSystemFallback: false, row }),
        (error: unknown) => {
          if (!this.#undecryptable(plan, row, error)) throw error;
          return this.#nextUsable(plan, cursor);
        },
      );
    }
    // Past the owner's keys: the system key once, if allowed.
    if (cursor.at > plan.rows.length) return undefined;
    cursor.at += 1;
    if (!plan.chain.useSystemFallback || !this.#systemFallbackAllowed) return undefined;
    const systemKeyData = this.#systemKey(plan.provider);
    if (!systemKeyData) return undefined;
    const until = this.#cooldowns.systemUntil(plan.provider);
    if (until > Date.now()) {
      plan.skipped.push({ keyId: SYSTEM_KEY_ID, reason: 'cooling_down', until: new Date(until) });
      return undefined;
    }
    return { keyId: SYSTEM_KEY_ID, keyData: systemKeyData, wasSystemFallback: true };
  }

  /** A key that fails to decrypt is passed over (and reported); any other error is not this key's. */
  #undecryptable(plan: Plan, row: KeyRow, error: unknown): boolean {
    if (!isBYOKError(error) || error.code !== 'DECRYPTION_FAILED') return false;
    plan.skipped.push({ keyId: row.id, reason: 'decryption_failed' });
    return true;
  }

  #systemKey(provider: ProviderType): KeyData | undefined {
    const found = systemKeyFor(provider, this.#d.options, this.#d.settings?.systemKeys);
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
    // Built only when it is written: this runs on every request the gateway serves.
    if (this.#d.logger.isLevelEnabled?.('debug') === false) return;
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
