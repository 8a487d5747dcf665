import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends, uniqueId } from '../../test/backends.js';
import type { Owner } from '../crypto/index.js';
import { toDatabase } from './database.js';
import { gatewayTokensStore, type TokenUsageSumsRow } from './gateway-tokens-store.js';
import { DatabaseMigration } from './migrator.js';
import type { Database } from './types.js';
import { type UsageRow, usageStore } from './usage-store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

function row(owner: Owner, tokenId: string | null, at: number, i: number): UsageRow {
  return {
    keyId: `key_${i % 2}`,
    owner,
    provider: i % 3 === 0 ? 'anthropic' : 'openai',
    model: i % 5 === 0 ? null : `m${i % 2}`,
    requests: 1,
    inputTokens: 100 + i,
    outputTokens: 10 + (i % 7),
    cachedTokens: i % 4,
    costUsd: i % 6 === 0 ? null : (i % 13) / 1000,
    priced: i % 6 !== 0,
    latencyMs: 50,
    success: i % 9 !== 0,
    at: new Date(at),
    gatewayTokenId: tokenId,
  };
}

/** The same report straight from the raw rows: by day, by provider and model, and in total. */
async function rawReport(db: Database, tokenId: string, from: Date, to: Date) {
  const { rows } = await db.query<TokenUsageSumsRow>(
    `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, provider, model,
            sum(requests)::text AS requests, sum(CASE WHEN success THEN 0 ELSE requests END)::text AS errors,
            sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens,
            sum(cost_usd)::text AS cost, sum(CASE WHEN priced THEN 0 ELSE requests END)::text AS unpriced
       FROM byok.key_usage WHERE gateway_token_id = $1 AND created_at >= $2 AND created_at < $3
      GROUP BY GROUPING SETS ((1), (provider, model), ())
      ORDER BY 1, provider, model`,
    [tokenId, from, to],
  );
  return normal(rows);
}

/**
 * Sums compared as numbers (numeric text may differ in trailing zeros). A group of unpriced rows only
 * sums to no cost from raw rows and to 0 from roll-ups: the report tells it by its unpriced count.
 */
const normal = (rows: TokenUsageSumsRow[]) => rows.map((r) => ({ ...r, cost: Number(r.cost ?? 0) }));

/** Rows of one token over three days: on and beside hour and day edges, and in every minute of the last two hours. */
function tokenRows(owner: Owner, tokenId: string, now: number): UsageRow[] {
  const rows: UsageRow[] = [];
  const hour = Math.floor(now / HOUR) * HOUR;
  for (let i = 0; i < 300; i++) {
    const at =
      i < 120
        ? now - i * MINUTE - 7_000
        : i % 10 === 0
          ? hour - Math.floor(i / 10) * HOUR - (i % 2)
          : now - ((i * 7919) % (3 * DAY));
    rows.push(row(owner, tokenId, at, i));
  }
  return rows;
}

describe.each(databaseBackends)('gateway token usage on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  const owner: Owner = { type: 'workspace', id: uniqueId('ws') };
  const tokenId = uniqueId('gt');
  const now = Date.now();

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    db = toDatabase(opened.client);
    await new DatabaseMigration(db).runMigrations();
    const rows = tokenRows(owner, tokenId, now);
    // Both statements: the batch without ids (COPY on pg) and single rows with theirs; other tokens and owners beside.
    await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, rows.slice(0, 200), []));
    for (const r of rows.slice(200))
      await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, [r]));
    const others = [
      row(owner, 'gt_other', now - HOUR, 1),
      row({ type: 'user', id: owner.id }, null, now - HOUR, 2),
    ];
    await db.transaction((tx) => usageStore.insertBatch(tx, `ub_${uniqueId()}`, others, []));
  });
  afterAll(() => close());

  it('answers any window exactly: whole hours from the roll-ups, the edges from raw rows', async () => {
    const windows: [number, number][] = [
      [now - 7 * DAY, now],
      [now - DAY, now],
      [now - 90 * MINUTE, now],
      [now - 20 * MINUTE, now - 5 * MINUTE],
      [Math.floor(now / HOUR) * HOUR - 2 * HOUR, Math.floor(now / HOUR) * HOUR],
      // Within one hour: no whole hour, raw rows only, each once.
      [Math.floor(now / HOUR) * HOUR - 50 * MINUTE, Math.floor(now / HOUR) * HOUR - 20 * MINUTE],
    ];
    for (const [from, to] of windows) {
      const answer = await gatewayTokensStore.usageSums(db, tokenId, owner, new Date(from), new Date(to));
      const expected = await rawReport(db, tokenId, new Date(from), new Date(to));
      expect(normal(answer), `${new Date(from).toISOString()} – ${new Date(to).toISOString()}`).toEqual(
        expected,
      );
      expect(expected.at(-1)?.requests).not.toBeNull();
    }
  });

  it('keeps whole hours after the raw rows are purged', async () => {
    const from = new Date(now - 7 * DAY);
    const before = await gatewayTokensStore.usageSums(db, tokenId, owner, from, new Date(now));
    const cutoff = Math.floor(now / HOUR) * HOUR - 3 * HOUR;
    await usageStore.purgeRawUsage(db, { before: new Date(cutoff) });
    const after = await gatewayTokensStore.usageSums(db, tokenId, owner, from, new Date(now));
    expect(normal(after)).toEqual(normal(before));
  });

  it('backfills the roll-ups of rows recorded before its migration', async () => {
    const opened = await backend.open();
    const old = toDatabase(opened.client);
    const dir = await mkdtemp(join(tmpdir(), 'byok-token-hourly-'));
    try {
      for (const name of await readdir(MIGRATIONS))
        if (/^00(0\d|1[01])_/.test(name)) await copyFile(join(MIGRATIONS, name), join(dir, name));
      await new DatabaseMigration(old, { migrationsDir: pathToFileURL(`${dir}/`) }).runMigrations();
      const rows = tokenRows(owner, tokenId, now);
      await old.query(
        `INSERT INTO byok.key_usage (owner_type, owner_id, provider, model, requests, input_tokens, output_tokens,
                                     cost_usd, priced, success, created_at, gateway_token_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[],
                              $8::numeric[], $9::bool[], $10::bool[], $11::timestamptz[], $12::text[])`,
        [
          rows.map((r) => r.owner.type),
          rows.map((r) => r.owner.id),
          rows.map((r) => r.provider),
          rows.map((r) => r.model),
          rows.map((r) => r.requests),
          rows.map((r) => r.inputTokens),
          rows.map((r) => r.outputTokens),
          rows.map((r) => r.costUsd),
          rows.map((r) => r.priced),
          rows.map((r) => r.success),
          rows.map((r) => r.at),
          rows.map((r) => r.gatewayTokenId),
        ],
      );
      expect(await new DatabaseMigration(old).runMigrations()).toContain(12);
      for (const [from, to] of [
        [now - 7 * DAY, now],
        [now - 30 * MINUTE, now],
      ] as const) {
        expect(
          normal(await gatewayTokensStore.usageSums(old, tokenId, owner, new Date(from), new Date(to))),
        ).toEqual(await rawReport(old, tokenId, new Date(from), new Date(to)));
      }
      const { rows: index } = await old.query(
        "SELECT 1 FROM pg_indexes WHERE schemaname = 'byok' AND indexname = 'key_usage_gateway_token_idx'",
      );
      expect(index).toEqual([]);
    } finally {
      await opened.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
