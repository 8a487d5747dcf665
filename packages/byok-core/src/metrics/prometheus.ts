import { Counter, Gauge, Registry } from 'prom-client';
import { isProviderType, listProviders } from '../providers/index.js';
import { counter } from './counter.js';
import { createOperationalMetrics, type OperationalMetrics } from './operational.js';
import type { KeyLookupResult, MetricsRecorder, UsageEvent, ValidationFailureReason } from './types.js';

/** The metrics of the deployment guide, registered in one prom-client registry. */
export interface BYOKMetrics extends MetricsRecorder {
  /** Serve it with `await registry.metrics()` and `registry.contentType`. */
  readonly registry: Registry;
  readonly validationSuccess: Counter<'provider'>;
  readonly validationFailure: Counter<'provider' | 'reason'>;
  readonly decryptionErrors: Counter<'provider'>;
  readonly tokenUsageDaily: Gauge<'provider' | 'type'>;
  readonly keyLookups: Counter<'provider' | 'result'>;
  /** Master key, database and audit-verification gauges for the alert rules. */
  readonly operational: OperationalMetrics;
  /**
   * Reads a running count of decryption errors per provider (the manager's
   * `context.counters.decryptionErrors`) at every scrape and adds what is new to
   * `api_key_decryption_errors_total`. Use it or `onDecryptionError`, not both for the same errors.
   */
  trackDecryptionErrorCounts(counts: ReadonlyMap<string, number>): void;
}

const REASONS: ReadonlySet<string> = new Set<ValidationFailureReason>([
  'invalid_key',
  'revoked',
  'permission_denied',
  'billing',
  'rate_limited',
  'outage',
  'timeout',
  'network_error',
  'unexpected',
  'decryption_failed',
]);
const LOOKUP_RESULTS: ReadonlySet<string> = new Set<KeyLookupResult>([
  'user_key',
  'fallback_key',
  'system_key',
  'none',
]);

// Label values come from a fixed set only, so a caller's typo (or a secret passed by mistake)
// never becomes a label value or a new time series.
const providerLabel = (provider: string): string => (isProviderType(provider) ? provider : 'unknown');

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const nonNegative = (value: number | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

const byRegistry = new WeakMap<Registry, BYOKMetrics>();

/**
 * Creates (or, for a registry that already has them, returns) the BYOK metrics:
 * - `ai_provider_validation_success_total{provider}`
 * - `ai_provider_validation_failure_total{provider,reason}` — reason is the provider outcome
 *   (`invalid_key`, `billing`, `rate_limited`, …) or `decryption_failed`
 * - `api_key_decryption_errors_total{provider}`
 * - `token_usage_daily{provider,type}` — a gauge of today's tokens (UTC), type `input`, `output`
 *   or `cached`; it starts again from zero at 00:00 UTC, as its name says
 * - `byok_key_lookups_total{provider,result}` — result `user_key`, `fallback_key`, `system_key`, `none`
 *
 * Labels are provider ids and fixed words only: never a key id, a user id or a secret.
 * Pass the registry the HTTP `/metrics` route serves to expose everything on one page.
 * @example
 * const metrics = createMetrics();
 * metrics.onUsage({ provider: 'openai', inputTokens: 12, outputTokens: 7 });
 * const text = await metrics.registry.metrics();
 */
export function createMetrics(
  registry: Registry = new Registry(),
  now: () => number = Date.now,
): BYOKMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;

  const validationSuccess = counter(
    registry,
    'ai_provider_validation_success_total',
    'Provider key validations that succeeded, by provider',
    ['provider'],
  );
  const validationFailure = counter(
    registry,
    'ai_provider_validation_failure_total',
    'Provider key validations that failed, by provider and reason (provider outcome)',
    ['provider', 'reason'],
  );

  const decryptionSources: { counts: ReadonlyMap<string, number>; seen: Map<string, number> }[] = [];
  const decryptionErrors: Counter<'provider'> = new Counter({
    name: 'api_key_decryption_errors_total',
    help: 'Stored credentials that failed to decrypt (master key mismatch or corrupted ciphertext), by provider',
    labelNames: ['provider'] as const,
    registers: [registry],
    collect() {
      for (const source of decryptionSources) {
        for (const [provider, count] of source.counts) {
          const delta = count - (source.seen.get(provider) ?? 0);
          if (delta > 0) decryptionErrors.inc({ provider: providerLabel(provider) }, delta);
          source.seen.set(provider, count);
        }
      }
    },
  });

  // Every provider's series exists from the first scrape, at 0, so that `increase()` in the alert
  // rules sees the first error too (a series born at 1 shows no increase).
  for (const provider of listProviders()) decryptionErrors.inc({ provider: provider.id }, 0);

  let day = utcDay(now());
  const rollOver = (): void => {
    const today = utcDay(now());
    if (today !== day) {
      day = today;
      tokenUsageDaily.reset();
    }
  };
  const tokenUsageDaily: Gauge<'provider' | 'type'> = new Gauge({
    name: 'token_usage_daily',
    help: 'Tokens used today (UTC) by provider and token type (input, output, cached); restarts at 00:00 UTC',
    labelNames: ['provider', 'type'] as const,
    registers: [registry],
    collect: rollOver,
  });

  const usageTokens = counter(
    registry,
    'byok_usage_tokens_total',
    'Tokens recorded by provider and type (input, output, cached)',
    ['provider', 'type'],
  );
  const usageCost = counter(
    registry,
    'byok_usage_cost_usd_total',
    'Priced cost of recorded usage in US dollars, by provider (unpriced usage adds nothing)',
    ['provider'],
  );
  const keyLookups = counter(
    registry,
    'byok_key_lookups_total',
    'Key lookups by provider and how they ended (user_key, fallback_key, system_key, none)',
    ['provider', 'result'],
  );

  const metrics: BYOKMetrics = {
    registry,
    validationSuccess,
    validationFailure,
    decryptionErrors,
    tokenUsageDaily,
    keyLookups,
    operational: createOperationalMetrics(registry),
    onValidation({ provider, isValid, reason }) {
      if (isValid) {
        validationSuccess.inc({ provider: providerLabel(provider) });
        return;
      }
      const label = reason !== undefined && REASONS.has(reason) ? reason : 'unexpected';
      validationFailure.inc({ provider: providerLabel(provider), reason: label });
    },
    onDecryptionError(provider) {
      decryptionErrors.inc({ provider: providerLabel(provider) });
    },
    onUsage(event: UsageEvent) {
      rollOver();
      const provider = providerLabel(event.provider);
      const counts = {
        input: nonNegative(event.inputTokens),
        output: nonNegative(event.outputTokens),
        cached: nonNegative(event.cachedTokens),
      };
      for (const [type, value] of Object.entries(counts)) {
        if (value > 0) {
          tokenUsageDaily.inc({ provider, type }, value);
          usageTokens.inc({ provider, type }, value);
        }
      }
      const cost = nonNegative(event.costUsd);
      if (cost > 0) usageCost.inc({ provider }, cost);
    },
    onKeyLookup(provider, result) {
      keyLookups.inc({
        provider: providerLabel(provider),
        result: LOOKUP_RESULTS.has(result) ? result : 'none',
      });
    },
    trackDecryptionErrorCounts(counts) {
      if (decryptionSources.some((source) => source.counts === counts)) return;
      // Errors counted before tracking started are reported too: start from zero.
      decryptionSources.push({ counts, seen: new Map() });
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
