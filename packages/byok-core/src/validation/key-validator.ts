import { type AuditLog, defaultActor, type RequestContext } from '../audit/index.js';
import type { KeyCache } from '../cache/index.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, isBYOKError, keyNotFound } from '../errors/index.js';
import { cacheKeysFor } from '../keys/key-rows.js';
import type { KeyService } from '../keys/key-service.js';
import { toOwner } from '../keys/owner.js';
import type { KeyRow, OwnerSelector } from '../keys/types.js';
import type { Logger } from '../logging/index.js';
import type { BYOKManagerOptions } from '../manager/options.js';
import type { MetricsRecorder } from '../metrics/types.js';
import { noopMetrics } from '../metrics/types.js';
import { scrubSecrets } from '../providers/classify-common.js';
import {
  type BaseUrlOverrides,
  baseUrlEnvVar,
  getProvider,
  type KeyData,
  type ProviderType,
  parseKeyData,
  resolveBaseUrl,
  secretValues,
} from '../providers/index.js';
import { type ProbeResult, probeKey } from '../providers/probe.js';
import { quotaExceeded, resolveQuotas } from '../quotas/index.js';
import type { Database } from '../store/types.js';
import { createValidationsStore, type ValidationsStore } from '../store/validations-store.js';
import { concurrencyFrom, mapWithConcurrency } from './concurrency.js';
import { type CooldownPolicy, DEFAULT_COOLDOWNS } from './cooldown.js';
import { computeHealthScore, type ValidationSample, type ValidationStatus } from './health-score.js';
import { PeriodicRunner } from './periodic-runner.js';
import { ResultWriter, type StoredValidation } from './result-writer.js';
import type {
  CredentialTestResult,
  PeriodicValidation,
  PeriodicValidationOptions,
  TestKeyOptions,
  ValidateAllOptions,
  ValidationResult,
  ValidationSettings,
} from './types.js';

/** What the validator needs; all of it is on a `BYOKManager` (`manager.context`, `manager.keys`). */
export interface KeyValidatorDeps {
  /** Transactions (group commit, audit) and the periodic lease. */
  db: Database;
  /** Validation SQL; by default the validations store on `db`. */
  store?: ValidationsStore | undefined;
  keys: Pick<KeyService, 'findRow' | 'decryptRow'>;
  audit: Pick<AuditLog, 'append'>;
  cache: Pick<KeyCache, 'invalidate'>;
  logger: Logger;
  /** Reads `validation` (timeout, parallelValidation, enabled) and `providers` (base URLs). */
  options?: Pick<BYOKManagerOptions, 'validation' | 'providers' | 'quotas'> | undefined;
  metrics?: MetricsRecorder | undefined;
  /** Awaited before each operation (the manager's `ready()`: master key derived, migrations run). */
  ready?: (() => Promise<void>) | undefined;
  /** Injected fetch (proxies, tests); the global one by default. */
  fetch?: typeof fetch | undefined;
  cooldowns?: Partial<CooldownPolicy> | undefined;
  /** Deployment settings (timeout, on/off, base URLs); see `validationAndFallbackSettingsFromEnv`. The options win. */
  settings?: ValidationSettings | undefined;
}

export const DEFAULT_VALIDATION_TIMEOUT_MS = 10_000;
/** Extra time allowed past the probe's own abort before the validator gives up on it regardless. */
const HARD_LIMIT_SLACK_MS = 25;
/** Results a bulk run may have waiting for the writer before its workers pause. */
const MAX_PENDING_WRITES = 1000;

const ERROR_CODES: Readonly<Record<Exclude<ValidationStatus, 'valid'>, string>> = {
  invalid_key: 'INVALID_KEY',
  revoked: 'KEY_REVOKED',
  permission_denied: 'PERMISSION_DENIED',
  billing: 'BILLING',
  rate_limited: 'RATE_LIMITED',
  outage: 'PROVIDER_OUTAGE',
  timeout: 'TIMEOUT',
  network_error: 'NETWORK_ERROR',
  unexpected: 'UNEXPECTED_RESPONSE',
  decryption_failed: 'DECRYPTION_FAILED',
};

