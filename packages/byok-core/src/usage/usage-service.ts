import type { AlertService } from '../alerts/alert-service.js';
import type { Owner } from '../crypto/index.js';
import { BYOKError, invalidInput, keyNotFound, parseInput } from '../errors/index.js';
import { toOwner } from '../keys/owner.js';
import type { Logger } from '../logging/index.js';
import type { Database, SqlClient } from '../store/types.js';
import { bucketStarts, EMPTY_FIGURES, queryFigures } from './analytics.js';
import { priceUsage } from './pricing.js';
import { analyticsOptionsSchema as analyticsSchema, recordUsageSchema as recordSchema } from './schemas.js';
import type {
  AnalyticsOptions,
  RecordUsageInput,
  UsageAnalytics,
  UsageEvent,
  UsageRecorded,
} from './types.js';

export interface UsageServiceOptions {
  db: Database;
  logger: Logger;
  /** Called after each recorded usage commits (the `token_usage_daily` counter hangs here). Must not throw. */
  onUsage?: (event: UsageEvent) => void;
  /** Checks the owner's alerts inside the recording transaction and delivers after commit. */
  alerts: Pick<AlertService, 'checkAlerts' | 'deliver'>;
}

const DAY_MS = 86_400_000;

const keyNotActive = (keyId: string, status: string): BYOKError =>
  new BYOKError('KEY_NOT_ACTIVE', `Key ${keyId} is ${status}: usage on it is refused`, {
    details: { keyId, status },
  });
const RANGES = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS } as const;
/** Longest custom range: ten years. */
const MAX_RANGE_MS = 3660 * DAY_MS;

/**
 * Records provider usage and answers analytics over it.
 *
 * Each record is one transaction: the raw row in `byok.key_usage`, its daily roll-up in
 * `byok.usage_daily` (one statement, so the roll-ups always add up to the raw rows), and the
 * owner's alert check. Notifications go out after commit.
 */
export class UsageService {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #onUsage: (event: UsageEvent) => void;
  readonly #alerts: Pick<AlertService, 'checkAlerts' | 'deliver'>;

