/**
 * Master-key rotation drill on real PostgreSQL (a scratch database on BENCH_DATABASE_URL or
 * TEST_DATABASE_URL), through the `byok` CLI process, as an operator would run it:
 *
 *  1. seed N keys, one owner each, under master key A;
 *  2. rotate A → B with `byok rotate-encryption-keys` (keyring form BYOK_ENCRYPTION_KEY=B
 *     BYOK_DECRYPTION_KEYS=A, in batches) while a reader loop calls getActiveKey on random owners
 *     through a manager holding both keys (the staged rollout: B encrypts, A still decrypts) —
 *     failed or wrong reads must be 0;
 *  3. afterwards every key must read back through a manager holding ONLY B;
 *  4. rotate B → C, SIGKILL the CLI at a random point, run it again: it must finish with
 *     processed == succeeded, readers seeing no failure across the kill, and every key readable
 *     with ONLY C.
 *
 * Run: node --conditions=@stack-2025/source --import tsx bench/rotation-drill.ts
 * (BENCH_DRILL_KEYS, default 10000; BENCH_DRILL_BATCH, default 250).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BYOKManager, createLogger, EncryptionService } from '@stack-2025/byok-core';
import pg from 'pg';
import { scratchDatabase } from './support.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'apps/byok-server/src/cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface DrillOptions {
  keys: number;
  /** `--batch-size` of the CLI. */
  batchSize: number;
  /** Concurrent reader loops. Default 4. */
  readers?: number;
  /** Concurrent addKey calls while seeding. Default 16. */
  seedConcurrency?: number;
  /** Longest a reader may run, whatever happens (a bound on every loop). Default 10 min. */
  maxReadMs?: number;
  log?: (line: string) => void;
}

export interface ReadFigures {
  reads: number;
  failed: number;
  wrong: number;
  readsPerSecond: number;
  failures: string[];
}

export interface RotationRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from spawn to the first progress line (process start, KEK derivation, connect). */
  startupMs: number;
  /** ms from the first progress line to exit: the rewrapping itself. */
  rewrapMs: number;
  lastProgress: { processed: number; total: number; succeeded: number; failed: number } | undefined;
  summary: { processed: number; total: number; succeeded: number; failed: number } | undefined;
}

export interface DrillReport {
  keys: number;
  batchSize: number;
  seedSeconds: number;
  first: { run: RotationRun; reads: ReadFigures; readableWithNewKeyOnly: number; fingerprints: string[] };
  killed: {
    /** Share of the data keys after which the kill was sent. */
    killAt: number;
    killAfterMs: number;
    run: RotationRun;
    /** Data keys already under the target when the process died. */
    rewrappedBeforeKill: number;
  };
  resumed: { run: RotationRun; reads: ReadFigures; readableWithNewKeyOnly: number; fingerprints: string[] };
}

const silent = createLogger({ level: 'silent' });
const owner = (i: number) => `drill_${i.toString().padStart(6, '0')}`;
/** Each owner's secret, derived so that nothing needs to be kept: `sk-proj-drill…`. */
const secretOf = (i: number) =>
  `sk-proj-drill${createHmac('sha256', 'drill').update(String(i)).digest('hex').slice(0, 32)}`;

async function pool(url: string, max: number): Promise<pg.Pool> {
  const p = new pg.Pool({ connectionString: url, max });
  // Connections dropped by DROP DATABASE … WITH (FORCE) at the end report an error: nothing to do.
  p.on('error', () => undefined);
  return p;
}

function manager(
  client: pg.Pool,
  encryptionKey: string,
  decryptionKeys: string[] = [],
  migrate = false,
): BYOKManager {
  // ttl 0: every read goes to the database, so reads really see the rows the rotation rewrites.
  return new BYOKManager({
    encryptionKey,
    decryptionKeys,
    database: { client, migrate },
    cache: { ttl: 0 },
    logger: silent,
    audit: { enabled: false },
  });
}