/** What a probe (or a failed decryption) found, before anything is stored. */
interface Finding extends ValidationSample {
  classification?: ProbeResult;
  secrets: readonly string[];
  testsRun: string[];
}

type ResultFields = Omit<ValidationResult, 'keyId' | 'cooldownUntil' | 'validatedAt'>;
type Trigger = 'manual' | 'bulk' | 'scheduled';

const asDate = (value: Date | string | null | undefined): Date | null =>
  value === null || value === undefined ? null : new Date(value);

/**
 * Proves stored keys work by sending each provider's cheapest authenticated request, and records
 * what it found: a `byok.key_validations` row, the key's health score, status and cooldown, and a
 * `key.tested` audit entry, in one transaction.
 *
 * What an outcome does to the key:
 * - `valid`: cooldown cleared; a key marked `invalid` by an earlier validation becomes `active` again.
 * - `invalid_key`, `revoked`: an active key becomes `invalid` (served no more); health 0.
 * - `billing`: stays active, health ≤ 10, parked for at least an hour (or what the provider asked).
 * - `rate_limited`: parked for as long as the provider asked (Retry-After), else 60 s.
 * - `outage`, `timeout`, `network_error`, `permission_denied`, `unexpected`: status and cooldown
 *   unchanged — they never mark a key invalid.
 *
 * Nothing is retried automatically: a failed validation is reported once, whatever its outcome.
 *
 * Audit: a single `testKey` is always audited. Bulk runs (`validateAllKeys`, periodic rounds)
 * audit a key only when its status changes (active ↔ invalid), plus one summary entry per
 * `validateAllKeys` call — routine checks are recorded in `key_validations`, not one audit entry
 * each (DESIGN: "Routine use … not logged per call"). Results are written by group commit, so a
 * thousand validations cost a handful of transactions.
 */
export class KeyValidator {
  readonly #d: KeyValidatorDeps;
  readonly #metrics: MetricsRecorder;
  readonly #store: ValidationsStore;
  readonly #writer: ResultWriter;
  readonly #runner: PeriodicRunner;

