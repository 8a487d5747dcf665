import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import { openMigrated } from '../../test/database.js';
import type { Owner } from '../crypto/index.js';
import { purgeExpiredUsage } from '../usage/retention.js';
import type { Database } from './types.js';
import { type FiguresSums, type UsageRow, usageStore } from './usage-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function row(owner: Owner, at: number, i: number, extra: Partial<UsageRow> = {}): UsageRow {
  return {
    keyId: i % 3 === 0 ? null : `key_${i % 2}`,
    owner,
    provider: i % 4 === 0 ? 'deepgram' : 'openai',
    model: i % 5 === 0 ? null : `m${i % 2}`,
    requests: 1 + (i % 3),
    inputTokens: 100 + i,
    outputTokens: 10 + (i % 7),
    cachedTokens: i % 50,
    costUsd: i % 6 === 0 ? null : (i % 13) / 1000,
    priced: i % 6 !== 0,
    latencyMs: 50 + i,
    success: i % 9 !== 0,
    at: new Date(at),
    audioSeconds: i % 4 === 0 ? 1.5 + i / 1000 : null,
    ...extra,
  };
}

/** The same sums straight from the raw rows. */
async function rawSums(db: Database, owner: Owner, from: Date, to: Date): Promise<FiguresSums> {
  const { rows } = await db.query<Record<string, string | null>>(
    `SELECT coalesce(sum(requests), 0)::text AS requests, coalesce(sum(CASE WHEN success THEN 0 ELSE requests END), 0)::text AS errors,
            coalesce(sum(input_tokens), 0)::text AS input, coalesce(sum(output_tokens), 0)::text AS output,
            coalesce(sum(cached_tokens), 0)::text AS cached, coalesce(sum(cost_usd), 0)::text AS cost,
            coalesce(sum(CASE WHEN priced THEN 0 ELSE requests END), 0)::text AS unpriced,
            coalesce(sum(audio_seconds), 0)::text AS audio
       FROM byok.key_usage WHERE owner_type = $1 AND owner_id = $2 AND created_at >= $3 AND created_at < $4`,
    [owner.type, owner.id, from, to],
  );
  const r = rows[0] as Record<string, string>;
  return {
    requests: Number(r.requests),
    errors: Number(r.errors),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    cachedTokens: Number(r.cached),
    cost: r.cost as string,
    unpricedRequests: Number(r.unpriced),
    audioSeconds: r.audio as string,
  };
}

/** Numeric sums compared as numbers (the text form of 0 may be `0` or `0.00000000`). */
const normal = (s: FiguresSums) => ({ ...s, cost: Number(s.cost), audioSeconds: Number(s.audioSeconds) });

