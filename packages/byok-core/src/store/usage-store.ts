import type { Owner } from '../crypto/index.js';
import { copyField, copyIn } from './copy-in.js';
import { queryNamed } from './database.js';
import type { Database, SqlClient } from './types.js';
import { audioText, batchSums, costText, type RowUnits, rowUnits } from './usage-batch-sums.js';

/** One usage record, ready to store (already priced). */
export interface UsageRow {
  keyId: string | null;
  owner: Owner;
  provider: string;
  model: string | null;
  requests: number;
  /** All input tokens, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** USD; null: unpriced (not $0). */
  costUsd: number | null;
  priced: boolean;
  latencyMs: number | null;
  success: boolean;
  at: Date;
  /** Seconds of audio (voice providers); null or absent when none was measured. */
  audioSeconds?: number | null;
  gatewayTokenId?: string | null;
  ttfbMs?: number | null;
  statusCode?: number | null;
}

/** What a key tells about usage recorded on it. */
export interface UsageKey {
  owner: Owner;
  provider: string;
  status: string;
}

/** Bucket of a figures query: a time unit, or one of the breakdowns. */
export type FiguresGrouping = 'hour' | 'day' | 'week' | 'month' | 'provider' | 'key';

export interface FiguresQuery {
  owner: Owner;
  /** [from, to): whole hours come from the roll-ups; only sub-hour edges read raw rows. */
  from: Date;
  to: Date;
  providers: string[] | null;
  groupBy: FiguresGrouping;
}

/** Sums over some usage rows, exact (numeric and bigint sums as decimal strings). */
export interface FiguresSums {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** USD of the priced rows, as a decimal string. */
  cost: string;
  unpricedRequests: number;
  /** Seconds of audio, as a decimal string. */
  audioSeconds: string;
}

export interface FiguresSumsResult {
  totals: FiguresSums;
  /** By ISO bucket start (time groupings only). */
  byBucket: Map<string, FiguresSums>;
  byProvider: Map<string, FiguresSums>;
  /** Key null: usage recorded without a key. */
  byKey: Map<string | null, FiguresSums>;
}

export interface PurgeOptions {
  /** Rows created before this instant are deleted. */
  before: Date;
  /** Rows per DELETE statement (each its own short transaction). Default 5,000. */
  batchSize?: number;
  /** Statements at most in one call (the rest waits for the next run). Default unlimited. */
  maxBatches?: number;
}

/** A key usage is claimed on, and the owner the caller claimed (if any), checked in a batch. */
export interface UsageKeyLookup {
  keyId: string;
  owner: Owner | undefined;
}

/** What the batch's key query found for one {@link UsageKeyLookup}. */
export interface UsageKeyFound {
  /** The key (locked FOR SHARE until the transaction ends), or undefined when there is none. */
  key: UsageKey | undefined;
  /** Whether the claimed owner's audit trail records deleting this key (asked only when the key is missing or not theirs). */
  deletedByOwner: boolean;
}

/** What {@link UsageStore.insertBatch} stored. */
export interface StoredBatch {
  /** The new rows' ids by position (only at the positions asked for). */
  ids: string[];
  /** The batch's owners that have at least one alert: only their alerts need checking. */
  alertedOwners: Owner[];
}

