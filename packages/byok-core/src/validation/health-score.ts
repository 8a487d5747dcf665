import type { ProviderOutcome } from '../providers/index.js';

/** What a validation found: a provider outcome, or a stored key that could not be decrypted. */
export type ValidationStatus = ProviderOutcome | 'decryption_failed';

/** One validation, as far as the health score cares. */
export interface ValidationSample {
  status: ValidationStatus;
  responseTimeMs: number;
}

/** How many earlier validations (newest first) the score blends in. */
export const HEALTH_HISTORY_SIZE = 4;

/** Answers at or below this are "fast" and cost nothing; the penalty grows linearly up to SLOW_MS. */
const FAST_MS = 1_000;
const SLOW_MS = 5_000;
const MAX_LATENCY_PENALTY = 30;
const CURRENT_WEIGHT = 0.6;

/**
 * Score (0–100) of a single validation, ignoring history:
 *
 * | status | score |
 * | --- | --- |
 * | valid | 100 at ≤ 1 s, falling linearly to 70 at ≥ 5 s |
 * | rate_limited | 60 — the key works, it is only busy |
 * | outage, timeout, network_error | 50 — says nothing about the key |
 * | unexpected | 40 |
 * | permission_denied | 30 — authenticates, but cannot do what was asked |
 * | billing | 10 |
 * | invalid_key, revoked, decryption_failed | 0 — unusable |
 */
export function sampleScore(sample: ValidationSample): number {
  switch (sample.status) {
    case 'valid': {
      const excess = Math.min(Math.max(sample.responseTimeMs - FAST_MS, 0), SLOW_MS - FAST_MS);
      return 100 - (excess / (SLOW_MS - FAST_MS)) * MAX_LATENCY_PENALTY;
    }
    case 'rate_limited':
      return 60;
    case 'outage':
    case 'timeout':
    case 'network_error':
      return 50;
    case 'unexpected':
      return 40;
    case 'permission_denied':
      return 30;
    case 'billing':
      return 10;
    case 'invalid_key':
    case 'revoked':
    case 'decryption_failed':
      return 0;
  }
}

/**
 * A key's health score after a validation: 60 % this validation's score and 40 % the mean of
 * the previous (up to {@link HEALTH_HISTORY_SIZE}) validations' scores, rounded; with no history,
 * this validation's score alone. So one outage on a key that was fine stays a blip (100 → 70),
 * and a key that keeps timing out drifts to 50.
 * Two rules override the blend: a key the provider refuses (invalid, revoked) or that cannot be
 * decrypted scores 0, and a key out of credit never scores more than 10, whatever its past.
 * @param history earlier validations, newest first (extra entries are ignored)
 * @example computeHealthScore({ status: 'valid', responseTimeMs: 300 }, []) // 100
 */
export function computeHealthScore(current: ValidationSample, history: readonly ValidationSample[]): number {
  const score = sampleScore(current);
  if (score === 0) return 0;
  const previous = history.slice(0, HEALTH_HISTORY_SIZE);
  const blended =
    previous.length === 0
      ? score
      : CURRENT_WEIGHT * score +
        (1 - CURRENT_WEIGHT) *
          (previous.reduce((sum, sample) => sum + sampleScore(sample), 0) / previous.length);
  const rounded = Math.round(Math.min(100, Math.max(0, blended)));
  return current.status === 'billing' ? Math.min(rounded, 10) : rounded;
}
