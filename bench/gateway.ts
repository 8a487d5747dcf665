/**
 * The gateway beside the upstream itself, a bare undici pass-through proxy and Portkey's
 * open-source gateway, all in one run on the same fake upstream (answering at once and after
 * 20 ms; JSON and streamed): autocannon, 50 connections, each target its own process; per run a
 * warm-up of BENCH_GATEWAY_WARMUP_SECONDS (default 2, the gateway's JIT needs more than 1 s) and
 * BENCH_GATEWAY_SECONDS (default 5) measured; BENCH_GATEWAY_ROUNDS (default 3) rounds with the
 * targets interleaved, each figure the median of its rounds (this shared machine drifts 20–30%
 * between runs). Then the usage writer alone: events/s on PostgreSQL with an alert
 * armed, totals checked; and `recordUsage` (through the same writer) with BENCH_RECORD_CALLERS
 * (default 200) concurrent callers for BENCH_RECORD_SECONDS (default 5), beside raw single-row
 * INSERTs by as many callers on the same pool, totals checked.
 *
 * Portkey: install it outside the repo (`npm install @portkey-ai/gateway@1.15.2` in /tmp/portkey)
 * and set PORTKEY_DIR=/tmp/portkey; without it its column says so and the ratios to it are skipped.
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch database is made and dropped).
 * Run: npm run bench:gateway (BENCH_GATEWAY_ONLY=ingestion: the two usage figures only;
 * BENCH_GATEWAY_ONLY=record-usage: the recordUsage figure only).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger } from '@stack-2025/byok-core';
import pg from 'pg';
import { AlertService } from '../packages/byok-core/src/alerts/alert-service.js';
import { AuditLog } from '../packages/byok-core/src/audit/index.js';
import { createBYOKForStack2025 } from '../packages/byok-core/src/create-byok.js';
import { EncryptionService } from '../packages/byok-core/src/crypto/index.js';
import { toDatabase } from '../packages/byok-core/src/store/database.js';
import { DatabaseMigration } from '../packages/byok-core/src/store/migrator.js';
import { type UsageWriteEvent, UsageWriter } from '../packages/byok-core/src/usage/usage-writer.js';
import { scratchDatabase } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const SERVERS = join(ROOT, 'bench/gateway-servers.ts');
const DURATION_S = Number(process.env.BENCH_GATEWAY_SECONDS ?? 5);
const WARMUP_S = Number(process.env.BENCH_GATEWAY_WARMUP_SECONDS ?? 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_GATEWAY_ROUNDS ?? 3));
const CONNECTIONS = 50;
const USER_KEY = 'sk-bench-0123456789abcdefghijklmnop';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
/** A run: awaitable, and emitting each answer's latency in fractional ms (its histogram keeps whole ms). */
type AutocannonRun = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
type Autocannon = (options: Record<string, unknown>) => AutocannonRun;
/** A run's figures, with p50 and p99 from every answer's own latency (µs resolution). */
interface LoadResult extends AutocannonResult {
  p50: number;
  p99: number;
}

/** A server under load: its process (for CPU time), address and request headers. */
interface Target {
  name: string;
  pid: number | undefined;
  url: string;
  headers: Record<string, string>;
}
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const children: ChildProcess[] = [];