/** Where usage rows, their hourly and daily roll-ups and their retention live. Every read is by owner. */
export interface UsageStore {
  /** The keys of a batch's events, in one query: one answer per lookup, in the lookups' order. */
  keysForUsage(tx: SqlClient, lookups: readonly UsageKeyLookup[]): Promise<UsageKeyFound[]>;
  /**
   * Inserts a non-empty batch (raw rows, hourly and daily roll-ups, gateway spend and token hours) once per
   * `batchId`, in one statement: the new rows' ids by position in `rows` (only at the positions
   * `idsOf` lists, when given) and the batch's owners that have an alert, or undefined when that
   * batch id was already stored (a retry after a lost commit answer).
   */
  insertBatch(
    tx: SqlClient,
    batchId: string,
    rows: readonly UsageRow[],
    idsOf?: readonly number[],
  ): Promise<StoredBatch | undefined>;
  /** Forgets batch ids older than a day. */
  forgetOldBatchIds(tx: SqlClient): Promise<void>;
  /** Sums of the owner's usage in [from, to), by bucket, provider and key and in total, in one query. */
  figures(db: SqlClient, query: FiguresQuery): Promise<FiguresSumsResult>;
  /** Deletes raw usage rows older than `before` in batches; roll-ups are kept. Returns rows deleted. */
  purgeRawUsage(db: Database, options: PurgeOptions): Promise<number>;
  /** Deletes key validation results older than `before` in batches. Returns rows deleted. */
  purgeValidations(db: Database, options: PurgeOptions): Promise<number>;
  /** Deletes hourly roll-ups older than `before` in batches (daily roll-ups stay). Returns rows deleted. */
  purgeHourlyRollups(db: Database, options: PurgeOptions): Promise<number>;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BUCKET_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS".000Z"'`;
const TIME_UNITS = new Set(['hour', 'day', 'week', 'month']);

/**
 * SQL for the bucket start of a UTC `timestamp` (without time zone) expression. The parts group by
 * this timestamp; only the final rows are formatted as labels (cheaper than a label per row).
 */
const bucketSql = (groupBy: FiguresGrouping, utcTimestamp: string): string =>
  TIME_UNITS.has(groupBy) ? `date_trunc('${groupBy}', ${utcTimestamp})` : 'NULL::timestamp';

const ceilTo = (ms: number, unit: number): Date => new Date(Math.ceil(ms / unit) * unit);
const floorToUnit = (ms: number, unit: number): Date => new Date(Math.floor(ms / unit) * unit);

/** The additive figures every roll-up keeps, as {@link batchSums} gives them. */
const ROLLUP_COLUMN_TYPES = [
  ['requests', 'bigint'],
  ['errors', 'bigint'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cached_tokens', 'bigint'],
  ['cost_usd', 'numeric'],
  ['unpriced_requests', 'bigint'],
  ['audio_seconds', 'numeric'],
] as const;

/**
 * One roll-up CTE: the batch's sums for `table` (JSON parameter `param`, one row per bucket, see
 * {@link batchSums}) added to it, only when the batch was claimed.
 */
function rollup(name: string, table: string, bucket: string, bucketType: string, param: string): string {
  const columns = ROLLUP_COLUMN_TYPES.map(([column]) => column);
  return `${name} AS (
    INSERT INTO byok.${table} AS r (owner_type, owner_id, ${bucket}, provider, key_id, model, ${columns.join(', ')})
    SELECT owner_type, owner_id, bucket::${bucketType}, provider, key_id, model, ${columns.join(', ')}
      FROM json_to_recordset(${param}::json) AS s(owner_type text, owner_id text, bucket text, provider text,
        key_id text, model text, ${ROLLUP_COLUMN_TYPES.map(([column, type]) => `${column} ${type}`).join(', ')})
     WHERE EXISTS (SELECT 1 FROM claim)
    ON CONFLICT (owner_type, owner_id, ${bucket}, provider, key_id, model) DO UPDATE SET
      ${columns.map((column) => `${column} = r.${column} + EXCLUDED.${column}`).join(',\n      ')}
  )`;
}

const ROLLUPS = `
  ${rollup('hourly', 'usage_hourly', 'hour', 'timestamptz', '$3')}, ${rollup('daily', 'usage_daily', 'day', 'date', '$4')}`;

/**
 * The raw usage columns, their SQL types and the one-letter key a batch row gives each under (the
 * batch is parsed by PostgreSQL: short keys are less of it to read).
 */
const RAW_COLUMN_TYPES = [
  ['key_id', 'text', 'a'],
  ['owner_type', 'text', 'b'],
  ['owner_id', 'text', 'c'],
  ['provider', 'text', 'd'],
  ['model', 'text', 'e'],
  ['requests', 'int', 'f'],
  ['input_tokens', 'bigint', 'g'],
  ['output_tokens', 'bigint', 'h'],
  ['cached_tokens', 'bigint', 'i'],
  ['cost_usd', 'numeric', 'j'],
  ['priced', 'bool', 'k'],
  ['latency_ms', 'int', 'l'],
  ['success', 'bool', 'm'],
  ['created_at', 'timestamptz', 'n'],
  ['audio_seconds', 'numeric', 'o'],
  ['gateway_token_id', 'text', 'p'],
  ['ttfb_ms', 'int', 'q'],
  ['status_code', 'int', 'r'],
] as const;
const RAW_COLUMNS = RAW_COLUMN_TYPES.map(([column]) => column).join(', ');

const roundMs = (ms: number | null | undefined): number | null =>
  ms === null || ms === undefined ? null : Math.round(ms);

/** One row of a batch: its raw columns' values, in the order of {@link RAW_COLUMN_TYPES}. */
function rowValues(row: UsageRow, units: RowUnits): (string | number | boolean | null)[] {
  return [
    row.keyId,
    row.owner.type,
    row.owner.id,
    row.provider,
    row.model,
    row.requests,
    row.inputTokens,
    row.outputTokens,
    row.cachedTokens,
    costText(units.cost),
    row.priced,
    roundMs(row.latencyMs),
    row.success,
    row.at.toISOString(),
    audioText(units.audio),
    row.gatewayTokenId ?? null,
    roundMs(row.ttfbMs),
    row.statusCode ?? null,
  ];
}

/** One row as the JSON object `json_to_recordset` reads (the keys of {@link RAW_COLUMN_TYPES}). */
function rowJson(values: readonly unknown[]): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (let i = 0; i < RAW_COLUMN_TYPES.length; i++)
    json[(RAW_COLUMN_TYPES[i] as (typeof RAW_COLUMN_TYPES)[number])[2]] = values[i];
  return json;
}

/** The raw rows of a batch as COPY text, one line each. */
function copyLines(batch: readonly UsageRow[], units: readonly RowUnits[]): string {
  let text = '';
  for (let i = 0; i < batch.length; i++) {
    const values = rowValues(batch[i] as UsageRow, units[i] as RowUnits);
    text += copyField(values[0]);
    for (let column = 1; column < values.length; column++) text += `\t${copyField(values[column])}`;
    text += '\n';
  }
  return text;
}

/** The raw rows straight into the table (COPY): {@link INSERT_BATCH} then runs on none of its own. */
const COPY_RAW = `COPY byok.key_usage (${RAW_COLUMNS}) FROM STDIN`;

/** The batch's rows from its one JSON parameter (`$1`, an array of {@link rowJson}), named as the columns, each with its position `ord`. */
const BATCH_ROWS = `ROWS FROM (json_to_recordset($1::json) AS (${RAW_COLUMN_TYPES.map(
  ([, type, key]) => `${key} ${type}`,
).join(', ')})) WITH ORDINALITY AS u(${RAW_COLUMNS}, ord)`;

interface SumsRow {
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
  audio: string | null;
}

const toSums = (row: SumsRow): FiguresSums => ({
  requests: Number(row.requests ?? 0),
  errors: Number(row.errors ?? 0),
  inputTokens: Number(row.input_tokens ?? 0),
  outputTokens: Number(row.output_tokens ?? 0),
  cachedTokens: Number(row.cached_tokens ?? 0),
  cost: row.cost ?? '0',
  unpricedRequests: Number(row.unpriced ?? 0),
  audioSeconds: row.audio ?? '0',
});

/** Zero sums (an empty bucket). */
export const EMPTY_SUMS: FiguresSums = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedTokens: 0,
  cost: '0',
  unpricedRequests: 0,
  audioSeconds: '0',
};

