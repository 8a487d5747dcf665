import type { ProviderOutcome } from '../providers/index.js';

/**
 * How long a key is kept out of rotation after a provider refused it. A wait the provider asked
 * for (Retry-After, Google's RetryInfo) wins over the default for rate limits; billing waits at
 * least `billingMs` because topping up an account takes a person.
 */
export interface CooldownPolicy {
  /** 429 without a hint. Default 60 s. */
  rateLimitedMs: number;
  /** 402 / out of credit. Default 1 h. */
  billingMs: number;
  /**
   * 401 during a real call (fallback): the key stays out until the next validation decides
   * (periodic validation picks such keys up even while they cool down), at most this long. Default 24 h.
   */
  untilRevalidatedMs: number;
  /** Upper bound on any provider-requested wait, so a bogus header cannot park a key for a year. Default 24 h. */
  maxMs: number;
}

export const DEFAULT_COOLDOWNS: CooldownPolicy = {
  rateLimitedMs: 60_000,
  billingMs: 60 * 60_000,
  untilRevalidatedMs: 24 * 60 * 60_000,
  maxMs: 24 * 60 * 60_000,
};

/** Outcomes after which a key is parked, in the order of the table above. */
export const COOLDOWN_OUTCOMES: ReadonlySet<ProviderOutcome> = new Set<ProviderOutcome>([
  'rate_limited',
  'billing',
  'invalid_key',
  'revoked',
]);

/**
 * The cooldown (ms) an outcome calls for, or undefined when the outcome says nothing about the key
 * (outages, timeouts, network errors: every key of the provider would fail alike).
 */
export function cooldownMsFor(
  outcome: ProviderOutcome,
  retryAfterMs: number | undefined,
  policy: CooldownPolicy = DEFAULT_COOLDOWNS,
): number | undefined {
  const asked =
    retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0
      ? retryAfterMs
      : undefined;
  switch (outcome) {
    case 'rate_limited':
      return Math.min(asked ?? policy.rateLimitedMs, policy.maxMs);
    case 'billing':
      return Math.min(Math.max(asked ?? 0, policy.billingMs), policy.maxMs);
    case 'invalid_key':
    case 'revoked':
      return policy.untilRevalidatedMs;
    default:
      return undefined;
  }
}
