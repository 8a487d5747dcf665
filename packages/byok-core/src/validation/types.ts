import type { RequestContext } from '../audit/index.js';
import type { OwnerSelector } from '../keys/types.js';
import type { ProviderType } from '../providers/index.js';
import type { ValidationStatus } from './health-score.js';

/** What one validation of a stored key found. Never contains the key. */
export interface ValidationResult {
  keyId: string;
  provider: ProviderType;
  /** True only when the provider accepted the key (`status === 'valid'`). */
  isValid: boolean;
  /** The key's health score (0–100) after this validation; see `computeHealthScore`. */
  healthScore: number;
  /** The provider outcome (`valid`, `invalid_key`, `billing`, `rate_limited`, …) or `decryption_failed`. */
  status: ValidationStatus;
  /** Stable code of a failure: `INVALID_KEY`, `KEY_REVOKED`, `BILLING`, `RATE_LIMITED`, … */
  errorCode?: string;
  /** "Provider validation failed: …" (or "Failed to decrypt API key"); never contains a secret. */
  errorMessage?: string;
  /** The provider's own error code (`invalid_api_key`, `20003`), when it gave one. */
  providerCode?: string;
  /** HTTP status of the provider's answer, when there was one. */
  statusCode?: number;
  /** Wall-clock time of the provider request, in ms (at most the validation timeout). */
  responseTime: number;
  /** What was checked: `decryption`, `authentication`, and `balance` when the answer showed one. */
  testsRun: string[];
  balance?: { amount: number; currency: string };
  /** How long the provider asked to wait (rate limits). */
  retryAfterMs?: number;
  /** Until when the key is kept out of rotation after this validation; null when it is not. */
  cooldownUntil: Date | null;
  validatedAt: Date;
}

/** What testing a credential that is not stored found (`testCredential`): nothing is written. */
export type CredentialTestResult = Omit<ValidationResult, 'keyId' | 'cooldownUntil'> & { keyId: null };

export interface TestKeyOptions {
  /** When given, the key must belong to this owner, or it is "not found". */
  scope?: OwnerSelector | undefined;
  /** Who asked (recorded in the audit entry). */
  context?: RequestContext | undefined;
  /**
   * `manual` (default: a person asked) is always audited; `bulk` and `scheduled` runs are audited
   * only when the key's status changes (every validation still gets its `key_validations` row).
   */
  trigger?: 'manual' | 'bulk' | 'scheduled';
}

export interface ValidateAllOptions {
  context?: RequestContext | undefined;
  /** Keys tested at once; default from `validation.parallelValidation` (true → 10, false → 1). */
  concurrency?: number;
}

export interface PeriodicValidationOptions {
  /** Lease name shared by every instance on the database. Default `byok:periodic-validation`. */
  leaseName?: string;
  /** Run a round at once instead of after the first interval. Default false. */
  runImmediately?: boolean;
  /** Keys tested at once; default from `validation.parallelValidation`. */
  concurrency?: number;
}

/** What one round of periodic validation did. */
export interface PeriodicRunReport {
  startedAt: Date;
  durationMs: number;
  /** Keys validated this round. */
  validated: number;
  valid: number;
  failed: number;
  /** Keys that could not be validated (e.g. deleted meanwhile, master key missing). */
  errors: number;
  /** True when the lease was lost mid-round and the rest was left to the new holder. */
  leaseLost: boolean;
}

/** A running schedule, as returned by `schedulePeriodicValidation`. */
export interface PeriodicValidation {
  readonly intervalMs: number;
  /** This instance's lease holder id (`host:pid:random`). */
  readonly holder: string;
  /** Rounds this instance ran (each with the lease held). */
  readonly runs: number;
  /**
   * Runs one round now if this instance gets the lease. Null when another instance holds it,
   * a round is already running here, or the schedule is stopped.
   */
  runOnce(): Promise<PeriodicRunReport | null>;
  /** Cancels the timer, waits for a running round, and hands the lease back. */
  stop(): Promise<void>;
}

/**
 * Settings of the validator that come from the deployment rather than the `validation` options
 * (`validationAndFallbackSettingsFromEnv` makes them from `BYOK_*` variables). The options win.
 */
export interface ValidationSettings {
  /** Hard limit of one provider request, in ms, when `validation.timeout` is not given. */
  timeoutMs?: number;
  /** false: periodic validation never runs, even when `validation.enabled` is not false. */
  enabled?: boolean;
  /** Base URL per provider, used when the `providers` option gives none for it. */
  baseUrls?: Partial<Record<ProviderType, string>>;
}