// GROUPING(bucket, provider, key_id): a set bit means "not grouped by that column".
const BY_BUCKET = 0b011;
const BY_PROVIDER = 0b101;
const BY_KEY = 0b110;

async function figures(db: SqlClient, query: FiguresQuery): Promise<FiguresSumsResult> {
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
  // Counts leave each part as bigint (summed again with 128-bit integers, not numeric): only cost
  // and audio time stay numeric, for exact decimals.
  const sums = `sum(requests)::bigint AS requests, sum(errors)::bigint AS errors,
           sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
           sum(cached_tokens)::bigint AS cached_tokens, sum(cost_usd) AS cost_usd,
           sum(unpriced_requests)::bigint AS unpriced_requests, sum(audio_seconds) AS audio_seconds`;
  const raw = (start: Date, end: Date): string => `
    SELECT ${bucketSql(groupBy, `created_at AT TIME ZONE 'UTC'`)} AS bucket, provider, key_id,
           sum(requests)::bigint AS requests, sum(CASE WHEN success THEN 0 ELSE requests END)::bigint AS errors,
           sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
           sum(cached_tokens)::bigint AS cached_tokens, sum(cost_usd) AS cost_usd,
           sum(CASE WHEN priced THEN 0 ELSE requests END)::bigint AS unpriced_requests, sum(audio_seconds) AS audio_seconds
      FROM byok.key_usage
     WHERE owner_type = $1 AND owner_id = $2 AND created_at >= ${param(start)} AND created_at < ${param(end)}
           ${providerCondition}
     GROUP BY 1, 2, 3`;
  const hourly = (start: Date, end: Date): string => `
    SELECT ${bucketSql(groupBy, `hour AT TIME ZONE 'UTC'`)} AS bucket, provider, NULLIF(key_id, '') AS key_id, ${sums}
      FROM byok.usage_hourly
     WHERE owner_type = $1 AND owner_id = $2 AND hour >= ${param(start)} AND hour < ${param(end)}
           ${providerCondition}
     GROUP BY 1, 2, 3`;
  const daily = (start: Date, end: Date): string => `
    SELECT ${bucketSql(groupBy, 'day::timestamp')} AS bucket, provider, NULLIF(key_id, '') AS key_id, ${sums}
      FROM byok.usage_daily
     WHERE owner_type = $1 AND owner_id = $2
           AND day >= ${param(start.toISOString().slice(0, 10))}::date
           AND day < ${param(end.toISOString().slice(0, 10))}::date
           ${providerCondition}
     GROUP BY 1, 2, 3`;

  // Whole days from the daily roll-ups, whole hours around them from the hourly ones, and only the
  // sub-hour edges (custom ranges; rolling windows are whole hours) from raw rows.
  const parts: string[] = [];
  const firstHour = ceilTo(from.getTime(), HOUR_MS);
  const endOfHours = floorToUnit(to.getTime(), HOUR_MS);
  if (firstHour >= endOfHours) {
    parts.push(raw(from, to));
  } else {
    if (from < firstHour) parts.push(raw(from, firstHour));
    const firstDay = ceilTo(firstHour.getTime(), DAY_MS);
    const endOfDays = floorToUnit(endOfHours.getTime(), DAY_MS);
    if (groupBy !== 'hour' && firstDay < endOfDays) {
      if (firstHour < firstDay) parts.push(hourly(firstHour, firstDay));
      parts.push(daily(firstDay, endOfDays));
      if (endOfDays < endOfHours) parts.push(hourly(endOfDays, endOfHours));
    } else {
      parts.push(hourly(firstHour, endOfHours));
    }
    if (endOfHours < to) parts.push(raw(endOfHours, to));
  }

  // Each part is added up by (bucket, provider, key) first, so the grouping sets work on few rows.
  const { rows } = await db.query<SumsRow>(
    `SELECT GROUPING(bucket, provider, key_id) AS g, to_char(bucket, ${BUCKET_FORMAT}) AS bucket, provider, key_id,
            sum(requests)::text AS requests, sum(errors)::text AS errors,
            sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens,
            sum(cached_tokens)::text AS cached_tokens, sum(cost_usd)::text AS cost,
            sum(unpriced_requests)::text AS unpriced, sum(audio_seconds)::text AS audio
       FROM (${parts.join('\n     UNION ALL')}) AS usage
      GROUP BY GROUPING SETS ((bucket), (provider), (key_id), ())`,
    params,
  );
  const result: FiguresSumsResult = {
    totals: { ...EMPTY_SUMS },
    byBucket: new Map(),
    byProvider: new Map(),
    byKey: new Map(),
  };
  for (const row of rows) {
    const sums = toSums(row);
    switch (Number(row.g)) {
      case BY_BUCKET:
        result.byBucket.set(row.bucket as string, sums);
        break;
      case BY_PROVIDER:
        result.byProvider.set(row.provider as string, sums);
        break;
      case BY_KEY:
        result.byKey.set(row.key_id, sums);
        break;
      default:
        result.totals = sums;
    }
  }
  return result;
}

