import type { Owner } from '../crypto/index.js';
import { BYOKError, invalidInput, keyNotFound, parseInput } from '../errors/index.js';
import { toOwner } from '../keys/owner.js';
import type { Database } from '../store/types.js';
import { type UsageKeyFound, type UsageStore, usageStore } from '../store/usage-store.js';
import { bucketStarts, EMPTY_FIGURES, queryFigures } from './analytics.js';
import { priceUsage } from './pricing.js';
import { purgeExpiredUsage, type UsagePurgeResult, type UsageRetentionOptions } from './retention.js';
import { analyticsOptionsSchema as analyticsSchema, recordUsageSchema as recordSchema } from './schemas.js';
import type { AnalyticsOptions, RecordUsageInput, UsageAnalytics, UsageRecorded } from './types.js';
import type { UsageWriteEvent, UsageWriter } from './usage-writer.js';

export interface UsageServiceOptions {
  db: Database;
  /**
   * The system's one batched writer: every record goes through it (its batch checks the key,
   * stores the row and its roll-ups, checks alerts, and after commit delivers them and tells its
   * `onCommitted` listener, where the `token_usage_daily` counter hangs).
   */
  writer: Pick<UsageWriter, 'write'>;
  /** Where the rows live; default the SQL store. */
  store?: UsageStore;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A required field left out: INVALID_INPUT whose details name the field and say it is missing. */
const missingField = (field: string, message: string): BYOKError =>
  invalidInput(message, { field, reason: 'missing', issues: [{ path: field, message: 'required' }] });

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
 * A record goes through the batched {@link UsageWriter} (group commit): in one transaction per
 * batch, the keys of all its records are read in one query, then the raw rows in `byok.key_usage`
 * with their hourly and daily roll-ups in `byok.usage_hourly` and `byok.usage_daily` (one
 * statement, so the roll-ups always add up to the raw rows; analytics read only roll-ups for whole
 * hours), and each owner's alert check. The caller is answered after commit; notifications go out then.
 */
export class UsageService {
  readonly #db: Database;
  readonly #writer: Pick<UsageWriter, 'write'>;
  readonly #store: UsageStore;

  constructor(options: UsageServiceOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#store = options.store ?? usageStore;
  }

  /**
   * Records usage. Cost comes from the price table unless `costUsd` is given; a model the table
   * does not know is recorded as unpriced (`costUsd: null`), never as $0. Input is checked before
   * anything is queued; the key is checked in the batch. Resolves once the row is committed (no
   * crash-loss window for an answered call); rejects with `DATABASE_UNAVAILABLE` when the batch
   * could not be written (not retried: a commit whose answer was lost may already hold it).
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
      throw missingField('keyId', 'keyId (or userId / workspaceId with provider) is required');
    }
    if (!parsed.keyId && !parsed.provider) {
      throw missingField(
        'provider',
        'provider is required when no keyId is given (a key knows its provider)',
      );
    }
    const givenOwner = parsed.userId || parsed.workspaceId ? toOwner(parsed) : undefined;
    const at = parsed.at ?? new Date();
    const { keyId } = parsed;

    // Runs in the batch's transaction, once the key (if any) has been read with the batch's others.
    let price: { costUsd: number | null; priced: boolean } = { costUsd: null, priced: false };
    const complete = (found: UsageKeyFound | undefined): UsageWriteEvent => {
      let owner = givenOwner as Owner;
      let provider = parsed.provider as string;
      if (keyId) {
        const key = found?.key;
        // Someone else's key is "not found", exactly like a missing one (owners never learn of others' rows).
        if (!key || (givenOwner && (key.owner.type !== givenOwner.type || key.owner.id !== givenOwner.id))) {
          if (found?.deletedByOwner) throw keyNotActive(keyId, 'deleted');
          throw keyNotFound(keyId);
        }
        // A revoked or disabled key must not be used, so usage claimed on it is refused, not counted.
        if (key.status === 'revoked' || key.status === 'disabled') throw keyNotActive(keyId, key.status);
        if (parsed.provider && key.provider !== parsed.provider) {
          throw invalidInput(`Key ${keyId} is a ${key.provider} key, not ${parsed.provider}`, {
            field: 'provider',
          });
        }
        owner = key.owner;
        provider = key.provider;
      }
      price =
        parsed.costUsd !== undefined
          ? { costUsd: Math.round(parsed.costUsd * 1e8) / 1e8, priced: true }
          : priceUsage({
              provider,
              model: parsed.model,
              inputTokens,
              outputTokens,
              cachedTokens,
              requests,
              audioSeconds: parsed.audioSeconds,
              at,
            });
      return {
        keyId: keyId ?? null,
        owner,
        provider,
        model: parsed.model ?? null,
        requests,
        inputTokens,
        outputTokens,
        cachedTokens,
        costUsd: price.costUsd,
        priced: price.priced,
        latencyMs: parsed.latencyMs ?? null,
        ttfbMs: null,
        statusCode: null,
        success: parsed.success ?? true,
        at,
        audioSeconds: parsed.audioSeconds ?? null,
        gatewayTokenId: null,
      };
    };
    const id = await this.#writer.write({ key: keyId ? { keyId, owner: givenOwner } : undefined, complete });
    return { id, costUsd: price.costUsd, priced: price.priced };
  }

  /**
   * Deletes raw usage rows and validation results older than their retention, in batches (daily
   * roll-ups stay, so analytics over purged days are unchanged). Run it under a lease: the server's
   * scheduled job does, once a day.
   */
  purgeExpired(retention: UsageRetentionOptions = {}, now: Date = new Date()): Promise<UsagePurgeResult> {
    return purgeExpiredUsage(this.#db, this.#store, retention, now);
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
      // Whole UTC hours (the roll-ups' grain): from the start of the hour `timeRange` ago to the end
      // of the current hour, so a dashboard range never reads raw rows.
      const now = Date.now();
      to = new Date(Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS);
      from = new Date(Math.floor((now - RANGES[timeRange]) / HOUR_MS) * HOUR_MS);
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

    const figures = await queryFigures(this.#store, this.#db, {
      owner: resolved,
      from,
      to,
      providers,
      groupBy,
    });

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
      metrics: parsed.metrics ?? ['requests', 'tokens', 'minutes', 'cost'],
      providers,
      totals: figures.totals,
      series,
      byProvider: figures.byProvider,
      byKey: figures.byKey,
    };
  }
}