describe.each(databaseBackends)('usage store on $name', (backend) => {
  let close: () => Promise<void>;
  let db: Database;
  const owner: Owner = { type: 'user', id: uniqueId('user') };
  const other: Owner = { type: 'user', id: uniqueId('other') };
  const now = Date.now();

  beforeAll(async () => {
    ({ db, close } = await openMigrated(backend));
    // 200 days of rows, some on hour and day edges; one batch, then single rows.
    const rows: UsageRow[] = [];
    for (let i = 0; i < 400; i++) {
      const at =
        i % 25 === 0
          ? Math.floor(now / DAY) * DAY - (i % 2)
          : now - Math.floor(((i * 7919) % 1000) * 0.2 * DAY);
      rows.push(row(owner, at, i));
    }
    // The big batch without ids (the gateway's statement), the single rows with theirs.
    await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, rows.slice(0, 300), []));
    for (const r of rows.slice(300))
      await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, [r]));
    await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, [row(other, now - HOUR, 7)]));
  });
  afterAll(async () => {
    await close();
  });

  it('keeps the hourly and daily roll-ups equal to the raw rows (one statement each write)', async () => {
    for (const [table, unit] of [
      ['usage_hourly', 'hour'],
      ['usage_daily', 'day'],
    ] as const) {
      const time = unit === 'hour' ? 'hour' : 'day::timestamp';
      const { rows } = await db.query<Record<string, string>>(
        `SELECT (SELECT sum(requests) FROM byok.key_usage WHERE owner_id = $1)::text AS raw_requests,
                (SELECT sum(requests) FROM byok.${table} WHERE owner_id = $1)::text AS requests,
                (SELECT sum(audio_seconds) FROM byok.key_usage WHERE owner_id = $1)::text AS raw_audio,
                (SELECT sum(audio_seconds) FROM byok.${table} WHERE owner_id = $1)::text AS audio,
                (SELECT sum(cost_usd) FROM byok.key_usage WHERE owner_id = $1)::text AS raw_cost,
                (SELECT sum(cost_usd) FROM byok.${table} WHERE owner_id = $1)::text AS cost,
                (SELECT count(DISTINCT ${time}) FROM byok.${table} WHERE owner_id = $1)::int AS buckets`,
        [owner.id],
      );
      const r = rows[0] as Record<string, string>;
      expect(r.requests, table).toBe(r.raw_requests);
      expect(Number(r.audio), table).toBe(Number(r.raw_audio));
      expect(Number(r.cost), table).toBeCloseTo(Number(r.raw_cost), 8);
      expect(Number(r.buckets), table).toBeGreaterThan(10);
    }
  });

  it('sums each roll-up bucket and gateway spend exactly as the raw rows add up, awkward amounts included', async () => {
    const exact: Owner = { type: 'workspace', id: uniqueId('exact') };
    const edges = [
      Date.UTC(2024, 1, 29, 23, 59, 59, 999), // leap day, last millisecond
      Date.UTC(2024, 2, 1, 0, 0, 0, 0), // next month's first instant
      Date.UTC(2025, 11, 31, 23, 30),
      Date.UTC(2026, 0, 1, 0, 30),
    ];
    // Binary-unfriendly and large amounts: their float sum is not their decimal sum.
    const costs = [0.1, 0.2, 0.3, 1e-8, 3e-8, 0.00012345, 123456.12345678, 7.1, null, 0.07];
    const rows: UsageRow[] = [];
    for (let i = 0; i < 120; i++) {
      rows.push(
        row(exact, (edges[i % edges.length] as number) + (i % 3) * 1000, i, {
          costUsd: costs[i % costs.length] as number | null,
          priced: costs[i % costs.length] !== null,
          audioSeconds: i % 4 === 0 ? 0.001 * (i + 1) + 0.1 : null,
          gatewayTokenId: i % 2 === 0 ? 'gt_exact_a' : i % 3 === 0 ? 'gt_exact_b' : null,
        }),
      );
    }
    // A run of one group across an hour, a day and a month edge, two tokens taking turns: sums
    // reused from row to row must split exactly there.
    for (let k = 0; k < 12; k++) {
      rows.push(
        row(exact, Date.UTC(2025, 11, 31, 23, 10 * k), 1, {
          gatewayTokenId: k % 3 === 0 ? 'gt_exact_a' : 'gt_exact_b',
          costUsd: 0.1,
          priced: true,
        }),
      );
    }
    await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, rows.slice(0, 70), []));
    await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, rows.slice(70)));
    const sums = `sum(requests)::text AS requests, sum(CASE WHEN success THEN 0 ELSE requests END)::text AS errors,
      sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens,
      sum(cached_tokens)::text AS cached_tokens, sum(coalesce(cost_usd, 0))::numeric(24, 8)::text AS cost_usd,
      sum(CASE WHEN priced THEN 0 ELSE requests END)::text AS unpriced_requests,
      sum(coalesce(audio_seconds, 0))::numeric(20, 3)::text AS audio_seconds`;
    for (const [table, bucket, bucketOfRaw] of [
      ['usage_hourly', 'hour', "date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"],
      ['usage_daily', 'day', "(created_at AT TIME ZONE 'UTC')::date"],
    ] as const) {
      const raw = await db.query(
        `SELECT ${bucketOfRaw} AS b, provider, coalesce(key_id, '') AS k, coalesce(model, '') AS m, ${sums}
           FROM byok.key_usage WHERE owner_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
        [exact.id],
      );
      const rolled = await db.query(
        `SELECT ${bucket} AS b, provider, key_id AS k, model AS m,
                requests::text, errors::text, input_tokens::text, output_tokens::text, cached_tokens::text,
                cost_usd::numeric(24, 8)::text, unpriced_requests::text, audio_seconds::numeric(20, 3)::text
           FROM byok.${table} WHERE owner_id = $1 ORDER BY 1, 2, 3, 4`,
        [exact.id],
      );
      expect(rolled.rows.length, table).toBeGreaterThan(8);
      expect(rolled.rows, table).toEqual(raw.rows);
    }
    const spend = await db.query(
      `SELECT token_id, month::text, requests::text, cost_usd::numeric(18, 8)::text
         FROM byok.gateway_token_spend WHERE token_id LIKE 'gt_exact_%' ORDER BY 1, 2`,
    );
    const rawSpend = await db.query(
      `SELECT gateway_token_id AS token_id, date_trunc('month', created_at AT TIME ZONE 'UTC')::date::text AS month,
              sum(requests)::text AS requests, sum(coalesce(cost_usd, 0))::numeric(18, 8)::text AS cost_usd
         FROM byok.key_usage WHERE owner_id = $1 AND gateway_token_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      [exact.id],
    );
    expect(spend.rows.length).toBe(7);
    expect(spend.rows).toEqual(rawSpend.rows);
  });

  it('stores a batch once per batch id', async () => {
    const id = `ub_${uniqueId()}`;
    const owner2: Owner = { type: 'user', id: uniqueId('batch') };
    const batch = [row(owner2, now, 1), row(owner2, now, 2)];
    const ids = (await db.transaction((tx) => usageStore.insertBatch(tx, id, batch)))?.ids;
    expect(await db.transaction((tx) => usageStore.insertBatch(tx, id, batch))).toBeUndefined();
    // One id per row, in the rows' order: each names the row that was given at its position.
    expect(ids).toHaveLength(2);
    const { rows: stored } = await db.query<{ id: string; input_tokens: string }>(
      'SELECT id::text AS id, input_tokens::text FROM byok.key_usage WHERE id = ANY($1::bigint[])',
      [ids],
    );
    expect(new Set(ids).size).toBe(2);
    expect(ids?.map((i) => stored.find((r) => r.id === i)?.input_tokens)).toEqual(
      batch.map((r) => String(r.inputTokens)),
    );
    const sums = await usageStore.figures(db, {
      owner: owner2,
      from: new Date(now - DAY),
      to: new Date(now + DAY),
      providers: null,
      groupBy: 'day',
    });
    expect(sums.totals.requests).toBe(batch.reduce((n, r) => n + r.requests, 0));
  });

  it('writes a batch as a prepared statement on pg (planned once per connection), plainly on PGlite', async () => {
    const owner4: Owner = { type: 'user', id: uniqueId('prepared') };
    const prepared = await db.transaction(async (tx) => {
      await usageStore.insertBatch(tx, `ub_${uniqueId()}`, [row(owner4, now, 1)], []);
      const { rows } = await tx.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'byok_usage_insert_batch'",
      );
      return rows[0]?.n;
    });
    expect(prepared).toBe(backend.name === 'pglite' ? 0 : 1);
  });

  it('stores every column of a batch without ids exactly, awkward text included (COPY on pg, a statement on PGlite)', async () => {
    const owner5: Owner = { type: 'user', id: `${uniqueId('copy')}\t\\N` };
    const awkward = [
      'tab\there',
      'new\nline',
      'return\r',
      'back\\slash',
      '\\N',
      '\\.',
      'quote " \' ,',
      'naïve 模型 🚀',
      '',
    ];
    const at = new Date(Date.UTC(2026, 1, 28, 23, 59, 59, 999));
    const batch = awkward.map((model, i) =>
      row(owner5, at.getTime(), i, {
        model,
        keyId: i === 0 ? null : `key\t${i}`,
        gatewayTokenId: i % 2 === 0 ? `gt_${model}` : null,
        ttfbMs: i === 1 ? null : 12.6,
        statusCode: i === 2 ? null : 200 + i,
        latencyMs: i === 3 ? null : 7.4,
        costUsd: i === 4 ? null : 0.00000001 * (i + 1),
      }),
    );
    // The connection's queries are watched: on pg the raw rows go by COPY (a query given a stream to submit).
    let copies = 0;
    await db.transaction((tx) => {
      const watched = new Proxy(tx, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (name !== 'query' || typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (typeof (args[0] as { submit?: unknown } | null)?.submit === 'function') copies += 1;
            return value.apply(target, args);
          };
        },
      });
      return usageStore.insertBatch(watched, `ub_${uniqueId()}`, batch, []);
    });
    expect(copies).toBe(backend.name === 'postgres' ? 1 : 0);
    const { rows } = await db.query<Record<string, string | null>>(
      `SELECT key_id, owner_type, owner_id, provider, model, requests::text, input_tokens::text, output_tokens::text,
              cached_tokens::text, cost_usd::text, priced::text, latency_ms::text, success::text,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS at, audio_seconds::text,
              gateway_token_id, ttfb_ms::text, status_code::text
         FROM byok.key_usage WHERE owner_id = $1 ORDER BY input_tokens`,
      [owner5.id],
    );
    expect(rows).toEqual(
      batch.map((r) => ({
        key_id: r.keyId,
        owner_type: 'user',
        owner_id: owner5.id,
        provider: r.provider,
        model: r.model,
        requests: String(r.requests),
        input_tokens: String(r.inputTokens),
        output_tokens: String(r.outputTokens),
        cached_tokens: String(r.cachedTokens),
        cost_usd: r.costUsd === null ? null : r.costUsd.toFixed(8),
        priced: String(r.priced),
        latency_ms: r.latencyMs === null ? null : String(Math.round(r.latencyMs)),
        success: String(r.success),
        at: '2026-02-28T23:59:59.999',
        audio_seconds: r.audioSeconds == null ? null : (r.audioSeconds as number).toFixed(3),
        gateway_token_id: r.gatewayTokenId ?? null,
        ttfb_ms: r.ttfbMs == null ? null : String(Math.round(r.ttfbMs)),
        status_code: r.statusCode == null ? null : String(r.statusCode),
      })),
    );
    // The roll-ups came from the same rows, and the batch again adds nothing.
    const sums = await usageStore.figures(db, {
      owner: owner5,
      from: new Date(at.getTime() - DAY),
      to: new Date(at.getTime() + DAY),
      providers: null,
      groupBy: 'day',
    });
    expect(normal(sums.totals)).toEqual(
      normal(await rawSums(db, owner5, new Date(at.getTime() - DAY), new Date(at.getTime() + DAY))),
    );
  });

  it("answers the batch's owners that have an alert, with or without ids asked for", async () => {
    const quiet: Owner = { type: 'user', id: uniqueId('quiet') };
    const alerted: Owner = { type: 'workspace', id: uniqueId('alerted') };
    // Alerted twice over (two alerts), and a same-id owner of the other type without any.
    for (const n of [1, 2])
      await db.query(
        `INSERT INTO byok.usage_alerts (id, owner_type, owner_id, alert_type, threshold_value, threshold_period, notification_channels)
         VALUES ($1, $2, $3, 'requests', 1000000, 'daily', '{}')`,
        [uniqueId(`alert${n}`), alerted.type, alerted.id],
      );
    const sameId: Owner = { type: 'user', id: alerted.id };
    const batch = [row(quiet, now, 1), row(alerted, now, 2), row(sameId, now, 3), row(alerted, now - DAY, 4)];
    for (const idsOf of [[], [0], undefined]) {
      const stored = await db.transaction((tx) =>
        usageStore.insertBatch(tx, `ub_${uniqueId()}`, batch, idsOf),
      );
      expect(stored?.alertedOwners, String(idsOf)).toEqual([alerted]);
    }
    const none = await db.transaction((tx) =>
      usageStore.insertBatch(tx, `ub_${uniqueId()}`, [row(quiet, now, 5), row(sameId, now, 6)], [1]),
    );
    expect(none?.alertedOwners).toEqual([]);
  });

  it('answers only the ids asked for, and still tells a stored batch from a repeated one', async () => {
    const owner3: Owner = { type: 'user', id: uniqueId('ids') };
    const batch = [row(owner3, now, 1), row(owner3, now, 2), row(owner3, now, 3)];
    const id = `ub_${uniqueId()}`;
    const ids = (await db.transaction((tx) => usageStore.insertBatch(tx, id, batch, [1])))?.ids;
    expect(ids?.[0]).toBeUndefined();
    expect(ids?.[2]).toBeUndefined();
    const { rows: stored } = await db.query<{ input_tokens: string }>(
      'SELECT input_tokens::text FROM byok.key_usage WHERE id = $1::bigint',
      [ids?.[1]],
    );
    expect(stored.map((r) => r.input_tokens)).toEqual([String(batch[1]?.inputTokens)]);
    // None asked: stored (an empty answer, not undefined); the same batch again: undefined, nothing added.
    const silent = `ub_${uniqueId()}`;
    expect(await db.transaction((tx) => usageStore.insertBatch(tx, silent, batch, []))).toEqual({
      ids: [undefined, undefined, undefined],
      alertedOwners: [],
    });
    expect(await db.transaction((tx) => usageStore.insertBatch(tx, silent, batch, []))).toBeUndefined();
    const { rows: counted } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM byok.key_usage WHERE owner_id = $1',
      [owner3.id],
    );
    expect(counted[0]?.n).toBe(6);
  });

  it('answers any range exactly, whole hours from roll-ups, and only for the owner asked', async () => {
    const ranges: [Date, Date][] = [
      [new Date(now - 30 * DAY), new Date(now)],
      [new Date(Math.floor(now / HOUR) * HOUR - 7 * DAY), new Date(Math.floor(now / HOUR) * HOUR + HOUR)],
      [new Date(now - 200 * DAY + 1234), new Date(now - 3 * DAY - 4321)],
      [new Date(now - 90 * 60_000), new Date(now - 30 * 60_000)],
    ];
    for (const [from, to] of ranges) {
      for (const groupBy of ['hour', 'day', 'week', 'provider', 'key'] as const) {
        const answer = await usageStore.figures(db, { owner, from, to, providers: null, groupBy });
        expect(normal(answer.totals), `${groupBy} ${from.toISOString()}`).toEqual(
          normal(await rawSums(db, owner, from, to)),
        );
      }
    }
    const theirs = await usageStore.figures(db, {
      owner: other,
      from: new Date(now - DAY),
      to: new Date(now + HOUR),
      providers: null,
      groupBy: 'key',
    });
    expect(theirs.totals.requests).toBe(row(other, now, 7).requests);
  });

  it('purges raw rows and validations in batches; totals over the purged days stay the same', async () => {
    const from = new Date(Math.floor((now - 200 * DAY) / DAY) * DAY);
    const to = new Date(Math.floor(now / HOUR) * HOUR + HOUR);
    const ranges: [Date, Date][] = [
      [from, to],
      [from, new Date(Math.floor(now / DAY) * DAY - 60 * DAY)],
    ];
    const before = await Promise.all(
      ranges.map(([f, t]) =>
        usageStore.figures(db, { owner, from: f, to: t, providers: null, groupBy: 'day' }),
      ),
    );
    const rawBefore = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM byok.key_usage WHERE owner_id = $1 AND created_at < $2`,
      [owner.id, new Date(Math.floor(now / DAY) * DAY - 60 * DAY)],
    );
    expect(rawBefore.rows[0]?.n).toBeGreaterThan(20);

    const keyId = uniqueId('key');
    await db.query(
      `INSERT INTO byok.keys (id, owner_type, owner_id, provider, environment, ciphertext, key_hint, key_fingerprint)
       VALUES ($1, 'user', $2, 'openai', 'production', 'x', 'sk-…test', 'fp')`,
      [keyId, owner.id],
    );
    for (let i = 0; i < 12; i++) {
      await db.query(
        `INSERT INTO byok.key_validations (key_id, is_valid, status, health_score, response_time_ms, created_at)
         VALUES ($1, true, 'valid', 100, 10, $2)`,
        [keyId, new Date(now - (i < 9 ? 100 : 1) * DAY - i * HOUR)],
      );
    }

    const removed = await purgeExpiredUsage(
      db,
      usageStore,
      { rawUsageDays: 60, validationDays: 30, batchSize: 7 },
      new Date(now),
    );
    expect(removed.rawUsage).toBeGreaterThanOrEqual(rawBefore.rows[0]?.n as number);
    expect(removed.validations).toBe(9);
    expect(removed.hourlyRollups).toBe(0);

    const left = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM byok.key_usage WHERE created_at < $1`,
      [new Date(Math.floor(now / DAY) * DAY - 60 * DAY)],
    );
    expect(left.rows[0]?.n).toBe(0);
    const validationsLeft = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM byok.key_validations WHERE key_id = $1',
      [keyId],
    );
    expect(validationsLeft.rows[0]?.n).toBe(3);

    const after = await Promise.all(
      ranges.map(([f, t]) =>
        usageStore.figures(db, { owner, from: f, to: t, providers: null, groupBy: 'day' }),
      ),
    );
    for (const [i, answer] of after.entries()) {
      const previous = before[i] as (typeof before)[number];
      expect(normal(answer.totals)).toEqual(normal(previous.totals));
      expect([...answer.byBucket].map(([b, s]) => [b, normal(s)])).toEqual(
        [...previous.byBucket].map(([b, s]) => [b, normal(s)]),
      );
    }
    // A second run finds nothing more to delete.
    expect(
      await purgeExpiredUsage(db, usageStore, { rawUsageDays: 60, validationDays: 30 }, new Date(now)),
    ).toEqual({
      rawUsage: 0,
      validations: 0,
      hourlyRollups: 0,
    });
  });

  it('purges hourly roll-ups only when asked, and deletes at most batchSize rows per statement', async () => {
    const cutoff = new Date(Math.floor(now / DAY) * DAY - 150 * DAY);
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM byok.usage_hourly WHERE hour < $1',
      [cutoff],
    );
    const old = rows[0]?.n as number;
    expect(old).toBeGreaterThan(3);
    expect(await usageStore.purgeHourlyRollups(db, { before: cutoff, batchSize: 2, maxBatches: 1 })).toBe(2);
    expect(await usageStore.purgeHourlyRollups(db, { before: cutoff, batchSize: 2 })).toBe(old - 2);
    const daily = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM byok.usage_daily WHERE day < $1',
      [cutoff.toISOString().slice(0, 10)],
    );
    expect(daily.rows[0]?.n).toBeGreaterThan(0);
  });
});