/** Deletes `table` rows matched by `where` (one `$1` cutoff), `batchSize` rows per statement. */
/**
 * Deletes the rows of `table` whose `timeColumn` is before `options.before`, a batch of rows
 * (picked by `rowColumn`) per statement. The names are this module's constants, never input.
 */
async function purgeInBatches(
  db: Database,
  table: string,
  rowColumn: 'id' | 'ctid',
  timeColumn: 'created_at' | 'hour',
  options: PurgeOptions,
): Promise<number> {
  const statement = `WITH gone AS (
     DELETE FROM ${table} WHERE ${rowColumn} IN (
       SELECT ${rowColumn} FROM ${table} WHERE ${timeColumn} < $1::timestamptz LIMIT $2)
     RETURNING 1)
   SELECT count(*)::int AS n FROM gone`;
  const batchSize = options.batchSize ?? 5000;
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const { rows } = await db.query<{ n: number }>(statement, [options.before.toISOString(), batchSize]);
    const n = Number(rows[0]?.n ?? 0);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}

/** The claim of a batch id: without it (a retry after a lost commit answer) nothing is inserted. */
const CLAIM =
  'claim AS (INSERT INTO byok.usage_batches (id) VALUES ($2) ON CONFLICT (id) DO NOTHING RETURNING id)';

