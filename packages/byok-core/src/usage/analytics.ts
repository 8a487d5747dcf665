import type { Owner } from '../crypto/index.js';
import { invalidInput } from '../errors/index.js';
import type { SqlClient } from '../store/types.js';
import type { AnalyticsGroupBy, UsageFigures } from './types.js';

const DAY_MS = 86_400_000;
/** Time buckets one answer may hold (e.g. 416 days by hour). */
export const MAX_BUCKETS = 10_000;

type TimeUnit = 'hour' | 'day' | 'week' | 'month';
const isTimeUnit = (groupBy: AnalyticsGroupBy): groupBy is TimeUnit =>
  groupBy !== 'provider' && groupBy !== 'key';

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

const BUCKET_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS".000Z"'`;
/** SQL for a bucket label of a UTC `timestamp` (without time zone) expression. */
const bucketSql = (groupBy: AnalyticsGroupBy, utcTimestamp: string): string =>
  isTimeUnit(groupBy) ? `to_char(date_trunc('${groupBy}', ${utcTimestamp}), ${BUCKET_FORMAT})` : `''`;

interface FiguresRow {
  g: number | string;
  bucket: string | null;
  provider: string | null;
  key_id: string | null;
  requests: string | null;
  errors: string | null;
  input_tokens: string | null;
  output_tokens: string | null;
  cached_tokens: string | null;
  cost: string | null;
  unpriced: string | null;
}

export const EMPTY_FIGURES: UsageFigures = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
};

function toFigures(row: FiguresRow): UsageFigures {
  const requests = Number(row.requests ?? 0);
  const inputTokens = Number(row.input_tokens ?? 0);
  const outputTokens = Number(row.output_tokens ?? 0);
  const unpricedRequests = Number(row.unpriced ?? 0);
  return {
    requests,
    errors: Number(row.errors ?? 0),
    inputTokens,
    outputTokens,
    cachedTokens: Number(row.cached_tokens ?? 0),
    totalTokens: inputTokens + outputTokens,
    costUsd: requests > 0 && unpricedRequests === requests ? null : Number(row.cost ?? 0),
    unpricedRequests,
  };
}

export interface FiguresQuery {
  owner: Owner;
  from: Date;
  to: Date;
  providers: string[] | null;
  groupBy: AnalyticsGroupBy;
}

export interface FiguresResult {
  totals: UsageFigures;
  byBucket: Map<string, UsageFigures>;
  byProvider: (UsageFigures & { provider: string })[];
  byKey: (UsageFigures & { keyId: string | null })[];
}

// GROUPING(bucket, provider, key_id): a set bit means "not grouped by that column".
const BY_BUCKET = 0b011;
const BY_PROVIDER = 0b101;
const BY_KEY = 0b110;

const byVolume = <T extends UsageFigures>(a: T & { id: string }, b: T & { id: string }): number =>
  b.requests - a.requests || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Adds up an owner's usage in [from, to) by bucket, provider and key, and in total, in one query.
 *
 * Whole UTC days come from the daily roll-ups; the partial days at either edge (and everything,
 * for hourly buckets) come from the raw rows. Both are written in one transaction per usage
 * record, so the answer equals the sum of the raw rows.
 */
export async function queryFigures(db: SqlClient, query: FiguresQuery): Promise<FiguresResult> {
  const { owner, from, to, groupBy } = query;
  const params: unknown[] = [owner.type, owner.id];
  let providerCondition = '';
  if (query.providers) {
    params.push(query.providers);
    providerCondition = `AND provider = ANY($${params.length}::text[])`;
  }
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const raw = (start: Date, end: Date): string => `
    SELECT ${bucketSql(groupBy, `created_at AT TIME ZONE 'UTC'`)} AS bucket, provider, key_id, sum(requests) AS requests,
           sum(CASE WHEN success THEN 0 ELSE requests END) AS errors, sum(input_tokens) AS input_tokens,
           sum(output_tokens) AS output_tokens, sum(cached_tokens) AS cached_tokens, sum(cost_usd) AS cost_usd,
           sum(CASE WHEN priced THEN 0 ELSE requests END) AS unpriced_requests
      FROM byok.key_usage
     WHERE owner_type = $1 AND owner_id = $2 AND created_at >= ${param(start)} AND created_at < ${param(end)}
           ${providerCondition}
     GROUP BY 1, 2, 3`;

  const firstWholeDay = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const endOfWholeDays = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  const parts: string[] = [];
  if (groupBy !== 'hour' && firstWholeDay < endOfWholeDays) {
    parts.push(`
    SELECT ${bucketSql(groupBy, 'day::timestamp')} AS bucket, provider, NULLIF(key_id, '') AS key_id,
           sum(requests) AS requests, sum(errors) AS errors, sum(input_tokens) AS input_tokens,
           sum(output_tokens) AS output_tokens, sum(cached_tokens) AS cached_tokens, sum(cost_usd) AS cost_usd,
           sum(unpriced_requests) AS unpriced_requests
      FROM byok.usage_daily
     WHERE owner_type = $1 AND owner_id = $2
           AND day >= ${param(firstWholeDay.toISOString().slice(0, 10))}::date
           AND day < ${param(endOfWholeDays.toISOString().slice(0, 10))}::date
           ${providerCondition}
     GROUP BY 1, 2, 3`);
    if (from < firstWholeDay) parts.push(raw(from, firstWholeDay));
    if (endOfWholeDays < to) parts.push(raw(endOfWholeDays, to));
  } else {
    parts.push(raw(from, to));
  }

  // Each part is added up by (bucket, provider, key) first, so the grouping sets work on a few hundred rows.
  const { rows } = await db.query<FiguresRow>(
    `SELECT GROUPING(bucket, provider, key_id) AS g, bucket, provider, key_id,
            sum(requests)::text AS requests, sum(errors)::text AS errors,
            sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens,
            sum(cached_tokens)::text AS cached_tokens, sum(cost_usd)::text AS cost,
            sum(unpriced_requests)::text AS unpriced
       FROM (${parts.join('\n     UNION ALL')}) AS usage
      GROUP BY GROUPING SETS ((bucket), (provider), (key_id), ())`,
    params,
  );

  const result: FiguresResult = {
    totals: { ...EMPTY_FIGURES },
    byBucket: new Map(),
    byProvider: [],
    byKey: [],
  };
  const providers: (UsageFigures & { provider: string; id: string })[] = [];
  const keys: (UsageFigures & { keyId: string | null; id: string })[] = [];
  for (const row of rows) {
    const figures = toFigures(row);
    switch (Number(row.g)) {
      case BY_BUCKET:
        result.byBucket.set(row.bucket as string, figures);
        break;
      case BY_PROVIDER:
        providers.push({ provider: row.provider as string, ...figures, id: row.provider as string });
        break;
      case BY_KEY:
        keys.push({ keyId: row.key_id, ...figures, id: row.key_id ?? '' });
        break;
      default:
        result.totals = figures;
    }
  }
  result.byProvider = providers.sort(byVolume).map(({ id: _id, ...rest }) => rest);
  result.byKey = keys.sort(byVolume).map(({ id: _id, ...rest }) => rest);
  return result;
}
