/**
 * HTTP figures of `byok serve`, each beside a baseline measured in the same run:
 *  - `GET /api/keys/{id}` through the real server (JWT check, owner-scoped select, masking, metrics)
 *    vs a bare node:http route doing the same primary-key select on the same PostgreSQL
 *    (autocannon, 10 connections, ~5 s per run, 127.0.0.1; three alternating runs each, medians);
 *  - start-up to a ready `/health/ready` on the embedded PGlite (fresh data folder, then again on
 *    the existing one) vs a bare node:http process answering its first request;
 *  - idle RSS of the server on PGlite vs the bare process.
 * Runs the built server (apps/byok-server/dist, `npm run build`) when present, else the sources
 * through tsx (slower to start; the figure says which).
 * Run: node --conditions=@stack-2025/source --import tsx bench/http.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BYOKManager, createLogger } from '@stack-2025/byok-core';
import { SignJWT } from 'jose';
import pg from 'pg';
import { report, scratchDatabase } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'apps/byok-server/dist/cli.js');
const SOURCE = join(ROOT, 'apps/byok-server/src/cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MASTER_KEY = 'bench-http-master-key-0123456789abcdefghij';
const JWT_SECRET = 'bench-http-jwt-secret-0123456789abcdefghij';
const USER = 'bench_http_user';
const POOL_SIZE = 10;
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const SETTLE_MS = Number(process.env.BENCH_HTTP_SETTLE_SECONDS ?? 10) * 1000;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// ---------------------------------------------------------------------------------------------
// The bare route: plain JavaScript in its own `node` process (no tsx, no framework), the same
// owner-scoped primary-key select, and the row (without its ciphertext) as JSON — a body of about
// the size the real server sends. Without BARE_DATABASE_URL it only answers `{"status":"ok"}`.

const BARE_SERVER = `
import { createServer } from 'node:http';
import pg from 'pg';
const url = process.env.BARE_DATABASE_URL;
const pool = url ? new pg.Pool({ connectionString: url, max: ${POOL_SIZE} }) : undefined;
pool?.on('error', () => undefined);
const server = createServer(async (req, res) => {
  try {
    const id = /^\\/api\\/keys\\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    if (!pool || !id) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    const { rows } = await pool.query(
      'SELECT * FROM byok.keys WHERE id = $1 AND owner_type = $2 AND owner_id = $3',
      [id, 'user', ${JSON.stringify(USER)}],
    );
    if (!rows[0]) return void res.writeHead(404).end();
    const { ciphertext, ...key } = rows[0];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key }));
  } catch {
    res.writeHead(500).end();
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write('listening http://127.0.0.1:' + server.address().port + '\\n'));
`;
const bareArgs = ['--input-type=module', '-e', BARE_SERVER];

// ---------------------------------------------------------------------------------------------

interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns a process and waits until it prints where it listens. */
function start(args: string[], env: NodeJS.ProcessEnv, match: RegExp, cwd = ROOT): Promise<Proc> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not start:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const url = match.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({
          child,
          url,
          output: () => output,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => {
                clearTimeout(kill);
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

const serverArgs = () =>
  existsSync(BUILT)
    ? [BUILT, 'serve']
    : ['--conditions=@stack-2025/source', '--import', TSX, SOURCE, 'serve'];
const serverEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  BYOK_ENCRYPTION_KEY: MASTER_KEY,
  BYOK_JWT_SECRET: JWT_SECRET,
  BYOK_LOG_LEVEL: 'info',
  BYOK_ENABLE_VALIDATION: 'false',
  BYOK_CONNECTION_POOL_SIZE: String(POOL_SIZE),
  // The bench measures throughput: one user reading thousands of times a second is its point.
  BYOK_RATE_LIMIT_READS_PER_MINUTE: '0',
  ...extra,
});
const LISTENING = /"url":"(http:\/\/[^"]+)"/;

async function load(url: string, headers: Record<string, string> = {}): Promise<AutocannonResult> {
  await autocannon({ url, connections: 10, duration: 1, headers }); // warm-up
  return autocannon({ url, connections: 10, duration: DURATION_S, headers });
}