/**
 * The batch's owners (those of its hourly sums, $3) that have an alert, as a JSON array of owners (null
 * for none), read in the insert's statement so that a batch whose owners have none takes no lock and
 * no query more.
 */
const ALERTED = `(SELECT json_agg(json_build_object('type', a.owner_type, 'id', a.owner_id)) FROM alerted a) AS alerted`;

/**
 * The batch's roll-ups, gateway spend and gateway token hours, summed by {@link batchSums} ($3 hourly,
 * $4 daily, $5 spend, $6 token hours), and its alerted owners.
 */
const SUMS = `${ROLLUPS}, alerted AS (
   SELECT DISTINCT a.owner_type, a.owner_id FROM byok.usage_alerts a
     JOIN json_to_recordset($3::json) AS o(owner_type text, owner_id text)
       ON a.owner_type = o.owner_type AND a.owner_id = o.owner_id
 ), token_hourly AS (
   INSERT INTO byok.gateway_token_hourly AS t (token_id, hour, provider, model, requests, errors, input_tokens,
     output_tokens, cost_usd, unpriced_requests)
   SELECT token_id, bucket::timestamptz, provider, model, requests, errors, input_tokens, output_tokens, cost_usd,
          unpriced_requests
     FROM json_to_recordset($6::json) AS h(token_id text, bucket text, provider text, model text, requests bigint,
       errors bigint, input_tokens bigint, output_tokens bigint, cost_usd numeric, unpriced_requests bigint)
    WHERE EXISTS (SELECT 1 FROM claim)
   ON CONFLICT (token_id, hour, provider, model) DO UPDATE SET
     requests = t.requests + EXCLUDED.requests, errors = t.errors + EXCLUDED.errors,
     input_tokens = t.input_tokens + EXCLUDED.input_tokens, output_tokens = t.output_tokens + EXCLUDED.output_tokens,
     cost_usd = t.cost_usd + EXCLUDED.cost_usd, unpriced_requests = t.unpriced_requests + EXCLUDED.unpriced_requests
 ), spend AS (
   INSERT INTO byok.gateway_token_spend AS s (token_id, month, requests, cost_usd)
   SELECT token_id, month::date, requests, cost_usd
     FROM json_to_recordset($5::json) AS t(token_id text, month text, requests bigint, cost_usd numeric)
    WHERE EXISTS (SELECT 1 FROM claim)
   ON CONFLICT (token_id, month) DO UPDATE SET
     requests = s.requests + EXCLUDED.requests, cost_usd = s.cost_usd + EXCLUDED.cost_usd
 )`;

/** A batch whose ids nobody asked for, in one statement; answers one row when it was claimed. */
const INSERT_BATCH = `WITH ${CLAIM}, raw AS (
   INSERT INTO byok.key_usage (${RAW_COLUMNS})
   SELECT ${RAW_COLUMNS} FROM ${BATCH_ROWS} WHERE EXISTS (SELECT 1 FROM claim)
 ), ${SUMS}
 SELECT ${ALERTED} FROM claim`;

/**
 * A batch and the ids of the rows at the positions $7 lists (all when null), in one statement. Ids
 * are drawn in `src` beside each row's position (a CTE with nextval is evaluated once), so the
 * answer pairs id and position: no row order is assumed. The claim answers a row of its own (no
 * id, the alerted owners), so a batch whose ids were not asked for still says it was stored.
 */
const INSERT_BATCH_WITH_IDS = `WITH ${CLAIM}, src AS MATERIALIZED (
   SELECT nextval('byok.key_usage_id_seq') AS id, u.* FROM ${BATCH_ROWS} WHERE EXISTS (SELECT 1 FROM claim)
 ), raw AS (
   INSERT INTO byok.key_usage (id, ${RAW_COLUMNS}) SELECT id, ${RAW_COLUMNS} FROM src
 ), ${SUMS}
 SELECT NULL AS id, '0' AS ord, ${ALERTED} FROM claim
 UNION ALL
 SELECT id::text, ord::text, NULL::json FROM src WHERE $7::bigint[] IS NULL OR ord = ANY($7::bigint[])`;

/** The claim's answer row: the batch's alerted owners (see {@link ALERTED}). */
interface AlertedRow {
  alerted: Owner[] | null;
}

