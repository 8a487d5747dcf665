import { invalidInput } from '../errors/index.js';
import type { SqlClient } from '../store/types.js';
import { EMPTY_SUMS, type FiguresQuery, type FiguresSums, type UsageStore } from '../store/usage-store.js';
import type { UsageFigures } from './types.js';

const DAY_MS = 86_400_000;
/** Time buckets one answer may hold (e.g. 416 days by hour). */
export const MAX_BUCKETS = 10_000;

type TimeUnit = 'hour' | 'day' | 'week' | 'month';
/** Start of the UTC hour/day/ISO week/month that `date` falls in. */
export function floorTo(unit: TimeUnit, date: Date): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth();
  const d = date.getUTCDate();
  if (unit === 'hour') return new Date(Date.UTC(y, m, d, date.getUTCHours()));
  if (unit === 'month') return new Date(Date.UTC(y, m, 1));
  const day = new Date(Date.UTC(y, m, d));
  if (unit === 'day') return day;
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
}

function nextBucket(unit: TimeUnit, start: Date): Date {
  if (unit === 'hour') return new Date(start.getTime() + 3_600_000);
  if (unit === 'day') return new Date(start.getTime() + DAY_MS);
  if (unit === 'week') return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** Every bucket start in [from, to), as ISO strings. */
export function bucketStarts(unit: TimeUnit, from: Date, to: Date): string[] {
  const starts: string[] = [];
  for (let t = floorTo(unit, from); t < to; t = nextBucket(unit, t)) {
    if (starts.length >= MAX_BUCKETS) {
      throw invalidInput(
        `That range holds more than ${MAX_BUCKETS} ${unit} buckets; choose a coarser groupBy`,
        {
          field: 'groupBy',
        },
      );
    }
    starts.push(t.toISOString());
  }
  return starts;
}

export const EMPTY_FIGURES: UsageFigures = toFigures(EMPTY_SUMS);

/** Turns exact store sums into the figures callers see (cost null when every request is unpriced). */
export function toFigures(sums: FiguresSums): UsageFigures {
  const audioSeconds = Number(sums.audioSeconds);
  return {
    requests: sums.requests,
    errors: sums.errors,
    inputTokens: sums.inputTokens,
    outputTokens: sums.outputTokens,
    cachedTokens: sums.cachedTokens,
    totalTokens: sums.inputTokens + sums.outputTokens,
    costUsd: sums.requests > 0 && sums.unpricedRequests === sums.requests ? null : Number(sums.cost),
    unpricedRequests: sums.unpricedRequests,
    audioSeconds,
    minutes: Math.round((audioSeconds / 60) * 1000) / 1000,
  };
}

export interface FiguresResult {
  totals: UsageFigures;
  byBucket: Map<string, UsageFigures>;
  byProvider: (UsageFigures & { provider: string })[];
  byKey: (UsageFigures & { keyId: string | null })[];
}

const byVolume = <T extends UsageFigures>(a: T & { id: string }, b: T & { id: string }): number =>
  b.requests - a.requests || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * An owner's usage in [from, to) by bucket, provider and key, and in total (see
 * {@link UsageStore.figures}: whole hours and days come from the roll-ups, which are written in the
 * same statement as the raw rows, so the answer equals the sum of the raw rows).
 */
export async function queryFigures(
  store: UsageStore,
  db: SqlClient,
  query: FiguresQuery,
): Promise<FiguresResult> {
  const sums = await store.figures(db, query);
  const byBucket = new Map<string, UsageFigures>();
  for (const [bucket, s] of sums.byBucket) byBucket.set(bucket, toFigures(s));
  const providers = [...sums.byProvider].map(([provider, s]) => ({
    provider,
    ...toFigures(s),
    id: provider,
  }));
  const keys = [...sums.byKey].map(([keyId, s]) => ({ keyId, ...toFigures(s), id: keyId ?? '' }));
  return {
    totals: toFigures(sums.totals),
    byBucket,
    byProvider: providers.sort(byVolume).map(({ id: _id, ...rest }) => rest),
    byKey: keys.sort(byVolume).map(({ id: _id, ...rest }) => rest),
  };
}