/** Spawn → first 200 from `path`, polling every 10 ms. */
async function timeToHealthy(args: string[], env: NodeJS.ProcessEnv, path: string, match: RegExp) {
  const started = performance.now();
  const proc = await start(args, env, match);
  for (;;) {
    const ok = await fetch(`${proc.url}${path}`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) break;
    if (performance.now() - started > 60_000) throw new Error('never healthy');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { proc, ms: performance.now() - started };
}

async function rssMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
}

// The floor under any PGlite-backed process: PGlite alone, same settings, on the same folder.
const BARE_PGLITE = `
import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create(process.argv[1], { postgresqlconf: JSON.parse(process.argv[2]) });
await db.query('SELECT 1');
console.log('listening http://pglite.invalid');
setInterval(() => undefined, 60_000);
`;

/** The folder initialiser run alone on a new folder; its peak resident size, MB (`/usr/bin/time`-free: from its own report). */
async function initialiserPeakMb(dir: string): Promise<number> {
  const initialiser = existsSync(join(ROOT, 'apps/byok-server/dist/pglite-init.js'))
    ? [join(ROOT, 'apps/byok-server/dist/pglite-init.js')]
    : ['--conditions=@stack-2025/source', '--import', TSX, join(ROOT, 'apps/byok-server/src/pglite-init.ts')];
  const child = spawn(process.execPath, [...initialiser, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return Number((JSON.parse(out.trim().split('\n').pop() ?? '{}') as { maxRssMb?: number }).maxRssMb);
}

async function main(): Promise<void> {
  const rows: Parameters<typeof report>[0] = [];
  const how = existsSync(BUILT) ? 'built dist' : 'sources via tsx';

  // 1. Throughput on PostgreSQL.
  const scratch = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
  pool.on('error', () => undefined);
  let server: Proc | undefined;
  let bare: Proc | undefined;
  try {
    const manager = new BYOKManager({
      encryptionKey: MASTER_KEY,
      database: { client: pool },
      logger: createLogger({ level: 'silent' }),
    });
    const keyId = await manager.addKey({
      userId: USER,
      provider: 'openai',
      keyData: { apiKey: 'sk-proj-bench-http-0123456789abcdef' },
    });
    await manager.close();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(USER)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));

    server = await start(serverArgs(), serverEnv({ DATABASE_URL: scratch.url }), LISTENING);
    bare = await start(
      bareArgs,
      { PATH: process.env.PATH, BARE_DATABASE_URL: scratch.url },
      /listening (http:\/\/\S+)/,
    );
    const check = await fetch(`${server.url}/api/keys/${keyId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (check.status !== 200) throw new Error(`server answered ${check.status}`);
    await new Promise((r) => setTimeout(r, 2000));
    const idlePg = await rssMb(server.child.pid);
    const idleBare = await rssMb(bare.child.pid);
    rows.push({
      figure: 'idle RSS on PostgreSQL (DATABASE_URL), MB',
      value: idlePg.toFixed(0),
      baseline: `bare node:http + pg process ${idleBare.toFixed(0)} MB; goal 150 MB`,
      ratio: idlePg / 150,
      goal: '<= 1.0x of 150 MB',
    });
    const headers = { authorization: `Bearer ${token}` };
    // Alternating runs, three of each, the median reported: on a small machine the database, the
    // load generator and the server share the cores, and single runs vary by ±15 %.
    const median = (runs: AutocannonResult[]) =>
      [...runs].sort((a, b) => a.requests.average - b.requests.average)[1] as AutocannonResult;
    const bareRuns: AutocannonResult[] = [];
    const realRuns: AutocannonResult[] = [];
    for (let i = 0; i < 3; i += 1) {
      bareRuns.push(await load(`${bare.url}/api/keys/${keyId}`));
      realRuns.push(await load(`${server.url}/api/keys/${keyId}`, headers));
    }
    const bareBest = median(bareRuns);
    const realBest = median(realRuns);
    const ratios = realRuns.map(
      (r, i) => r.requests.average / (bareRuns[i] as AutocannonResult).requests.average,
    );
    if (realRuns.some((r) => r.non2xx > 0 || r.errors > 0))
      throw new Error(`server errors: ${JSON.stringify(realBest)}`);
    rows.push({
      figure: `GET /api/keys/{id}, req/s, median of 3 (p50 ${realBest.latency.p50} ms, p99 ${realBest.latency.p99} ms; pair ratios ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
      value: realBest.requests.average.toFixed(0),
      baseline: `bare node:http + same pg select ${bareBest.requests.average.toFixed(0)} req/s (p50 ${bareBest.latency.p50} ms)`,
      ratio: realBest.requests.average / bareBest.requests.average,
      goal: '>= 0.7x',
    });
  } finally {
    await server?.stop();
    await bare?.stop();
    await pool.end();
    await scratch.drop();
  }

  // 2. Start-up to healthy, and idle RSS, on PGlite.
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dataDir = await mkdtemp(join(tmpdir(), 'byok-bench-http-'));
  try {
    const bareStart = await timeToHealthy(
      bareArgs,
      { PATH: process.env.PATH },
      '/health',
      /listening (http:\/\/\S+)/,
    );
    const env = serverEnv({ BYOK_DATA_DIR: join(dataDir, 'data') });
    const fresh = await timeToHealthy(serverArgs(), env, '/health/ready', LISTENING);
    const freshPeak = await rssMb(fresh.proc.child.pid, 'VmHWM');
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const freshSettled = await rssMb(fresh.proc.child.pid);
    await fresh.proc.stop();
    const initPeak = await initialiserPeakMb(join(dataDir, 'alone', 'pglite'));
    // Three starts on the existing data; the median is reported, and the last one stays up, idle.
    const starts: number[] = [];
    let warm: Awaited<ReturnType<typeof timeToHealthy>> | undefined;
    for (let i = 0; i < 3; i += 1) {
      if (warm) await warm.proc.stop();
      warm = await timeToHealthy(serverArgs(), env, '/health/ready', LISTENING);
      starts.push(warm.ms);
    }
    starts.sort((a, b) => a - b);
    const warmMs = starts[1] as number;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idle = await rssMb(warm?.proc.child.pid);
    const bareRss = await rssMb(bareStart.proc.child.pid);
    await warm?.proc.stop();
    await bareStart.proc.stop();
    const { PGLITE_SETTINGS } = await import('../apps/byok-server/src/pglite-settings.js');
    const barePglite = await start(
      [
        '--input-type=module',
        '-e',
        BARE_PGLITE,
        join(dataDir, 'data', 'pglite'),
        JSON.stringify(PGLITE_SETTINGS),
      ],
      { PATH: process.env.PATH },
      /listening (http:\/\/\S+)/,
      join(ROOT, 'apps/byok-server'),
    );
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const floor = await rssMb(barePglite.child.pid);
    await barePglite.stop();
    rows.push(
      {
        figure: `start-up to ready /health/ready on PGlite, existing data, median of 3, ms (${how})`,
        value: warmMs.toFixed(0),
        baseline: `bare node:http first answer ${bareStart.ms.toFixed(0)} ms; goal 2,000 ms`,
        ratio: warmMs / 2000,
        goal: '<= 1.0x of 2 s',
      },
      {
        figure: `start-up to healthy on a fresh PGlite (initialiser + migrations), ms (${how})`,
        value: fresh.ms.toFixed(0),
        baseline: 'goal 2,000 ms',
        ratio: fresh.ms / 2000,
        goal: '(first start only)',
      },
      {
        figure: 'first boot on a new PGlite folder: peak RSS of the server, MB',
        value: freshPeak.toFixed(0),
        baseline: `the folder initialiser (a child that exits) peaks at ${initPeak.toFixed(0)} MB on its own; goal 300 MB`,
        ratio: freshPeak / 300,
        goal: '<= 1.0x of 300 MB',
      },
      {
        figure: `first boot on a new PGlite folder: RSS ${SETTLE_MS / 1000} s after healthy, MB`,
        value: freshSettled.toFixed(0),
        baseline: `bare PGlite process on the same folder ${floor.toFixed(0)} MB (the floor); goal 150 MB`,
        ratio: freshSettled / floor,
        goal: 'ratio to the bare PGlite floor',
      },
      {
        figure: `idle RSS on PGlite after a restart, ${SETTLE_MS / 1000} s after ready, MB`,
        value: idle.toFixed(0),
        baseline: `bare PGlite ${floor.toFixed(0)} MB (floor); bare node:http ${bareRss.toFixed(0)} MB; goal 150 MB`,
        ratio: idle / floor,
        goal: 'ratio to the bare PGlite floor',
      },
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  report(rows);
}

await main();
