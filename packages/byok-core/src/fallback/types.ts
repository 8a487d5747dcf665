import type { Owner } from '../crypto/index.js';
import type { Environment, KeyData, ProviderOutcome, ProviderType } from '../providers/index.js';

/** What `configureFallbackChain` takes (the spec's shape). */
export interface FallbackChainConfig {
  /** Tried first. Must be a key of the same owner, provider and environment. */
  primaryKeyId?: string | null;
  /** Tried next, in order. Same rule as the primary; no duplicates. */
  fallbackSequence?: string[];
  /** After every user key: the application's own key (`fallback.systemKeys` or `SYSTEM_*`). Default false. */
  useSystemFallback?: boolean;
  /** Retries after the first attempt in `executeWithFallback` (0–10): at most `1 + maxRetries` calls. Default 3. */
  maxRetries?: number;
  /** Pause between two attempts, in ms (0–60,000). Default 1,000. */
  retryDelayMs?: number;
}

/** A stored (or default) chain. */
export interface FallbackChain {
  owner: Owner;
  provider: ProviderType;
  environment: Environment;
  primaryKeyId: string | null;
  fallbackSequence: string[];
  useSystemFallback: boolean;
  maxRetries: number;
  retryDelayMs: number;
  /** False for the default chain of an owner who configured none. */
  configured: boolean;
  updatedAt: Date | null;
}

/** Why a key was passed over. */
export type SkipReason =
  | 'disabled'
  | 'invalid'
  | 'revoked'
  | 'compromised'
  | 'cooling_down'
  | 'missing'
  | 'decryption_failed';

export interface SkippedKey {
  keyId: string;
  reason: SkipReason;
  /** For `cooling_down`: when the key is back. */
  until?: Date;
}

/** A key ready to use, with how it was picked. Server-side only: it holds the plaintext credential. */
export interface FallbackKeyResult {
  /** The key's id, or `'system'` for the application's own key. */
  keyId: string;
  provider: ProviderType;
  environment: Environment;
  keyData: KeyData;
  wasSystemFallback: boolean;
  /** Keys passed over before this one, in chain order. */
  skipped: SkippedKey[];
}

export interface FallbackAttempt {
  keyId: string;
  /** `valid` for the attempt that succeeded, else what the failure meant. */
  outcome: ProviderOutcome;
  statusCode?: number;
}

export interface ExecuteWithFallbackResult<T> {
  result: T;
  /** The key that served (`'system'` for the application's key). */
  keyId: string;
  wasSystemFallback: boolean;
  /** Every call made, in order; the last one succeeded. */
  attempts: FallbackAttempt[];
  skipped: SkippedKey[];
}

/**
 * Settings of the fallback manager that come from the deployment rather than the `fallback`
 * options (`validationAndFallbackSettingsFromEnv` makes them from `BYOK_*` / `SYSTEM_*` variables).
 */
export interface FallbackSettings {
  /** false: the application's own keys are never served, whatever the chains say. Default true. */
  systemFallbackAllowed?: boolean;
  /** The application's own credentials, used for a provider the `fallback.systemKeys` option leaves empty. */
  systemKeys?: Partial<Record<ProviderType, Partial<KeyData>>>;
}
