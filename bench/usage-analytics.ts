/**
 * Usage analytics on real PostgreSQL: 1,000,000 usage rows over 90 days, then
 *   - getAnalytics (30 days by day, 90 days by week, 7 days by hour; answered from the daily and
 *     hourly roll-ups) beside a raw `pg` primary-key select of the same run (as a ratio) and the
 *     same figures added up from the raw rows without roll-ups; totals checked against raw rows;
 *   - recordUsage throughput (through the batched UsageWriter) with one (unfired) alert on the owner,
 *     beside a raw single-row INSERT.
 *
 * Run: node --conditions=@stack-2025/source --import tsx bench/usage-analytics.ts
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a server where it may create a scratch database).
 * Knobs: BENCH_ROWS (default 1,000,000), BENCH_CALLS (3,000), BENCH_CONCURRENCY (8).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { AlertService } from '../packages/byok-core/src/alerts/index.js';
import { AuditLog } from '../packages/byok-core/src/audit/index.js';
import { EncryptionService } from '../packages/byok-core/src/crypto/index.js';
import { createLogger } from '../packages/byok-core/src/logging/index.js';
import { toDatabase } from '../packages/byok-core/src/store/database.js';
import { DatabaseMigration } from '../packages/byok-core/src/store/migrator.js';
import { UsageService } from '../packages/byok-core/src/usage/index.js';
import { UsageWriter } from '../packages/byok-core/src/usage/usage-writer.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const RUNS = 20;
const HEAVY = 'user_heavy';

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error(
    'Set BENCH_DATABASE_URL or TEST_DATABASE_URL to a PostgreSQL server (a scratch database is created).',
  );
  process.exit(1);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] as number;
const ms = (x: number): string => `${x.toFixed(2)} ms`;

async function timeRuns(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Runs `calls` calls of `fn` with `concurrency` in flight; returns wall time and per-call latencies. */
async function throughput(calls: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < calls; i = next++) {
        const t = performance.now();
        await fn(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - start;
  return { perSecond: (calls / wallMs) * 1000, wallMs, median: median(latencies), p95: p95(latencies) };
}

const dbName = `byok_bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: CONCURRENCY + 2 });
// An idle client whose connection drops (a server restart) emits 'error'; the pool replaces it.
pool.on('error', (error) => console.warn(`pool: idle connection lost (${error.message})`));

// A local receiver, so that the alert has somewhere to go (its threshold is never reached here).
let webhookHits = 0;
const receiver = createServer((_req, res) => {
  webhookHits++;
  res.end();
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));

const db = toDatabase(pool);
const encryption = new EncryptionService({ encryptionKey: randomBytes(32).toString('base64') });
await encryption.ready();
const logger = createLogger({ level: 'warn' });
const alerts = new AlertService({
  db,
  audit: new AuditLog(db, { keys: encryption }),
  logger,
  webhook: {
    secret: 'bench-secret',
    defaultUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
  },
});
const writer = new UsageWriter({ db, logger, alerts });
const usage = new UsageService({ db, writer });

try {
  console.log(
    `usage-analytics bench — PostgreSQL ${(await pool.query('SHOW server_version')).rows[0].server_version}, scratch db ${dbName}`,
  );
  await new DatabaseMigration(db).runMigrations();

  // 1. Load: a quarter of the rows belong to one heavy owner (10 keys, 2 models per provider), the
  // rest to 1,000 other owners; created_at spread over the last 90 days.
  let t = performance.now();
  const chunks = 2;
  const per = Math.ceil(ROWS / chunks);
  await Promise.all(
    Array.from({ length: chunks }, (_, c) =>
      pool.query(
        `INSERT INTO byok.key_usage (key_id, owner_type, owner_id, provider, model, requests, input_tokens, output_tokens,
                                     cached_tokens, cost_usd, priced, latency_ms, success, created_at)
         SELECT CASE WHEN g % 4 = 0 THEN 'key_heavy_' || (g / 4 % 10) ELSE 'key_' || (g % 2000) END,
                'user',
                CASE WHEN g % 4 = 0 THEN $3 ELSE 'user_' || (g % 1000) END,
                (ARRAY['openai', 'anthropic', 'gemini', 'deepseek', 'openrouter'])[1 + g % 5],
                (ARRAY['gpt-6-luna', 'claude-sonnet-5.5', 'gemini-3.8-flash', 'deepseek-flash', 'openai/gpt-6.1-sol'])[1 + g % 5]
                  || CASE WHEN g / 20 % 2 = 0 THEN '' ELSE '-2026-09-29' END,
                1, 100 + (g * 7919) % 4000, 10 + (g * 104729) % 800, (g * 31) % 100,
                CASE WHEN g % 97 = 0 THEN NULL ELSE ((g % 1000) / 100000.0)::numeric(18, 8) END,
                g % 97 <> 0, 50 + g % 900, g % 53 <> 0,
                now() - ((g * 7919 % 7776000) * interval '1 second') - (g % 1000) * interval '1 millisecond'
           FROM generate_series($1::bigint, $2::bigint) AS g`,
        [c * per + 1, Math.min(ROWS, (c + 1) * per), HEAVY],
      ),
    ),
  );
  const loadMs = performance.now() - t;
  t = performance.now();
  await pool.query(
    `INSERT INTO byok.usage_daily (owner_type, owner_id, day, provider, key_id, model, requests, errors, input_tokens,
                                   output_tokens, cached_tokens, cost_usd, unpriced_requests)
     SELECT owner_type, owner_id, (created_at AT TIME ZONE 'UTC')::date, provider, coalesce(key_id, ''), coalesce(model, ''),
            sum(requests), sum(CASE WHEN success THEN 0 ELSE requests END), sum(input_tokens), sum(output_tokens),
            sum(cached_tokens), coalesce(sum(cost_usd), 0), sum(CASE WHEN priced THEN 0 ELSE requests END)
       FROM byok.key_usage GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  await pool.query(
    `INSERT INTO byok.usage_hourly (owner_type, owner_id, hour, provider, key_id, model, requests, errors,
                                    input_tokens, output_tokens, cached_tokens, cost_usd, unpriced_requests, audio_seconds)
     SELECT owner_type, owner_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', provider,
            coalesce(key_id, ''), coalesce(model, ''), sum(requests), sum(CASE WHEN success THEN 0 ELSE requests END), sum(input_tokens),
            sum(output_tokens), sum(cached_tokens), coalesce(sum(cost_usd), 0),
            sum(CASE WHEN priced THEN 0 ELSE requests END), coalesce(sum(audio_seconds), 0)
       FROM byok.key_usage GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  const rollupMs = performance.now() - t;
  await pool.query('ANALYZE byok.key_usage');
  await pool.query('ANALYZE byok.usage_daily');
  await pool.query('ANALYZE byok.usage_hourly');
  const counts = (
    await pool.query(
      `SELECT (SELECT count(*) FROM byok.key_usage)::int AS raw,
              (SELECT count(*) FROM byok.usage_daily)::int + (SELECT count(*) FROM byok.usage_hourly)::int AS rollups,
              (SELECT count(*) FROM byok.key_usage WHERE owner_id = $1)::int AS heavy`,
      [HEAVY],
    )
  ).rows[0];
  console.log(
    `load: ${counts.raw.toLocaleString('en')} raw rows in ${(loadMs / 1000).toFixed(1)} s; ` +
      `${counts.rollups.toLocaleString('en')} roll-up rows in ${(rollupMs / 1000).toFixed(1)} s (daily and hourly, one INSERT … SELECT each); ` +
      `heavy owner ${counts.heavy.toLocaleString('en')} rows`,
  );

  // 2. Correctness before speed: the answer equals the raw rows.
  const sample = await usage.getAnalytics(HEAVY, { timeRange: '30d', groupBy: 'day' });
  const check = (
    await pool.query(
      `SELECT count(*)::int AS requests, sum(input_tokens)::text AS input, sum(cost_usd)::text AS cost
         FROM byok.key_usage WHERE owner_type = 'user' AND owner_id = $1 AND created_at >= $2 AND created_at < $3`,
      [HEAVY, sample.timeRange.from, sample.timeRange.to],
    )
  ).rows[0];
  const same =
    sample.totals.requests === check.requests &&
    sample.totals.inputTokens === Number(check.input) &&
    Math.abs((sample.totals.costUsd ?? 0) - Number(check.cost)) < 1e-6;
  console.log(
    `check: getAnalytics 30d totals ${same ? 'equal' : 'DIFFER FROM'} the raw rows (${sample.totals.requests.toLocaleString('en')} requests, ${sample.series.length} day buckets, ${sample.totals.unpricedRequests} unpriced)`,
  );
  if (!same) process.exitCode = 1;
  for (const options of [
    { timeRange: '7d', groupBy: 'hour' },
    { timeRange: '90d', groupBy: 'week' },
  ] as const) {
    const answer = await usage.getAnalytics(HEAVY, options);
    const raw = (
      await pool.query(
        `SELECT count(*)::int AS requests, sum(input_tokens)::text AS input, sum(cost_usd)::text AS cost
           FROM byok.key_usage WHERE owner_type = 'user' AND owner_id = $1 AND created_at >= $2 AND created_at < $3`,
        [HEAVY, answer.timeRange.from, answer.timeRange.to],
      )
    ).rows[0];
    const equal =
      answer.totals.requests === raw.requests &&
      answer.totals.inputTokens === Number(raw.input) &&
      Math.abs((answer.totals.costUsd ?? 0) - Number(raw.cost)) < 1e-6;
    console.log(
      `check: getAnalytics ${options.timeRange} by ${options.groupBy} totals ${equal ? 'equal' : 'DIFFER FROM'} the raw rows (${answer.totals.requests.toLocaleString('en')} requests, ${answer.series.length} buckets)`,
    );
    if (!equal) process.exitCode = 1;
  }

  // 3. Read path.
  const maxId = (await pool.query('SELECT max(id)::int AS id FROM byok.key_usage')).rows[0].id as number;
  const pk = await timeRuns(1000, 200, () =>
    pool.query('SELECT id, owner_id, cost_usd FROM byok.key_usage WHERE id = $1', [
      1 + Math.floor(Math.random() * maxId),
    ]),
  );
  const analytics30 = await timeRuns(RUNS, 3, () =>
    usage.getAnalytics(HEAVY, {
      timeRange: '30d',
      providers: ['openai', 'anthropic', 'gemini', 'deepseek', 'openrouter'],
      groupBy: 'day',
    }),
  );
  const analytics90 = await timeRuns(RUNS, 2, () =>
    usage.getAnalytics(HEAVY, { timeRange: '90d', groupBy: 'week' }),
  );
  const hourly7 = await timeRuns(RUNS, 2, () =>
    usage.getAnalytics(HEAVY, { timeRange: '7d', groupBy: 'hour' }),
  );
  const rawOnly = await timeRuns(RUNS, 2, () =>
    pool.query(
      `SELECT date_trunc('day', created_at AT TIME ZONE 'UTC') AS day, sum(requests), sum(input_tokens), sum(output_tokens),
              sum(cached_tokens), sum(cost_usd)
         FROM byok.key_usage WHERE owner_type = 'user' AND owner_id = $1 AND created_at >= now() - interval '30 days'
        GROUP BY 1`,
      [HEAVY],
    ),
  );
  const pkMedian = median(pk);
  console.log('\nread path (heavy owner)                     median      p95     × pk select');
  const row = (name: string, xs: number[]) =>
    console.log(
      `  ${name.padEnd(40)} ${ms(median(xs)).padStart(9)} ${ms(p95(xs)).padStart(9)}  ${(median(xs) / pkMedian).toFixed(1).padStart(8)}×`,
    );
  row('baseline: raw pg primary-key select', pk);
  row('getAnalytics 30d by day (goal ≤ 10 ms)', analytics30);
  row('getAnalytics 90d by week', analytics90);
  row('getAnalytics 7d by hour (goal ≤ 20 ms)', hourly7);
  row('same 30d by day from raw rows, no roll-ups', rawOnly);

  // 4. Write path: one alert on the heavy owner that is checked (locked, summed) on every call.
  const alert = await alerts.createUsageAlert({
    userId: HEAVY,
    alertType: 'cost',
    thresholdValue: 1e9,
    thresholdPeriod: 'monthly',
    notificationChannels: ['webhook'],
  });
  const models = ['gpt-6-luna', 'gpt-6.1-sol', 'gpt-6-astra', 'gpt-6-luna-2026-09-22'];
  const rawInsert = await throughput(CALLS, CONCURRENCY, (i) =>
    pool.query(
      `INSERT INTO byok.key_usage (owner_type, owner_id, provider, model, input_tokens, output_tokens, cost_usd)
       VALUES ('user', 'user_raw_insert', 'openai', $1, 100, 10, 0.0001)`,
      [models[i % 4]],
    ),
  );
  const withAlert = await throughput(CALLS, CONCURRENCY, (i) =>
    usage.recordUsage({
      userId: HEAVY,
      provider: 'openai',
      model: models[i % 4],
      inputTokens: 100 + i,
      outputTokens: 10,
    }),
  );
  const noAlert = await throughput(CALLS, CONCURRENCY, (i) =>
    usage.recordUsage({
      userId: 'user_no_alert',
      provider: 'openai',
      model: models[i % 4],
      inputTokens: 100 + i,
      outputTokens: 10,
    }),
  );
  await alerts.drain();
  console.log(
    `\nwrite path (${CALLS.toLocaleString('en')} calls, concurrency ${CONCURRENCY})      calls/s   median      p95   ÷ raw insert`,
  );
  const wrow = (name: string, r: typeof rawInsert) =>
    console.log(
      `  ${name.padEnd(40)} ${r.perSecond.toFixed(0).padStart(7)} ${ms(r.median).padStart(9)} ${ms(r.p95).padStart(9)}  ${(rawInsert.perSecond / r.perSecond).toFixed(1).padStart(8)}×`,
    );
  wrow('baseline: raw single-row INSERT', rawInsert);
  wrow('recordUsage, one alert (checked each batch)', withAlert);
  wrow('recordUsage, owner without alerts', noAlert);
  const fired = (await alerts.listUsageAlerts(HEAVY)).find((a) => a.id === alert.id)?.lastFiredPeriod;
  console.log(
    `  alert fired: ${fired ?? 'no'} (threshold not reached on purpose); webhook hits: ${webhookHits}`,
  );

  const after = await usage.getAnalytics(HEAVY, { timeRange: '24h', groupBy: 'hour' });
  const raw24 = (
    await pool.query(
      `SELECT count(*)::int AS n FROM byok.key_usage WHERE owner_id = $1 AND created_at >= $2 AND created_at < $3`,
      [HEAVY, after.timeRange.from, after.timeRange.to],
    )
  ).rows[0].n as number;
  console.log(
    `  after the writes, 24h totals ${after.totals.requests === raw24 ? 'still equal' : 'DIFFER FROM'} the raw rows (${raw24.toLocaleString('en')})`,
  );
  if (after.totals.requests !== raw24) process.exitCode = 1;
} finally {
  await writer.close();
  await alerts.close();
  await pool.end();
  receiver.close();
  const again = new pg.Client({ connectionString: adminUrl });
  await again.connect();
  await again.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await again.end();
  console.log(`\ndropped ${dbName}`);
}