async function forEachLimited(count: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** Reads random owners' keys until `stop` resolves (or `maxMs` passes), counting failures and wrong answers. */
async function readUntil(
  reader: BYOKManager,
  keys: number,
  concurrency: number,
  stop: Promise<unknown>,
  maxMs: number,
): Promise<ReadFigures> {
  let done = false;
  void stop.finally(() => {
    done = true;
  });
  const figures: ReadFigures = { reads: 0, failed: 0, wrong: 0, readsPerSecond: 0, failures: [] };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!done && performance.now() - started < maxMs) {
        const i = Math.floor(Math.random() * keys);
        figures.reads += 1;
        try {
          const key = await reader.getActiveKey(owner(i), 'openai');
          if (key?.keyData.apiKey !== secretOf(i)) figures.wrong += 1;
        } catch (error) {
          figures.failed += 1;
          if (figures.failures.length < 5) {
            figures.failures.push(`${(error as { code?: string }).code ?? ''} ${(error as Error).message}`);
          }
        }
      }
    }),
  );
  figures.readsPerSecond = figures.reads / ((performance.now() - started) / 1000);
  return figures;
}

/** Every key, read back by a manager holding only `key`: how many came back right. */
async function readAll(client: pg.Pool, key: string, keys: number): Promise<number> {
  const only = manager(client, key);
  let right = 0;
  try {
    await forEachLimited(keys, 16, async (i) => {
      const read = await only.getActiveKey(owner(i), 'openai').catch(() => null);
      if (read?.keyData.apiKey === secretOf(i)) right += 1;
    });
  } finally {
    await only.close();
  }
  return right;
}

async function fingerprintOf(key: string): Promise<string> {
  const encryption = new EncryptionService({ encryptionKey: key });
  await encryption.ready();
  return encryption.keyring.active.fingerprint;
}

async function fingerprints(client: pg.Pool): Promise<string[]> {
  const { rows } = await client.query<{ master_fingerprint: string }>(
    'SELECT DISTINCT master_fingerprint FROM byok.data_keys ORDER BY 1',
  );
  return rows.map((r) => r.master_fingerprint);
}

const PROGRESS = /progress: (\d+)\/(\d+) processed, (\d+) succeeded, (\d+) failed/g;
const SUMMARY = /Processed (\d+) of (\d+): (\d+) succeeded, (\d+) failed/;

/** Starts `byok rotate-encryption-keys` (keyring form); `onProgress` hears each batch as it is reported. */
function rotate(
  databaseUrl: string,
  to: string,
  from: string,
  batchSize: number,
  onProgress?: (processed: number, total: number, child: ChildProcess) => void,
): Promise<RotationRun> {
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--conditions=@stack-2025/source',
      '--import',
      TSX,
      CLI,
      'rotate-encryption-keys',
      '--batch-size',
      String(batchSize),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        BYOK_ENCRYPTION_KEY: to,
        BYOK_DECRYPTION_KEYS: from,
        BYOK_CONNECTION_POOL_SIZE: '2',
        BYOK_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let firstAt: number | undefined;
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
    const last = [...stderr.matchAll(PROGRESS)].at(-1);
    if (last) {
      firstAt ??= performance.now();
      onProgress?.(Number(last[1]), Number(last[2]), child);
    }
  });
  // Bounded: a rotation that hangs is killed after 10 minutes.
  const guard = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      const exitAt = performance.now();
      const progress = [...stderr.matchAll(PROGRESS)].at(-1);
      const summary = SUMMARY.exec(stdout);
      const numbers = (m: RegExpMatchArray | null | undefined) =>
        m
          ? { processed: Number(m[1]), total: Number(m[2]), succeeded: Number(m[3]), failed: Number(m[4]) }
          : undefined;
      resolve({
        code,
        signal,
        stdout,
        stderr,
        startupMs: (firstAt ?? exitAt) - spawnedAt,
        rewrapMs: firstAt === undefined ? 0 : exitAt - firstAt,
        lastProgress: numbers(progress),
        summary: numbers(summary),
      });
    });
  });
}