  constructor(options: UsageServiceOptions) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.#onUsage = options.onUsage ?? (() => undefined);
    this.#alerts = options.alerts;
  }

  /**
   * Records usage. Cost comes from the price table unless `costUsd` is given; a model the table
   * does not know is recorded as unpriced (`costUsd: null`), never as $0.
   *
   * @example
   * await usage.recordUsage({ keyId, provider: 'openai', model: 'gpt-6.1-sol', inputTokens: 1200, cachedTokens: 200, outputTokens: 300 });
   * // → { id: '42', costUsd: 0.00502, priced: true }
   */
  async recordUsage(input: RecordUsageInput): Promise<UsageRecorded> {
    const parsed = parseInput(recordSchema, input, 'usage');
    const inputTokens = parsed.inputTokens ?? 0;
    const outputTokens = parsed.outputTokens ?? 0;
    const cachedTokens = parsed.cachedTokens ?? 0;
    const requests = parsed.requests ?? 1;
    if (cachedTokens > inputTokens) {
      throw invalidInput('cachedTokens is the cached part of inputTokens and cannot be larger', {
        field: 'cachedTokens',
      });
    }
    if (!parsed.keyId && !parsed.userId && !parsed.workspaceId) {
      throw invalidInput('keyId, userId or workspaceId is required', { field: 'userId' });
    }
    const givenOwner = parsed.userId || parsed.workspaceId ? toOwner(parsed) : undefined;
    const at = parsed.at ?? new Date();
    const price =
      parsed.costUsd !== undefined
        ? { costUsd: Math.round(parsed.costUsd * 1e8) / 1e8, priced: true }
        : priceUsage({
            provider: parsed.provider,
            model: parsed.model,
            inputTokens,
            outputTokens,
            cachedTokens,
            requests,
            at,
          });

    const recorded = await this.#db.transaction(async (tx) => {
      let owner = givenOwner as Owner;
      if (parsed.keyId) {
        const { rows } = await tx.query<{
          owner_type: 'user' | 'workspace';
          owner_id: string;
          provider: string;
          status: string;
        }>('SELECT owner_type, owner_id, provider, status FROM byok.keys WHERE id = $1 FOR SHARE', [
          parsed.keyId,
        ]);
        const key = rows[0];
        // Someone else's key is "not found", exactly like a missing one (owners never learn of others' rows).
        if (!key || (givenOwner && (key.owner_type !== givenOwner.type || key.owner_id !== givenOwner.id))) {
          if (givenOwner && (await this.#wasDeletedBy(tx, parsed.keyId, givenOwner))) {
            throw keyNotActive(parsed.keyId, 'deleted');
          }
          throw keyNotFound(parsed.keyId);
        }
        // A revoked or disabled key must not be used, so usage claimed on it is refused, not counted.
        if (key.status === 'revoked' || key.status === 'disabled')
          throw keyNotActive(parsed.keyId, key.status);
        if (key.provider !== parsed.provider) {
          throw invalidInput(`Key ${parsed.keyId} is a ${key.provider} key, not ${parsed.provider}`, {
            field: 'provider',
          });
        }
        owner = { type: key.owner_type, id: key.owner_id };
      }
      // The raw row and its roll-up in one statement: the roll-up adds exactly what was stored.
      const { rows } = await tx.query<{ id: string }>(
        `WITH raw AS (
           INSERT INTO byok.key_usage (key_id, owner_type, owner_id, provider, model, requests, input_tokens,
                                       output_tokens, cached_tokens, cost_usd, priced, latency_ms, success, created_at,
                                       audio_seconds)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           RETURNING *
         ), rollup AS (
           INSERT INTO byok.usage_daily AS d (owner_type, owner_id, day, provider, key_id, model, requests, errors,
                                              input_tokens, output_tokens, cached_tokens, cost_usd, unpriced_requests)
           SELECT owner_type, owner_id, (created_at AT TIME ZONE 'UTC')::date, provider, coalesce(key_id, ''),
                  coalesce(model, ''), requests, CASE WHEN success THEN 0 ELSE requests END, input_tokens,
                  output_tokens, cached_tokens, coalesce(cost_usd, 0), CASE WHEN priced THEN 0 ELSE requests END
             FROM raw
           ON CONFLICT (owner_type, owner_id, day, provider, key_id, model) DO UPDATE SET
             requests = d.requests + EXCLUDED.requests,
             errors = d.errors + EXCLUDED.errors,
             input_tokens = d.input_tokens + EXCLUDED.input_tokens,
             output_tokens = d.output_tokens + EXCLUDED.output_tokens,
             cached_tokens = d.cached_tokens + EXCLUDED.cached_tokens,
             cost_usd = d.cost_usd + EXCLUDED.cost_usd,
             unpriced_requests = d.unpriced_requests + EXCLUDED.unpriced_requests
         )
         SELECT id::text AS id FROM raw`,
        [
          parsed.keyId ?? null,
          owner.type,
          owner.id,
          parsed.provider,
          parsed.model ?? null,
          requests,
          inputTokens,
          outputTokens,
          cachedTokens,
          price.costUsd,
          price.priced,
          parsed.latencyMs ?? null,
          parsed.success ?? true,
          at,
          parsed.audioSeconds ?? null,
        ],
      );
      const notifications = await this.#alerts.checkAlerts(tx, owner, at);
      return { id: rows[0]?.id as string, notifications };
    });

    this.#alerts.deliver(recorded.notifications);
    try {
      // `token_usage_daily` counts today's tokens (UTC): back-dated usage does not belong in it.
      const today = new Date().toISOString().slice(0, 10);
      if (at.toISOString().slice(0, 10) === today) {
        this.#onUsage({
          provider: parsed.provider,
          inputTokens,
          outputTokens,
          cachedTokens,
          ...(price.costUsd !== null ? { costUsd: price.costUsd } : {}),
        });
      }
    } catch (error) {
      this.#logger.warn({ err: { message: (error as Error)?.message } }, 'onUsage listener threw');
    }
    return { id: recorded.id, costUsd: price.costUsd, priced: price.priced };
  }

  /** Whether the owner's audit trail records deleting this key (its own key, so telling it leaks nothing). */
  async #wasDeletedBy(tx: SqlClient, keyId: string, owner: Owner): Promise<boolean> {
    const { rows } = await tx.query(
      `SELECT 1 FROM byok.audit_log
        WHERE owner_type = $1 AND owner_id = $2 AND action = 'key.deleted' AND target_id = $3 LIMIT 1`,
      [owner.type, owner.id, keyId],
    );
    return rows.length > 0;
  }

  /**
   * Usage of one owner over a time range, in total and by time bucket, provider and key (UTC).
   *
   * @example
   * const analytics = await usage.getAnalytics('user_123', {
   *   timeRange: '30d',
   *   providers: [ProviderType.OPENAI],
   *   metrics: ['requests', 'tokens', 'cost'],
   *   groupBy: 'day',
   * });
   */
  async getAnalytics(
    owner: string | { userId?: string; workspaceId?: string },
    options: AnalyticsOptions = {},
  ): Promise<UsageAnalytics> {
    const resolved = toOwner(owner);
    const parsed = parseInput(analyticsSchema, options, 'analytics options');
    const groupBy = parsed.groupBy ?? 'day';
    const timeRange = parsed.timeRange ?? '30d';
    let from: Date;
    let to: Date;
    if (typeof timeRange === 'string') {
      to = new Date();
      from = new Date(to.getTime() - RANGES[timeRange]);
    } else {
      ({ from, to } = timeRange);
      if (from >= to)
        throw invalidInput('timeRange.from must be before timeRange.to', { field: 'timeRange' });
      if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
        throw invalidInput('timeRange may span at most ten years', { field: 'timeRange' });
      }
    }
    const providers = parsed.providers?.length ? [...new Set(parsed.providers)] : null;
    const starts = groupBy === 'provider' || groupBy === 'key' ? [] : bucketStarts(groupBy, from, to);

    const figures = await queryFigures(this.#db, { owner: resolved, from, to, providers, groupBy });

    let series: UsageAnalytics['series'];
    if (groupBy === 'provider')
      series = figures.byProvider.map(({ provider, ...f }) => ({ bucket: provider, ...f }));
    else if (groupBy === 'key')
      series = figures.byKey.map(({ keyId, ...f }) => ({ bucket: keyId ?? 'none', ...f }));
    else series = starts.map((bucket) => ({ bucket, ...(figures.byBucket.get(bucket) ?? EMPTY_FIGURES) }));

    return {
      owner: resolved,
      timeRange: { from: from.toISOString(), to: to.toISOString() },
      groupBy,
      metrics: parsed.metrics ?? ['requests', 'tokens', 'cost'],
      providers,
      totals: figures.totals,
      series,
      byProvider: figures.byProvider,
      byKey: figures.byKey,
    };
  }
}