async function start(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ line: string; proc: ChildProcess }> {
  const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not start: ${output.slice(-2000)}`)),
      60_000,
    );
    const onData = (data: Buffer) => {
      output += data.toString();
      const line = output.split('\n').find((l) => ready.test(l));
      if (line) {
        clearTimeout(timer);
        resolve({ line, proc });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`exited ${code}: ${output.slice(-2000)}`)));
  });
}

/** CPU seconds (user + system) a child used so far, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The packages as they ship (`dist`, built by `npm run build:server`) when built, else their sources
 * through tsx — whose `keepNames` adds a property write per closure the shipped code does not pay.
 */
const BUILT = existsSync(join(ROOT, 'packages/byok-core/dist/gateway/index.js'));
const SOURCE_CONDITION = BUILT ? [] : ['--conditions=@stack-2025/source'];

const startMode = async (mode: string, env: NodeJS.ProcessEnv = {}) => {
  const { line, proc } = await start(
    process.execPath,
    [...SOURCE_CONDITION, '--import', TSX, SERVERS, mode],
    env,
    /^\{"port"/,
  );
  return { ...(JSON.parse(line) as { port: number; token?: string }), pid: proc.pid };
};

function body(stream: boolean, slow: boolean): string {
  return JSON.stringify({
    model: 'gpt-6-luna',
    messages: [{ role: 'user', content: 'Say hello.' }],
    ...(slow ? { user: 'slow' } : {}),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

/** One run against a target: a warm-up, then the measured run, with the target's CPU time over the measured run only. */
async function load(
  url: string,
  headers: Record<string, string>,
  payload: string,
  pid: number | undefined,
): Promise<LoadResult & { cpuMsPerRequest: number | undefined }> {
  const options = {
    url,
    method: 'POST',
    connections: CONNECTIONS,
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  };
  await autocannon({ ...options, duration: WARMUP_S });
  const before = cpuSeconds(pid);
  const run = autocannon({ ...options, duration: DURATION_S });
  const latencies: number[] = [];
  run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await run;
  const after = cpuSeconds(pid);
  latencies.sort((x, y) => x - y);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const cpuMsPerRequest =
    before === undefined || after === undefined
      ? undefined
      : ((after - before) * 1000) / Math.max(1, result.requests.total);
  return { ...result, p50: at(0.5), p99: at(0.99), cpuMsPerRequest };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function main(): Promise<void> {
  const scratch = await scratchDatabase();
  try {
    const up = await startMode('upstream');
    const upstreamUrl = `http://127.0.0.1:${up.port}`;
    const proxy = await startMode('proxy', { UPSTREAM_URL: upstreamUrl });
    const gw = await startMode('gateway', { UPSTREAM_URL: upstreamUrl, GATEWAY_DATABASE_URL: scratch.url });
    const portkeyDir = process.env.PORTKEY_DIR;
    const portkeyEntry = portkeyDir
      ? join(portkeyDir, 'node_modules/@portkey-ai/gateway/build/start-server.js')
      : undefined;
    let portkeyPort: number | undefined;
    let portkeyPid: number | undefined;
    if (portkeyEntry && existsSync(portkeyEntry)) {
      portkeyPort = 20000 + Math.floor(Math.random() * 20000);
      const portkey = await start(
        process.execPath,
        [portkeyEntry, '--headless', `--port=${portkeyPort}`],
        {},
        /running|listening|Ready|port/i,
      );
      portkeyPid = portkey.proc.pid;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } else {
      console.log(
        'Portkey skipped: set PORTKEY_DIR to a folder with @portkey-ai/gateway@1.15.2 installed (outside the repo).',
      );
    }

    const targets: Target[] = [
      {
        name: 'upstream',
        pid: up.pid,
        url: `${upstreamUrl}/v1/chat/completions`,
        headers: { authorization: `Bearer ${USER_KEY}` },
      },
      {
        name: 'undici proxy',
        pid: proxy.pid,
        url: `http://127.0.0.1:${proxy.port}/v1/chat/completions`,
        headers: { authorization: `Bearer ${USER_KEY}` },
      },
      {
        name: 'BYOK gateway',
        pid: gw.pid,
        url: `http://127.0.0.1:${gw.port}/v1/chat/completions`,
        headers: { authorization: `Bearer ${gw.token}` },
      },
      ...(portkeyPort
        ? [
            {
              name: 'Portkey',
              pid: portkeyPid,
              url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
              headers: {
                authorization: `Bearer ${USER_KEY}`,
                'x-portkey-provider': 'openai',
                'x-portkey-custom-host': `${upstreamUrl}/v1`,
              },
            },
          ]
        : []),
    ];
    const rows: Record<string, string>[] = [];
    const verdicts: Record<string, string>[] = [];
    let gatewayRequests = 0;
    for (const slow of [false, true]) {
      for (const stream of [false, true]) {
        const scenario = `${slow ? '20 ms' : 'at once'}, ${stream ? 'streamed' : 'JSON'}`;
        // Rounds interleave the targets (each round in another order), so a drift of this shared
        // machine falls on all of them; each figure is the median of its rounds.
        const runs = new Map<string, (LoadResult & { cpuMsPerRequest: number | undefined })[]>();
        for (let round = 0; round < ROUNDS; round++) {
          const order = targets.map((_, i) => targets[(i + round) % targets.length] as Target);
          for (const target of order) {
            const result = await load(target.url, target.headers, body(stream, slow), target.pid);
            if (target.name === 'BYOK gateway') gatewayRequests += result.requests.total;
            runs.set(target.name, [...(runs.get(target.name) ?? []), result]);
          }
        }
        const results = new Map<string, LoadResult>();
        for (const target of targets) {
          const measured = runs.get(target.name) ?? [];
          const cpu = measured.map((r) => r.cpuMsPerRequest).filter((v): v is number => v !== undefined);
          const result: LoadResult = {
            requests: {
              average: median(measured.map((r) => r.requests.average)),
              total: measured.reduce((n, r) => n + r.requests.total, 0),
            },
            latency: {
              p50: median(measured.map((r) => r.latency.p50)),
              p99: median(measured.map((r) => r.latency.p99)),
            },
            non2xx: measured.reduce((n, r) => n + r.non2xx, 0),
            errors: measured.reduce((n, r) => n + r.errors, 0),
            p50: median(measured.map((r) => r.p50)),
            p99: median(measured.map((r) => r.p99)),
          };
          results.set(target.name, result);
          rows.push({
            scenario,
            target: target.name,
            'p50 ms': result.p50.toFixed(2),
            'p99 ms': result.p99.toFixed(2),
            'req/s': result.requests.average.toFixed(0),
            'non-2xx/errors': `${result.non2xx}/${result.errors}`,
            'CPU ms/req (process)': cpu.length > 0 ? median(cpu).toFixed(3) : 'n/a',
            'p50 by round': measured.map((r) => r.p50.toFixed(2)).join(' '),
          });
        }
        // The same ratio within each round (its runs within half a minute, so a drift of the machine
        // between rounds falls on both sides of it), and their median: the paired figure, which one
        // slowed run moves less than it moves the ratio of the medians.
        const byRound = (runs.get('BYOK gateway') ?? []).map((gateway, round) => {
          const upstream = runs.get('upstream')?.[round]?.p50 ?? Number.NaN;
          const proxy = runs.get('undici proxy')?.[round]?.p50 ?? Number.NaN;
          return (gateway.p50 - upstream) / (proxy - upstream);
        });
        const a = results.get('upstream') as LoadResult;
        const b = results.get('undici proxy') as LoadResult;
        const c = results.get('BYOK gateway') as LoadResult;
        const d = results.get('Portkey');
        const overheadC = c.p50 - a.p50;
        const overheadB = b.p50 - a.p50;
        verdicts.push({
          scenario,
          'gateway overhead p50 ms': overheadC.toFixed(2),
          'proxy overhead p50 ms': overheadB.toFixed(2),
          'overhead vs proxy (goal ≤ 1.5x)': overheadB > 0 ? `${(overheadC / overheadB).toFixed(2)}x` : 'n/a',
          'vs proxy by round': byRound.map((ratio) => ratio.toFixed(2)).join(' '),
          'median of rounds': `${median(byRound).toFixed(2)}x`,
          'Portkey overhead p50 ms': d ? (d.p50 - a.p50).toFixed(2) : 'skipped',
          'overhead vs Portkey (goal ≤ 0.5x)': d
            ? `${(overheadC / Math.max(0.01, d.p50 - a.p50)).toFixed(2)}x`
            : 'skipped',
          'req/s vs Portkey (goal ≥ 2x)': d
            ? `${(c.requests.average / d.requests.average).toFixed(2)}x`
            : 'skipped',
        });
      }
    }
    // Did the usage writer keep up? Everything the gateway answered must be committed, queue empty.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stats = (await (await fetch(`http://127.0.0.1:${gw.port}/bench/stats`)).json()) as {
      queueDepth: number;
      committed: number;
      batches: number;
      lastFlushMs: number;
    };
    console.log(
      `\nGateway vs upstream, bare undici proxy and Portkey — autocannon, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per run, ${ROUNDS} rounds interleaved (medians), 127.0.0.1; packages ${BUILT ? 'as built (dist)' : 'from source via tsx (run `npm run build:server` to time what ships)'}; p50/p99 from each answer's own latency`,
    );
    console.table(rows);
    console.table(verdicts);
    console.log(
      `usage writer after the gateway runs: queue depth ${stats.queueDepth}, committed ${stats.committed} events in ${stats.batches} batches (gateway requests measured, warm-ups not counted: ${gatewayRequests}), last flush ${stats.lastFlushMs.toFixed(1)} ms`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await scratch.drop().catch(() => undefined);
  }
  await ingestion();
}