/** Runs the whole drill on a fresh scratch database and drops it afterwards. */
export async function runRotationDrill(options: DrillOptions): Promise<DrillReport> {
  const log = options.log ?? (() => undefined);
  const readers = options.readers ?? 4;
  const maxReadMs = options.maxReadMs ?? 10 * 60_000;
  const [A, B, C] = [1, 2, 3].map(() => EncryptionService.generateMasterKey()) as [string, string, string];
  const scratch = await scratchDatabase();
  const db = await pool(scratch.url, 20);
  try {
    // 1. Seed.
    const seedStarted = performance.now();
    const seeder = manager(db, A, [], true);
    await seeder.ready();
    await forEachLimited(options.keys, options.seedConcurrency ?? 16, async (i) => {
      await seeder.addKey({ userId: owner(i), provider: 'openai', keyData: { apiKey: secretOf(i) } });
    });
    await seeder.close();
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeded ${options.keys} keys (one owner each) in ${seedSeconds.toFixed(1)} s`);

    // 2. A → B with readers holding B (encrypts) and A (decrypts only).
    const staged = manager(db, B, [A]);
    await staged.ready();
    const firstRun = rotate(scratch.url, B, A, options.batchSize);
    const firstReads = await readUntil(staged, options.keys, readers, firstRun, maxReadMs);
    const first = await firstRun;
    await staged.close();
    log(
      `A→B: exit ${first.code}, ${first.summary?.processed}/${first.summary?.total} processed, ${first.summary?.succeeded} succeeded in ${(first.rewrapMs / 1000).toFixed(2)} s (+${(first.startupMs / 1000).toFixed(1)} s start-up); ${firstReads.reads} reads during it, ${firstReads.failed} failed, ${firstReads.wrong} wrong`,
    );
    const firstReadable = await readAll(db, B, options.keys);
    const firstFingerprints = await fingerprints(db);
    log(
      `A→B: ${firstReadable}/${options.keys} keys readable with ONLY B; data keys under ${firstFingerprints.join(', ')}`,
    );

    // 3. B → C, killed (SIGKILL) at a random point of the rewrap — after a random batch between
    // 10% and 70% of the way — with readers holding C and B throughout.
    const stagedC = manager(db, C, [B]);
    await stagedC.ready();
    let stopReaders: () => void = () => undefined;
    const readersStop = new Promise<void>((resolve) => {
      stopReaders = resolve;
    });
    const secondReadsPromise = readUntil(stagedC, options.keys, readers, readersStop, maxReadMs);
    const killAt = 0.1 + Math.random() * 0.6;
    let killAfterMs = 0;
    const killedStarted = performance.now();
    const killedRun = await rotate(scratch.url, C, B, options.batchSize, (processed, total, child) => {
      if (processed >= total * killAt && child.exitCode === null && !child.killed) {
        killAfterMs = Math.round(performance.now() - killedStarted);
        child.kill('SIGKILL');
      }
    });
    const fingerprintC = await fingerprintOf(C);
    const { rows } = await db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM byok.data_keys WHERE master_fingerprint = $1',
      [fingerprintC],
    );
    const rewrappedBeforeKill = Number(rows[0]?.n ?? 0);
    log(
      `B→C: ${killedRun.signal ?? `exit ${killedRun.code}`} ${killAfterMs} ms after start, at ${(killAt * 100).toFixed(0)}% (last progress ${killedRun.lastProgress?.processed ?? 0}/${killedRun.lastProgress?.total ?? '?'}); ${rewrappedBeforeKill} data keys already under C`,
    );

    // 4. The same command again finishes the job.
    const resumed = await rotate(scratch.url, C, B, options.batchSize);
    stopReaders();
    const secondReads = await secondReadsPromise;
    await stagedC.close();
    const resumedReadable = await readAll(db, C, options.keys);
    const resumedFingerprints = await fingerprints(db);
    log(
      `B→C resumed: exit ${resumed.code}, ${resumed.summary?.processed}/${resumed.summary?.total} processed, ${resumed.summary?.succeeded} succeeded; ${secondReads.reads} reads across kill and resume, ${secondReads.failed} failed, ${secondReads.wrong} wrong; ${resumedReadable}/${options.keys} readable with ONLY C`,
    );
    return {
      keys: options.keys,
      batchSize: options.batchSize,
      seedSeconds,
      first: {
        run: first,
        reads: firstReads,
        readableWithNewKeyOnly: firstReadable,
        fingerprints: firstFingerprints,
      },
      killed: { killAt, killAfterMs, run: killedRun, rewrappedBeforeKill },
      resumed: {
        run: resumed,
        reads: secondReads,
        readableWithNewKeyOnly: resumedReadable,
        fingerprints: resumedFingerprints,
      },
    };
  } finally {
    await db.end();
    await scratch.drop();
  }
}

const invokedDirectly = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (invokedDirectly) {
  const keys = Number(process.env.BENCH_DRILL_KEYS ?? 10_000);
  const batchSize = Number(process.env.BENCH_DRILL_BATCH ?? 250);
  const report = await runRotationDrill({ keys, batchSize, log: (line) => console.log(line) });
  const { first, killed, resumed } = report;
  const rate = (run: RotationRun) => (run.summary ? run.summary.processed / (run.rewrapMs / 1000) : 0);
  console.table([
    { figure: 'keys (one owner each)', value: report.keys, goal: '10,000' },
    { figure: 'seed time, s', value: report.seedSeconds.toFixed(1), goal: '' },
    {
      figure: 'A→B processed / succeeded',
      value: `${first.run.summary?.processed} / ${first.run.summary?.succeeded}`,
      goal: 'equal',
    },
    {
      figure: 'A→B rewrap time, s (CLI start-up apart)',
      value: `${(first.run.rewrapMs / 1000).toFixed(2)} (+${(first.run.startupMs / 1000).toFixed(1)})`,
      goal: '',
    },
    { figure: 'A→B data keys/s', value: rate(first.run).toFixed(0), goal: '' },
    {
      figure: 'reads during A→B (staged B+A)',
      value: `${first.reads.reads} (${first.reads.readsPerSecond.toFixed(0)}/s)`,
      goal: '',
    },
    { figure: 'failed + wrong reads during A→B', value: first.reads.failed + first.reads.wrong, goal: '0' },
    { figure: 'readable with ONLY B', value: `${first.readableWithNewKeyOnly}/${report.keys}`, goal: 'all' },
    {
      figure: 'B→C SIGKILL after, ms (share done)',
      value: `${killed.killAfterMs} (${(killed.killAt * 100).toFixed(0)}%)`,
      goal: 'random',
    },
    { figure: 'data keys under C at the kill', value: killed.rewrappedBeforeKill, goal: '0 < n < all' },
    {
      figure: 'resumed: processed / succeeded',
      value: `${resumed.run.summary?.processed} / ${resumed.run.summary?.succeeded}`,
      goal: 'equal',
    },
    {
      figure: 'failed + wrong reads across kill + resume',
      value: resumed.reads.failed + resumed.reads.wrong,
      goal: '0',
    },
    {
      figure: 'readable with ONLY C',
      value: `${resumed.readableWithNewKeyOnly}/${report.keys}`,
      goal: 'all',
    },
    { figure: 'data key fingerprints at the end', value: resumed.fingerprints.length, goal: '1' },
  ]);
  const ok =
    first.run.code === 0 &&
    first.reads.failed + first.reads.wrong === 0 &&
    first.readableWithNewKeyOnly === report.keys &&
    killed.run.signal === 'SIGKILL' &&
    resumed.run.code === 0 &&
    resumed.run.summary?.processed === resumed.run.summary?.succeeded &&
    resumed.reads.failed + resumed.reads.wrong === 0 &&
    resumed.readableWithNewKeyOnly === report.keys &&
    resumed.fingerprints.length === 1;
  if (!ok) {
    console.error(
      'DRILL FAILED',
      JSON.stringify({ firstFailures: first.reads.failures, resumedFailures: resumed.reads.failures }),
    );
    process.exitCode = 1;
  }
}
