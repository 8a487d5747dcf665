import type { ProviderOutcome } from '../providers/index.js';

/** Why a validation did not succeed: a provider outcome, or a key we could not decrypt. */
export type ValidationFailureReason = Exclude<ProviderOutcome, 'valid'> | 'decryption_failed';

/** How a key lookup ended, for `byok_key_lookups_total{provider,result}`. */
export type KeyLookupResult = 'user_key' | 'fallback_key' | 'system_key' | 'none';

/** Token counts of one provider call, as the usage service reports them. */
export interface UsageEvent {
  provider: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  /** Priced cost in US dollars; absent when the model is unpriced. */
  costUsd?: number;
}

/**
 * What the services report to metrics. Every label is a provider id or a value of a fixed set:
 * never a key id, a user id or anything secret. Implementations must not throw.
 */
export interface MetricsRecorder {
  /** One validation finished (`ai_provider_validation_{success,failure}_total`). */
  onValidation(event: { provider: string; isValid: boolean; reason?: ValidationFailureReason }): void;
  /** A stored credential failed to decrypt (`api_key_decryption_errors_total`). */
  onDecryptionError(provider: string): void;
  /** Tokens and cost of one provider call (`token_usage_daily`, `byok_usage_*_total`). */
  onUsage(event: UsageEvent): void;
  /** A key lookup ended (`byok_key_lookups_total`). */
  onKeyLookup(provider: string, result: KeyLookupResult): void;
}

/** The recorder used when no metrics are configured: does nothing. */
export const noopMetrics: MetricsRecorder = {
  onValidation: () => undefined,
  onDecryptionError: () => undefined,
  onUsage: () => undefined,
  onKeyLookup: () => undefined,
};