/** The usage writer alone on PostgreSQL, with an alert armed: events/s, totals checked exactly. */
async function ingestion(): Promise<void> {
  const scratch = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
  pool.on('error', () => undefined);
  try {
    const db = toDatabase(pool);
    await new DatabaseMigration(db).runMigrations();
    const logger = createLogger({ level: 'warn' });
    // The audit log signs its entries (creating the alert writes one): it needs the master key.
    const keys = new EncryptionService({ encryptionKey: 'bench-ingestion-master-key-0123456789abcdef' });
    await keys.ready();
    const audit = new AuditLog(db, { keys, retentionDays: 30 });
    const alerts = new AlertService({ db, audit, logger });
    const owner = { type: 'user' as const, id: 'bench_ingest_user' };
    await alerts.createUsageAlert({
      userId: owner.id,
      alertType: 'requests',
      thresholdValue: 1e9,
      thresholdPeriod: 'monthly',
      notificationChannels: ['webhook'],
      webhookUrl: 'https://hooks.example.com/bench',
    } as never);
    const writer = new UsageWriter({ db, logger, alerts });
    const total = Number(process.env.BENCH_INGEST_EVENTS ?? 200_000);
    const event = (i: number): UsageWriteEvent => ({
      keyId: null,
      owner,
      provider: 'openai',
      model: 'gpt-6-luna',
      requests: 1,
      inputTokens: 12,
      outputTokens: 7,
      cachedTokens: 4,
      costUsd: 0.0000051,
      priced: true,
      latencyMs: 10,
      ttfbMs: 5,
      statusCode: 200,
      success: i % 100 !== 0,
      at: new Date(),
      gatewayTokenId: 'gt_bench',
    });
    const start = performance.now();
    // Producers hand events over in bursts of 1,000 every tick, like many requests ending at once.
    for (let i = 0; i < total; i += 1000) {
      for (let j = i; j < Math.min(total, i + 1000); j++) writer.enqueue(event(j));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.flush();
    const seconds = (performance.now() - start) / 1000;
    const stats = writer.stats();
    const { rows } = await pool.query<{ raw: string; daily: string; spend: string }>(
      `SELECT (SELECT count(*) FROM byok.key_usage)::text AS raw,
              (SELECT coalesce(sum(requests), 0) FROM byok.usage_daily)::text AS daily,
              (SELECT coalesce(sum(requests), 0) FROM byok.gateway_token_spend)::text AS spend`,
    );
    const exact =
      rows[0]?.raw === String(total) && rows[0]?.daily === String(total) && rows[0]?.spend === String(total);
    console.log(
      '\nUsage ingestion (UsageWriter → PostgreSQL, an alert armed, multi-row insert + roll-ups + spend per batch)',
    );
    console.table([
      {
        events: total,
        seconds: seconds.toFixed(2),
        'events/s': (total / seconds).toFixed(0),
        batches: stats.batches,
        'goal ≥ 10,000/s': total / seconds >= 10_000 ? 'met' : 'NOT met',
        'totals exact (raw = daily = spend)': exact ? 'yes' : `NO ${JSON.stringify(rows[0])}`,
      },
    ]);
    await writer.close();
    await alerts.close();
  } finally {
    await pool.end();
    await scratch.drop().catch(() => undefined);
  }
}

/** Runs `callers` loops of `call` for `seconds`; answers the calls made. */
async function callersFor(callers: number, seconds: number, call: (i: number) => Promise<unknown>) {
  const end = performance.now() + seconds * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) await call(calls++);
    }),
  );
  return calls;
}