const alertedOwners = (row: AlertedRow | undefined): Owner[] => row?.alerted ?? [];

/** The SQL behind {@link UsageStore} (PostgreSQL and PGlite). */
export const usageStore: UsageStore = {
  async keysForUsage(tx, lookups) {
    // The keys are locked in id order (FOR SHARE: a revocation waits for the batch, not the reverse);
    // the audit trail is read only for a key that is missing or not the claimed owner's.
    const { rows } = await tx.query<{
      ord: string;
      owner_type: 'user' | 'workspace' | null;
      owner_id: string | null;
      provider: string | null;
      status: string | null;
      deleted_by_owner: boolean;
    }>(
      `WITH asked AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS a(key_id, owner_type, owner_id, ord)
       ), locked AS (
         SELECT id, owner_type, owner_id, provider, status FROM byok.keys
          WHERE id IN (SELECT key_id FROM asked) ORDER BY id FOR SHARE
       )
       SELECT a.ord::text AS ord, k.owner_type, k.owner_id, k.provider, k.status,
              CASE WHEN a.owner_type IS NULL OR (k.owner_type = a.owner_type AND k.owner_id = a.owner_id) THEN false
                   ELSE EXISTS (SELECT 1 FROM byok.audit_log l
                                 WHERE l.owner_type = a.owner_type AND l.owner_id = a.owner_id
                                   AND l.action = 'key.deleted' AND l.target_id = a.key_id)
              END AS deleted_by_owner
         FROM asked a LEFT JOIN locked k ON k.id = a.key_id`,
      [
        lookups.map((l) => l.keyId),
        lookups.map((l) => l.owner?.type ?? null),
        lookups.map((l) => l.owner?.id ?? null),
      ],
    );
    const found: UsageKeyFound[] = lookups.map(() => ({ key: undefined, deletedByOwner: false }));
    for (const row of rows) {
      found[Number(row.ord) - 1] = {
        key:
          row.owner_type && row.owner_id && row.provider && row.status
            ? {
                owner: { type: row.owner_type, id: row.owner_id },
                provider: row.provider,
                status: row.status,
              }
            : undefined,
        deletedByOwner: row.deleted_by_owner,
      };
    }
    return found;
  },

  async insertBatch(tx, batchId, batch, idsOf) {
    const units = batch.map(rowUnits);
    const sums = batchSums(batch, units);
    // No ids asked for, on a pg connection: the claim and the sums by statement, then the raw rows by
    // COPY (about half of PostgreSQL's CPU per row); in the same transaction, so both or neither.
    const copy = idsOf?.length === 0 ? copyIn(tx) : undefined;
    const params = [
      copy ? '[]' : JSON.stringify(batch.map((row, i) => rowJson(rowValues(row, units[i] as RowUnits)))),
      batchId,
      sums.hourly,
      sums.daily,
      sums.spend,
      sums.tokenHourly,
    ];
    if (idsOf?.length === 0) {
      const { rows } = await queryNamed<AlertedRow>(tx, 'byok_usage_insert_batch', INSERT_BATCH, params);
      if (rows.length === 0) return undefined;
      if (copy) await copy(COPY_RAW, copyLines(batch, units));
      return { ids: new Array<string>(batch.length), alertedOwners: alertedOwners(rows[0]) };
    }
    const { rows } = await queryNamed<AlertedRow & { id: string | null; ord: string }>(
      tx,
      'byok_usage_insert_batch_ids',
      INSERT_BATCH_WITH_IDS,
      [...params, idsOf ? idsOf.map((position) => position + 1) : null],
    );
    if (rows.length === 0) return undefined;
    const ids = new Array<string>(batch.length);
    let claim: AlertedRow | undefined;
    for (const row of rows) {
      if (row.id === null) claim = row;
      else ids[Number(row.ord) - 1] = row.id;
    }
    return { ids, alertedOwners: alertedOwners(claim) };
  },

  async forgetOldBatchIds(tx) {
    await tx.query("DELETE FROM byok.usage_batches WHERE committed_at < now() - interval '1 day'");
  },

  figures,

  purgeRawUsage(db, options) {
    return purgeInBatches(db, 'byok.key_usage', 'id', 'created_at', options);
  },

  purgeValidations(db, options) {
    return purgeInBatches(db, 'byok.key_validations', 'id', 'created_at', options);
  },

  purgeHourlyRollups(db, options) {
    return purgeInBatches(db, 'byok.usage_hourly', 'ctid', 'hour', options);
  },
};