  constructor(deps: KeyValidatorDeps) {
    this.#d = deps;
    this.#metrics = deps.metrics ?? noopMetrics;
    this.#store = deps.store ?? createValidationsStore(deps.db);
    this.#writer = new ResultWriter(deps.db, this.#store, deps.audit, {
      ...DEFAULT_COOLDOWNS,
      ...deps.cooldowns,
    });
    this.#runner = new PeriodicRunner({
      db: deps.db,
      store: this.#store,
      logger: deps.logger,
      validate: (row, context) => this.#validateRowPipelined(row, 'scheduled', context),
      enabled: deps.options?.validation?.enabled !== false && deps.settings?.enabled !== false,
      timeoutMs: () => this.timeoutMs,
      concurrency: this.concurrency,
    });
  }

  /**
   * The hard limit of one provider request, in ms: `validation.timeout`, else the settings'
   * `timeoutMs` (`BYOK_VALIDATION_TIMEOUT`), else 10 s.
   */
  get timeoutMs(): number {
    const configured = this.#d.options?.validation?.timeout;
    if (configured !== undefined) return positive(configured, 'validation.timeout');
    const fromSettings = this.#d.settings?.timeoutMs;
    if (fromSettings !== undefined) return positive(fromSettings, 'BYOK_VALIDATION_TIMEOUT');
    return DEFAULT_VALIDATION_TIMEOUT_MS;
  }

  /** Keys validated at once by `validateAllKeys` and periodic rounds. */
  get concurrency(): number {
    return concurrencyFrom(this.#d.options?.validation?.parallelValidation);
  }

  /**
   * Validates one stored key against its provider and records the result.
   * A key that fails to decrypt is reported as `decryption_failed` (and recorded), not thrown.
   * @throws BYOKError `KEY_NOT_FOUND` for a missing or revoked key, or one outside `scope`;
   *   `ENCRYPTION_NOT_CONFIGURED` / `MASTER_KEY_MISMATCH` when the master key is not usable.
   * @example
   * const result = await validator.testKey('key_123');
   * if (!result.isValid) console.log(result.errorMessage); // "Provider validation failed: …"
   */
  async testKey(keyId: string, options: TestKeyOptions = {}): Promise<ValidationResult> {
    await this.#d.ready?.();
    const row = await this.#d.keys.findRow(keyId, options.scope);
    if (!row || row.status === 'revoked') throw keyNotFound(keyId);
    return this.#validateRow(row, options.trigger ?? 'manual', options.context);
  }

  /**
   * Validates every key of an owner that is not revoked (active, disabled and invalid ones), at
   * most `concurrency` at a time, and returns every result in a stable order.
   * @example
   * const invalid = (await validator.validateAllKeys('user_123')).filter((r) => !r.isValid);
   */
  async validateAllKeys(
    owner: string | OwnerSelector,
    options: ValidateAllOptions = {},
  ): Promise<ValidationResult[]> {
    await this.#d.ready?.();
    const resolved = toOwner(owner);
    const rows = await this.#store.listOwnerKeys(resolved);
    const limit = resolveQuotas(this.#d.options?.quotas).maxKeysPerValidateAll;
    if (rows.length > limit) {
      throw quotaExceeded(
        `validate-all tests at most ${limit} keys per call and this ${resolved.type} has ${rows.length}; test keys one by one`,
        'maxKeysPerValidateAll',
        limit,
      );
    }
    const context = withActor(options.context, resolved);
    const pending = await mapWithConcurrency(rows, options.concurrency ?? this.concurrency, (row) =>
      this.#validateRowPipelined(row, 'bulk', context),
    );
    const results = await Promise.all(pending.map((p) => p.settled));
    if (results.length > 0) await this.#auditSummary(resolved, context, results);
    return results;
  }

  /**
   * Validates a credential that is not stored ("test before saving"). Writes nothing.
   * @throws BYOKError `UNKNOWN_PROVIDER`, `INVALID_INPUT` or `INVALID_KEY_FORMAT` before any request
   *   when the credential cannot be one of this provider's.
   * @example
   * const { isValid, errorMessage } = await validator.testCredential('openai', { apiKey });
   */
  async testCredential(
    provider: ProviderType | `${ProviderType}`,
    keyData: Record<string, unknown>,
  ): Promise<CredentialTestResult> {
    const definition = getProvider(provider);
    const credential = parseKeyData(definition.id, keyData);
    const finding = await this.#probe(definition.id, credential, ['format']);
    const result: CredentialTestResult = {
      keyId: null,
      ...this.#resultFields(definition.id, finding, computeHealthScore(finding, [])),
      validatedAt: new Date(),
    };
    this.#metrics.onValidation({
      provider: definition.id,
      isValid: result.isValid,
      ...(result.status === 'valid' ? {} : { reason: result.status }),
    });
    this.#d.logger.debug(
      { provider: definition.id, outcome: result.status, responseTimeMs: result.responseTime },
      'credential tested',
    );
    return result;
  }

  /**
   * Validates every key that is due, every `intervalMs`, on exactly one instance of all those
   * sharing the database: each round first takes (or renews) the lease `byok:periodic-validation`
   * in `byok.leases`, valid for two intervals plus one validation timeout, so the instance that
   * holds it keeps it while it lives and another takes over within two intervals when it dies (or
   * at once when it calls `stop()`).
   *
   * Due: active keys not validated in the last half interval, leaving out keys that cool down
   * (rate limit, billing) — except keys parked by a 401 during a real call, which are revalidated
   * so that they come back (or are marked invalid) promptly. Invalid and disabled keys are left alone.
   * The timer is unref'd: it never keeps a process alive. `validation.enabled: false` (or
   * `BYOK_ENABLE_VALIDATION=false`) gives a schedule that never runs.
   * @example
   * const schedule = await validator.schedulePeriodicValidation(15 * 60_000);
   * // … on shutdown
   * await schedule.stop();
   */
  async schedulePeriodicValidation(
    intervalMs: number,
    options: PeriodicValidationOptions = {},
  ): Promise<PeriodicValidation> {
    return this.#runner.schedule(intervalMs, options);
  }

  /** Stops every schedule this validator started (call on shutdown). */
  async close(): Promise<void> {
    await this.#runner.close();
  }

  /** Probes one row's key, stores the result (group commit) and reports it. */
  async #validateRow(
    row: KeyRow,
    trigger: Trigger,
    context: RequestContext | undefined,
  ): Promise<ValidationResult> {
    return this.#finishRow(row, await this.#examine(row), trigger, context);
  }

  /**
   * For bulk runs: probes, then hands the result to the writer and returns at once, so that the
   * worker moves on to its next key while the result waits for its batch. `settled` resolves
   * once it is stored. The writer's queue is bounded: a worker waits while it is full.
   */
  async #validateRowPipelined(
    row: KeyRow,
    trigger: Trigger,
    context: RequestContext | undefined,
  ): Promise<{ settled: Promise<ValidationResult> }> {
    const finding = await this.#examine(row);
    await this.#writer.belowLimit(MAX_PENDING_WRITES);
    const settled = this.#finishRow(row, finding, trigger, context);
    // Awaited by the caller later; this keeps a failure from counting as unhandled meanwhile.
    settled.catch(() => undefined);
    return { settled };
  }

  async #finishRow(
    row: KeyRow,
    finding: Finding,
    trigger: Trigger,
    context: RequestContext | undefined,
  ): Promise<ValidationResult> {
    const provider = row.provider as ProviderType;
    const owner: Owner = { type: row.owner_type, id: row.owner_id };
    const fields = this.#resultFields(provider, finding, 0);
    const stored: StoredValidation | null = await this.#writer.write({
      row,
      sample: { status: finding.status, responseTimeMs: finding.responseTimeMs },
      retryAfterMs: finding.classification?.retryAfterMs,
      isValid: fields.isValid,
      errorCode: fields.errorCode ?? null,
      errorMessage: fields.errorMessage ?? null,
      testsRun: finding.testsRun,
      audit: trigger === 'manual' ? 'always' : 'status-change',
      trigger,
      context: withActor(context, owner),
    });
    await this.#d.cache.invalidate(cacheKeysFor(row));
    const result: ValidationResult = {
      keyId: row.id,
      ...fields,
      healthScore: stored?.healthScore ?? computeHealthScore(finding, []),
      cooldownUntil: stored ? stored.cooldownUntil : asDate(row.cooldown_until),
      validatedAt: new Date(),
    };
    this.#report(result, trigger);
    return result;
  }

  /** One audit entry for a whole `validateAllKeys` call: who asked, how many, what came out. */
  async #auditSummary(owner: Owner, context: RequestContext, results: ValidationResult[]): Promise<void> {
    const outcomes: Record<string, number> = {};
    for (const result of results) outcomes[result.status] = (outcomes[result.status] ?? 0) + 1;
    await this.#d.db.transaction((tx) =>
      this.#d.audit.append(tx, {
        action: 'key.tested',
        targetType: 'owner',
        targetId: owner.id,
        owner,
        context,
        details: {
          trigger: 'bulk',
          keys: results.length,
          valid: results.filter((r) => r.isValid).length,
          outcomes,
          invalidKeyIds: results
            .filter((r) => r.status === 'invalid_key' || r.status === 'revoked')
            .map((r) => r.keyId),
        },
      }),
    );
  }

  /** Decrypts the row and probes the provider; a decryption failure is a finding, not an error. */
  async #examine(row: KeyRow): Promise<Finding> {
    let keyData: KeyData;
    try {
      keyData = (await this.#d.keys.decryptRow(row)).keyData;
    } catch (error) {
      if (isBYOKError(error) && error.code === 'DECRYPTION_FAILED') {
        return { status: 'decryption_failed', responseTimeMs: 0, secrets: [], testsRun: ['decryption'] };
      }
      throw error;
    }
    return this.#probe(row.provider as ProviderType, keyData, ['decryption']);
  }

  async #probe(provider: ProviderType, keyData: KeyData, testsSoFar: string[]): Promise<Finding> {
    const timeoutMs = this.timeoutMs;
    // Only the options and the settings count: the record given keeps resolveBaseUrl off the environment.
    const baseUrl = resolveBaseUrl(provider, this.#d.options?.providers as BaseUrlOverrides | undefined, {
      [baseUrlEnvVar(provider)]: this.#d.settings?.baseUrls?.[provider],
    });
    const secrets = secretValues(provider, keyData);
    // probeKey aborts at timeoutMs itself; the race is a backstop for an injected fetch that
    // ignores its abort signal, so that the limit holds whatever fetch does.
    let timer: NodeJS.Timeout | undefined;
    const backstop = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            outcome: 'timeout',
            isRetryable: true,
            message: `${getProvider(provider).displayName} did not answer in time: no complete answer within ${timeoutMs} ms`,
            responseTimeMs: timeoutMs,
          }),
        timeoutMs + HARD_LIMIT_SLACK_MS,
      );
      timer.unref();
    });
    try {
      const classification = await Promise.race([
        probeKey(provider, keyData, {
          baseUrl,
          timeoutMs,
          ...(this.#d.fetch ? { fetch: this.#d.fetch } : {}),
        }),
        backstop,
      ]);
      const testsRun = [...testsSoFar, 'authentication'];
      if (classification.balance) testsRun.push('balance');
      return {
        status: classification.outcome,
        responseTimeMs: classification.responseTimeMs,
        classification,
        secrets,
        testsRun,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  #resultFields(provider: ProviderType, finding: Finding, healthScore: number): ResultFields {
    const c = finding.classification;
    const isValid = finding.status === 'valid';
    const fields: ResultFields = {
      provider,
      isValid,
      healthScore,
      status: finding.status,
      responseTime: finding.responseTimeMs,
      testsRun: finding.testsRun,
    };
    if (!isValid) {
      fields.errorCode = ERROR_CODES[finding.status as Exclude<ValidationStatus, 'valid'>];
      fields.errorMessage =
        finding.status === 'decryption_failed'
          ? 'Failed to decrypt API key'
          : scrubSecrets(`Provider validation failed: ${c?.message ?? finding.status}`, finding.secrets);
    }
    if (c?.providerCode !== undefined) fields.providerCode = scrubSecrets(c.providerCode, finding.secrets);
    if (c?.statusCode !== undefined) fields.statusCode = c.statusCode;
    if (c?.retryAfterMs !== undefined) fields.retryAfterMs = c.retryAfterMs;
    if (c?.balance !== undefined) fields.balance = c.balance;
    return fields;
  }

  #report(result: ValidationResult, trigger: Trigger): void {
    this.#metrics.onValidation({
      provider: result.provider,
      isValid: result.isValid,
      ...(result.status === 'valid' ? {} : { reason: result.status }),
    });
    const fields = {
      keyId: result.keyId,
      provider: result.provider,
      outcome: result.status,
      healthScore: result.healthScore,
      responseTimeMs: result.responseTime,
      trigger,
    };
    if (
      result.isValid ||
      !['invalid_key', 'revoked', 'billing', 'decryption_failed'].includes(result.status)
    ) {
      this.#d.logger.debug(fields, 'key validated');
    } else {
      this.#d.logger.warn({ ...fields, error: result.errorMessage }, 'Key validation failed');
    }
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new BYOKError('INVALID_INPUT', `${name} must be a positive number of milliseconds`, {
      details: { field: name },
    });
  }
  return value;
}

const withActor = (context: RequestContext | undefined, owner: Owner): RequestContext => ({
  ...context,
  actor: context?.actor ?? defaultActor(owner),
});