/**
 * `recordUsage` through the public API (a system over a pg pool), one key, an alert armed on its
 * owner, many concurrent callers; beside raw single-row INSERTs by as many callers on the same pool.
 */
async function recordUsageThroughput(): Promise<void> {
  const scratch = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: scratch.url, max: 8 });
  pool.on('error', () => undefined);
  const callers = Number(process.env.BENCH_RECORD_CALLERS ?? 200);
  const seconds = Number(process.env.BENCH_RECORD_SECONDS ?? 5);
  const system = await createBYOKForStack2025({
    encryptionKey: 'bench-record-usage-master-key-0123456789abcdef',
    postgresClient: pool,
    logger: createLogger({ level: 'warn' }),
  });
  try {
    const userId = 'bench_record_user';
    const keyId = 'key_bench_record';
    await pool.query(
      `INSERT INTO byok.keys (id, owner_type, owner_id, provider, environment, ciphertext, key_hint, key_fingerprint)
       VALUES ($1, 'user', $2, 'openai', 'production', 'x', 'sk-…bench', 'fp')`,
      [keyId, userId],
    );
    await system.database.createUsageAlert({
      userId,
      alertType: 'requests',
      thresholdValue: 1e9,
      thresholdPeriod: 'monthly',
      notificationChannels: ['webhook'],
      webhookUrl: 'https://hooks.example.com/bench',
    });
    const raw = await callersFor(callers, seconds, () =>
      pool.query(
        `INSERT INTO byok.key_usage (owner_type, owner_id, provider, model, input_tokens, output_tokens, cost_usd)
         VALUES ('user', 'bench_raw_insert', 'openai', 'gpt-6-luna', 100, 10, 0.0001)`,
      ),
    );
    const recorded = await callersFor(callers, seconds, (i) =>
      system.manager.recordUsage({
        keyId,
        model: 'gpt-6-luna',
        inputTokens: 100 + (i % 7),
        outputTokens: 10,
      }),
    );
    const { rows } = await pool.query<{ raw: string; daily: string; hourly: string }>(
      `SELECT (SELECT count(*) FROM byok.key_usage WHERE owner_id = $1)::text AS raw,
              (SELECT coalesce(sum(requests), 0) FROM byok.usage_daily WHERE owner_id = $1)::text AS daily,
              (SELECT coalesce(sum(requests), 0) FROM byok.usage_hourly WHERE owner_id = $1)::text AS hourly`,
      [userId],
    );
    const exact = [rows[0]?.raw, rows[0]?.daily, rows[0]?.hourly].every((n) => n === String(recorded));
    console.log(
      `\nrecordUsage (public API, one key, an alert armed), ${callers} concurrent callers, ${seconds} s each, pg pool of 8`,
    );
    console.table([
      { path: 'baseline: raw single-row INSERT', calls: raw, 'calls/s': (raw / seconds).toFixed(0) },
      {
        path: 'recordUsage',
        calls: recorded,
        'calls/s': (recorded / seconds).toFixed(0),
        '÷ raw insert': (raw / recorded).toFixed(2),
        'totals exact (raw = hourly = daily = calls)': exact ? 'yes' : `NO ${JSON.stringify(rows[0])}`,
      },
    ]);
    if (!exact) process.exitCode = 1;
  } finally {
    await system.close();
    await pool.end();
    await scratch.drop().catch(() => undefined);
  }
}

const only = process.env.BENCH_GATEWAY_ONLY;
if (only === 'ingestion') await ingestion();
else if (only !== 'record-usage') await main();
await recordUsageThroughput();
