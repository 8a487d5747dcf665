import type { Owner } from '../crypto/index.js';
import type { ProviderType } from '../providers/index.js';

/**
 * One use (or a batch of uses) of a provider.
 *
 * Token convention: `inputTokens` counts every input token, cached ones included (OpenAI
 * `prompt_tokens`, Gemini `promptTokenCount`, DeepSeek `prompt_tokens`; for Anthropic add
 * `input_tokens + cache_read_input_tokens + cache_creation_input_tokens`), and `cachedTokens`
 * is the part of it read from the cache.
 */
export interface RecordUsageInput {
  /**
   * The key used. Its owner and provider are read from the key, so a key id alone is enough; a
   * given owner (`userId` / `workspaceId`) is checked against the key's, a given provider must match.
   */
  keyId?: string;
  userId?: string;
  workspaceId?: string;
  /** Required without `keyId` (usage on the application's own key); read from the key otherwise. */
  provider?: ProviderType | `${ProviderType}`;
  model?: string;
  /** Requests this record stands for; default 1. */
  requests?: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  /** What the provider charged, when it says (OpenRouter `usage.cost`, Twilio `price`); otherwise priced from the table. */
  costUsd?: number;
  latencyMs?: number;
  /** Seconds of audio processed (voice providers such as Deepgram bill audio time; priced per minute). */
  audioSeconds?: number;
  /** false counts the requests as errors. Default true. */
  success?: boolean;
  /** When it happened; default now. */
  at?: Date | string | number;
}

export interface UsageRecorded {
  /** Row id in `byok.key_usage`. */
  id: string;
  /** USD; null when the model has no known price (unpriced, not $0). */
  costUsd: number | null;
  priced: boolean;
}

export type AnalyticsTimeRange = '24h' | '7d' | '30d' | '90d' | { from: Date | string; to: Date | string };
export type AnalyticsGroupBy = 'hour' | 'day' | 'week' | 'month' | 'provider' | 'key';
export type AnalyticsMetric = 'requests' | 'tokens' | 'minutes' | 'cost';

export interface AnalyticsOptions {
  /** A rolling window ending now, or `{ from, to }` (`to` excluded). Default `'30d'`. */
  timeRange?: AnalyticsTimeRange;
  /** Only these providers; default all. */
  providers?: (ProviderType | `${ProviderType}`)[];
  /** Accepted for the spec's shape; every figure is always returned (they come from one query). */
  metrics?: AnalyticsMetric[];
  /** Default `'day'`. Time buckets are UTC; weeks start on Monday. */
  groupBy?: AnalyticsGroupBy;
}

/** Usage added up over some rows. */
export interface UsageFigures {
  requests: number;
  /** Requests recorded with `success: false`. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** inputTokens + outputTokens (cached tokens are part of the input). */
  totalTokens: number;
  /**
   * USD of the priced requests. null when every request here is unpriced: the cost is unknown,
   * not $0. When some are unpriced, this is a lower bound and `unpricedRequests` says how many.
   */
  costUsd: number | null;
  /** Requests whose model has no known price. */
  unpricedRequests: number;
  /** Seconds of audio processed (voice providers), exact to the millisecond. */
  audioSeconds: number;
  /** Audio minutes (`audioSeconds / 60`, 3 decimals): what voice providers bill, beside tokens. */
  minutes: number;
}

export interface UsageAnalytics {
  owner: Owner;
  /** ISO instants; `to` excluded. */
  timeRange: { from: string; to: string };
  groupBy: AnalyticsGroupBy;
  metrics: AnalyticsMetric[];
  providers: string[] | null;
  totals: UsageFigures;
  /** By time bucket (every bucket of the range, empty ones too), by provider or by key. */
  series: (UsageFigures & { bucket: string })[];
  byProvider: (UsageFigures & { provider: string })[];
  /** keyId null: usage recorded without a key. */
  byKey: (UsageFigures & { keyId: string | null })[];
}
