/**
 * Chaos run: two `byok serve` processes (the built dist, production mode) on a private PostgreSQL
 * cluster and a private Redis, under a mixed load of reads, writes and revocations, while
 * PostgreSQL is fast-restarted three times and stopped for 5 s, and Redis is SIGKILLed (before a
 * revoke) and restarted. A library instance in this process (pg pool + Redis cache, as an
 * application embedding byok-core runs it) reads the active key of each revoked user: that is the
 * path that answers from a cache, so it is where a revoked key could still be served.
 *
 * Exits non-zero unless every criterion holds:
 *  - 0 server process exits (and 0 errors caught only by the process guards);
 *  - no 5xx other than 503, and 503 only while the database is down (up to 2 s after it is back);
 *  - the service is back within 2 s of the database (each instance answers a database read);
 *  - 0 revoked keys served later than 1 s after the revoke's 2xx;
 *  - every acknowledged write (2xx) is in the database at the end.
 * Run: npm run chaos (builds the server first). CHAOS_SECONDS changes the load duration (default 60).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type BYOKSystem, createBYOKForStack2025, createLogger, isBYOKError } from '@stack-2025/byok-core';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  type PrivatePostgres,
  type PrivateRedis,
  privatePostgresSupport,
  startPrivatePostgres,
  startPrivateRedis,
} from '../packages/byok-core/test/private-services.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'apps/byok-server/dist/cli.js');
const MASTER_KEY = 'chaos-master-key-0123456789abcdefghijklmnop';
const ADMIN_TOKEN = 'chaos-admin-token-0123456789abcdefghijklmn';
const JWT_SECRET = 'chaos-jwt-secret-0123456789abcdefghijklmnop';
const LOAD_MS = Number(process.env.CHAOS_SECONDS ?? 60) * 1000;
const WORKERS = 4;
const USERS = 12;
/** A 503 is allowed from the start of a database fault until this long after the database is back. */
const RECOVERY_GOAL_MS = 2000;
const REVOCATION_GOAL_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const openaiKey = () => `sk-proj-${randomBytes(16).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// Servers

interface Instance {
  name: 'A' | 'B';
  url: string;
  child: ChildProcess;
  log: () => string;
  exits: { code: number | null; signal: string | null; at: number }[];
}

async function startInstance(name: Instance['name'], env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exits: Instance['exits'] = [];
  child.once('exit', (code, signal) => exits.push({ code, signal, at: now() }));
  child.stdout?.on('data', (chunk: Buffer) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += String(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`instance ${name} did not start:\n${output}`));
    }, 60_000);
    const poll = setInterval(() => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(match[1]);
      } else if (exits.length > 0) {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`instance ${name} exited before listening:\n${output}`));
      }
    }, 25);
  });
  return { name, url, child, log: () => output, exits };
}

async function stopInstance(instance: Instance): Promise<number | null> {
  if (instance.exits.length > 0) return instance.exits[0]?.code ?? null;
  const exited = new Promise<number | null>((resolve) =>
    instance.child.once('exit', (code) => resolve(code)),
  );
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Requests and what they answered

type Op = 'read' | 'list' | 'write' | 'revoke' | 'probe';

interface Sample {
  op: Op;
  instance: Instance['name'] | 'library';
  start: number;
  end: number;
  /** HTTP status; 0 for a network failure (reset, refused, timeout). */
  status: number;
  code?: string;
  retryAfter?: string | null;
}

const samples: Sample[] = [];

async function call(
  instance: Instance,
  op: Op,
  method: string,
  path: string,
  user: string,
  body?: unknown,
): Promise<{ sample: Sample; json: Record<string, unknown> | undefined }> {
  const start = now();
  let status = 0;
  let json: Record<string, unknown> | undefined;
  let retryAfter: string | null = null;
  try {
    const response = await fetch(`${instance.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'x-byok-user-id': user,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  } catch {
    status = 0;
  }
  const code = (json?.error as { code?: string } | undefined)?.code;
  const sample: Sample = {
    op,
    instance: instance.name,
    start,
    end: now(),
    status,
    ...(code ? { code } : {}),
    retryAfter,
  };
  samples.push(sample);
  return { sample, json };
}

// ---------------------------------------------------------------------------------------------
// Faults

interface Fault {
  name: string;
  kind: 'postgres' | 'redis';
  start: number;
  /** When the database (or Redis) accepts connections again. */
  back: number;
}

const faults: Fault[] = [];

async function fault(name: string, kind: Fault['kind'], run: () => Promise<void>): Promise<void> {
  const start = now();
  const entry: Fault = { name, kind, start, back: Number.POSITIVE_INFINITY };
  faults.push(entry);
  await run();
  entry.back = now();
}

// ---------------------------------------------------------------------------------------------
// Revocation watch: acknowledged revokes and every read that could still show the key

interface Revocation {
  user: string;
  keyId: string;
  /** When the revoke's 2xx arrived. */
  acked: number;
  whileRedisDown: boolean;
}

interface KeyRead {
  user: string;
  start: number;
  keyId: string | null;
  via: 'library' | 'B';
}

const revocations: Revocation[] = [];
const keyReads: KeyRead[] = [];
const watched = new Set<string>();
const libraryErrors: { start: number; code: string }[] = [];

/** The library instance reads the active key of every watched user, as fast as it can. */
async function libraryReader(system: BYOKSystem, until: () => boolean): Promise<void> {
  while (!until()) {
    const users = [...watched];
    if (users.length === 0) {
      await sleep(20);
      continue;
    }
    await Promise.all(
      users.map(async (user) => {
        const start = now();
        try {
          const key = await system.manager.getActiveKey(user, 'openai');
          keyReads.push({ user, start, keyId: key?.id ?? null, via: 'library' });
        } catch (error) {
          libraryErrors.push({ start, code: isBYOKError(error) ? error.code : 'UNEXPECTED' });
        }
      }),
    );
    await sleep(10);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const unsupported = privatePostgresSupport();
  if (unsupported) {
    console.error(`chaos: cannot start a private PostgreSQL here: ${unsupported}`);
    return 2;
  }
  if (!existsSync(CLI)) {
    console.error(`chaos: ${CLI} is missing; run npm run build:server first (npm run chaos does)`);
    return 2;
  }
  const began = now();
  const dataDir = await mkdtemp(join(tmpdir(), 'byok-chaos-'));
  let postgres: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  const instances: Instance[] = [];
  let library: BYOKSystem | undefined;
  let libraryPool: pg.Pool | undefined;
  let libraryRedis: Redis | undefined;
  try {
    [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    const setup = new pg.Client({ connectionString: postgres.url() });
    await setup.connect();
    await setup.query('CREATE DATABASE byok_chaos');
    await setup.end();
    const databaseUrl = postgres.url('byok_chaos');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      BYOK_DATA_DIR: dataDir,
      BYOK_ENCRYPTION_KEY: MASTER_KEY,
      BYOK_ADMIN_TOKEN: ADMIN_TOKEN,
      BYOK_JWT_SECRET: JWT_SECRET,
      BYOK_CONNECTION_POOL_SIZE: '5',
      BYOK_ENABLE_VALIDATION: 'false',
      BYOK_RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
      BYOK_RATE_LIMIT_READS_PER_MINUTE: '1000000',
      BYOK_MAX_KEYS_PER_OWNER: '1000000',
      BYOK_LOG_LEVEL: 'info',
    };
    instances.push(await startInstance('A', env));
    instances.push(await startInstance('B', env));
    const [a, b] = instances as [Instance, Instance];

    libraryPool = new pg.Pool({
      connectionString: databaseUrl,
      max: 3,
      application_name: 'byok-chaos-library',
    });
    libraryPool.on('error', () => undefined);
    libraryRedis = new Redis(redis.url, { maxRetriesPerRequest: 1, connectionName: 'byok-chaos-library' });
    libraryRedis.on('error', () => undefined);
    library = await createBYOKForStack2025({
      encryptionKey: MASTER_KEY,
      decryptionKeys: [],
      postgresClient: libraryPool,
      redisClient: libraryRedis,
      logger: createLogger({ level: 'silent' }),
    });

    // Seed: a few keys per user, created through both instances.
    const users = Array.from(
      { length: USERS },
      (_, i) => `chaos_user_${i}_${randomBytes(3).toString('hex')}`,
    );
    const active = new Map<string, string[]>(users.map((user) => [user, []]));
    const created: string[] = [];
    const revokedAcked = new Set<string>();
    const createKey = async (instance: Instance, user: string, op: Op = 'write') => {
      const { sample, json } = await call(instance, op, 'POST', '/api/keys', user, {
        provider: 'openai',
        keyData: { apiKey: openaiKey() },
      });
      const id = (json?.key as { id?: string } | undefined)?.id;
      if (sample.status === 201 && id) {
        created.push(id);
        active.get(user)?.push(id);
        return id;
      }
      return undefined;
    };
    for (const user of users) for (const instance of instances) await createKey(instance, user);
    samples.length = 0;

    const loadStart = now();
    const loadEnd = loadStart + LOAD_MS;
    const running = () => now() < loadEnd;
    const at = (seconds: number) => loadStart + (seconds / 60) * LOAD_MS;

    // Mixed load: reads, lists, writes and revocations on random instances.
    const worker = async () => {
      while (running()) {
        const instance = pick(instances);
        const user = pick(users);
        const keys = active.get(user) ?? [];
        const roll = Math.random();
        if (roll < 0.4 && keys.length > 0) {
          await call(instance, 'read', 'GET', `/api/keys/${pick(keys)}`, user);
        } else if (roll < 0.55) {
          await call(instance, 'list', 'GET', '/api/keys', user);
        } else if (roll < 0.85 || keys.length < 2) {
          await createKey(instance, user);
        } else {
          const keyId = pick(keys);
          const { sample } = await call(instance, 'revoke', 'POST', `/api/keys/${keyId}/revoke`, user);
          if (sample.status === 200) {
            active.set(
              user,
              (active.get(user) ?? []).filter((id) => id !== keyId),
            );
            revokedAcked.add(keyId);
          }
        }
      }
    };

    // Probes: a database read on each instance every 100 ms, to time recovery.
    const prober = async (instance: Instance) => {
      const user = users[0] as string;
      while (running()) {
        await call(instance, 'probe', 'GET', '/api/keys', user);
        await sleep(100);
      }
    };

    // Revocation scenarios: a user with exactly one key, read by the library until its cache
    // holds it, revoked through A, then read through B and the library for 3 s.
    let redisDown = false;
    const revocationScenario = async (
      options: { beforeRevoke?: () => Promise<void>; afterRevoke?: () => Promise<void> } = {},
    ) => {
      const user = `chaos_revoke_${randomBytes(4).toString('hex')}`;
      let keyId: string | undefined;
      while (!keyId && running()) {
        keyId = await createKey(pick(instances), user);
        if (!keyId) await sleep(100);
      }
      if (!keyId) return;
      watched.add(user);
      // The library has answered with this key at least once: its cache is warm.
      const warmSince = now();
      while (
        running() &&
        !keyReads.some((r) => r.user === user && r.keyId === keyId && r.start > warmSince)
      ) {
        await sleep(20);
      }
      await sleep(200);
      await options.beforeRevoke?.();
      const whileRedisDown = redisDown;
      let acked: number | undefined;
      while (acked === undefined && running()) {
        const { sample } = await call(a, 'revoke', 'POST', `/api/keys/${keyId}/revoke`, user);
        if (sample.status === 200) acked = sample.end;
        else await sleep(100);
      }
      if (acked === undefined) return;
      revokedAcked.add(keyId);
      revocations.push({ user, keyId, acked, whileRedisDown });
      await options.afterRevoke?.();
      const readUntil = now() + 3000;
      while (now() < readUntil) {
        const start = now();
        const { sample, json } = await call(b, 'read', 'GET', `/api/keys/${keyId}`, user);
        const status = (json?.key as { status?: string } | undefined)?.status;
        if (sample.status === 200)
          keyReads.push({ user, start, keyId: status === 'active' ? keyId : null, via: 'B' });
        await sleep(50);
      }
      watched.delete(user);
    };
    const revoker = async () => {
      while (running()) {
        await revocationScenario();
        await sleep(500);
      }
    };

    // The fault timeline (in seconds of a 60 s run; scaled when CHAOS_SECONDS differs).
    const chaos = async () => {
      const waitUntil = async (t: number) => {
        while (now() < t) await sleep(20);
      };
      await waitUntil(at(8));
      await fault('PostgreSQL fast restart #1', 'postgres', () =>
        (postgres as PrivatePostgres).restartFast(),
      );
      await waitUntil(at(16));
      // Redis killed before a revoke, restarted after it; B and the library keep reading.
      await revocationScenario({
        beforeRevoke: async () => {
          const start = now();
          await (redis as PrivateRedis).kill();
          redisDown = true;
          faults.push({
            name: 'Redis SIGKILL → revoke via A → restart',
            kind: 'redis',
            start,
            back: Number.POSITIVE_INFINITY,
          });
        },
        afterRevoke: async () => {
          await sleep(1000);
          await (redis as PrivateRedis).start();
          redisDown = false;
          const entry = faults.find((f) => f.kind === 'redis' && !Number.isFinite(f.back));
          if (entry) entry.back = now();
        },
      });
      await waitUntil(at(26));
      await fault('PostgreSQL fast restart #2', 'postgres', () =>
        (postgres as PrivatePostgres).restartFast(),
      );
      await waitUntil(at(36));
      await fault('PostgreSQL stopped 5 s', 'postgres', async () => {
        await (postgres as PrivatePostgres).stop();
        await sleep(5000);
        await (postgres as PrivatePostgres).start();
      });
      await waitUntil(at(48));
      await fault('PostgreSQL fast restart #3', 'postgres', () =>
        (postgres as PrivatePostgres).restartFast(),
      );
    };

    console.log(
      `chaos: PostgreSQL on port ${postgres.port}, Redis on ${redis.port}, A ${a.url}, B ${b.url}; load for ${LOAD_MS / 1000} s`,
    );
    await Promise.all([
      ...Array.from({ length: WORKERS }, worker),
      ...instances.map(prober),
      revoker(),
      chaos(),
      libraryReader(library, () => !running()),
    ]);

    // ---- Judge ----------------------------------------------------------------------------
    const dbWindows = faults
      .filter((f) => f.kind === 'postgres')
      .map((f) => [f.start, f.back + RECOVERY_GOAL_MS]);
    const inOutage = (s: { start: number; end: number }) =>
      dbWindows.some(([from, to]) => s.start <= (to as number) && s.end >= (from as number));
    const bad5xx = samples.filter((s) => s.status >= 500 && s.status !== 503);
    const network = samples.filter((s) => s.status === 0);
    const stray503 = samples.filter((s) => s.status === 503 && !inOutage(s));
    const wrong503 = samples.filter(
      (s) => s.status === 503 && (s.code !== 'DATABASE_UNAVAILABLE' || !s.retryAfter),
    );
    const libraryUnexpected = libraryErrors.filter(
      (e) =>
        e.code !== 'DATABASE_UNAVAILABLE' ||
        !dbWindows.some(([from, to]) => e.start >= (from as number) && e.start <= (to as number)),
    );

    // Recovery: per database fault and instance, first 2xx of a probe started after it was back.
    const recovery = faults
      .filter((f) => f.kind === 'postgres')
      .map((f) => {
        const per = instances.map((instance) => {
          const first = samples.find(
            (s) => s.op === 'probe' && s.instance === instance.name && s.start >= f.back && s.status === 200,
          );
          return first ? first.end - f.back : Number.POSITIVE_INFINITY;
        });
        return { fault: f, per };
      });
    const worstRecovery = Math.max(0, ...recovery.flatMap((r) => r.per));

    // Revocations: reads that still returned a revoked key, and how late.
    let worstStaleness = 0;
    const lateKeys = new Set<string>();
    for (const revocation of revocations) {
      for (const read of keyReads) {
        if (
          read.user !== revocation.user ||
          read.keyId !== revocation.keyId ||
          read.start <= revocation.acked
        )
          continue;
        const late = read.start - revocation.acked;
        worstStaleness = Math.max(worstStaleness, late);
        if (late > REVOCATION_GOAL_MS) lateKeys.add(revocation.keyId);
      }
    }
    const redisRevocation = revocations.find((r) => r.whileRedisDown);
    /** How long after its revoke a key was last seen, and whether it was still seen when the watch ended. */
    const staleness = (revocation: Revocation) => {
      const reads = keyReads.filter(
        (r) => r.user === revocation.user && r.via === 'library' && r.start > revocation.acked,
      );
      const served = reads.filter((r) => r.keyId === revocation.keyId);
      const last = served.at(-1);
      return {
        ms: last ? last.start - revocation.acked : 0,
        stillServed: last !== undefined && reads.at(-1) === last,
      };
    };
    const redisCase = redisRevocation ? staleness(redisRevocation) : undefined;
    const redisStaleness = redisCase
      ? `${redisCase.stillServed ? '≥ ' : ''}${redisCase.ms.toFixed(0)} ms${redisCase.stillServed ? ', still served when the watch ended' : ''}`
      : 'not run';

    // Acknowledged writes, checked in the database once it is certainly up.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const { rows } = await check.query<{ id: string; status: string }>(
      'SELECT id, status FROM byok.keys WHERE id = ANY($1)',
      [created],
    );
    await check.end();
    const stored = new Map(rows.map((row) => [row.id, row.status]));
    const missing = created.filter((id) => !stored.has(id));
    const notRevoked = [...revokedAcked].filter((id) => stored.get(id) !== 'revoked');

    const exits = instances.flatMap((i) => i.exits.map((e) => ({ instance: i.name, ...e })));
    const guardLines = instances.reduce(
      (n, i) =>
        n +
        (i.log().match(/unhandled promise rejection|unhandled connection error|uncaught exception/g)
          ?.length ?? 0),
      0,
    );

    const byOp = (['read', 'list', 'write', 'revoke', 'probe'] as const).map((op) => {
      const ofOp = samples.filter((s) => s.op === op);
      return {
        op,
        requests: ofOp.length,
        '2xx': ofOp.filter((s) => s.status >= 200 && s.status < 300).length,
        '4xx': ofOp.filter((s) => s.status >= 400 && s.status < 500).length,
        'HTTP 503': ofOp.filter((s) => s.status === 503).length,
        'other 5xx': ofOp.filter((s) => s.status >= 500 && s.status !== 503).length,
        network: ofOp.filter((s) => s.status === 0).length,
      };
    });
    console.log('\nRequests');
    console.table(byOp);
    console.log('Faults (ms from the start of the load)');
    console.table(
      faults.map((f) => {
        const r = recovery.find((x) => x.fault === f);
        return {
          fault: f.name,
          at: Math.round(f.start - loadStart),
          'down for': Math.round(f.back - f.start),
          'A back after': r ? Math.round(r.per[0] as number) : '',
          'B back after': r ? Math.round(r.per[1] as number) : '',
        };
      }),
    );

    const criteria = [
      {
        criterion: 'server process exits',
        measured: exits.length === 0 ? '0' : JSON.stringify(exits),
        goal: '0',
        pass: exits.length === 0,
      },
      {
        criterion: 'errors caught only by the process guards',
        measured: String(guardLines),
        goal: '0',
        pass: guardLines === 0,
      },
      {
        criterion: '5xx other than 503 / network failures',
        measured: `${bad5xx.length} / ${network.length}`,
        goal: '0 / 0',
        pass: bad5xx.length === 0 && network.length === 0,
      },
      {
        criterion: '503 outside a database outage (+2 s)',
        measured: String(stray503.length),
        goal: '0',
        pass: stray503.length === 0,
      },
      {
        criterion: '503 without DATABASE_UNAVAILABLE + Retry-After',
        measured: String(wrong503.length),
        goal: '0',
        pass: wrong503.length === 0,
      },
      {
        criterion: 'library errors other than DATABASE_UNAVAILABLE in an outage',
        measured: String(libraryUnexpected.length),
        goal: '0',
        pass: libraryUnexpected.length === 0,
      },
      {
        criterion: 'service back after the database (worst, ms)',
        measured: Number.isFinite(worstRecovery) ? worstRecovery.toFixed(0) : 'never',
        goal: `≤ ${RECOVERY_GOAL_MS}`,
        pass: worstRecovery <= RECOVERY_GOAL_MS,
      },
      {
        criterion: 'revoked keys served > 1 s after the revoke',
        measured: `${lateKeys.size} of ${revocations.length} (worst ${worstStaleness.toFixed(0)} ms; Redis-down case ${redisStaleness})`,
        goal: '0',
        pass: lateKeys.size === 0 && redisRevocation !== undefined,
      },
      {
        criterion: 'acknowledged writes missing / acked revokes not revoked',
        measured: `${missing.length} of ${created.length} / ${notRevoked.length} of ${revokedAcked.size}`,
        goal: '0 / 0',
        pass: missing.length === 0 && notRevoked.length === 0,
      },
    ];
    console.log('Criteria');
    console.table(criteria.map((c) => ({ ...c, pass: c.pass ? 'PASS' : 'FAIL' })));
    for (const revocation of revocations.filter((r) => lateKeys.has(r.keyId))) {
      const late = staleness(revocation);
      console.log(
        `  late revocation: revoked at ${Math.round(revocation.acked - loadStart)} ms${revocation.whileRedisDown ? ' (Redis down)' : ''}, served by the library ${late.stillServed ? 'at least ' : ''}${Math.round(late.ms)} ms after`,
      );
    }
    for (const sample of [...bad5xx, ...network, ...stray503].slice(0, 10)) {
      console.log(
        `  e.g. ${sample.op} on ${sample.instance} at ${Math.round(sample.start - loadStart)} ms: ${sample.status} ${sample.code ?? ''}`,
      );
    }
    const failed = criteria.filter((c) => !c.pass);
    console.log(
      `chaos: ${failed.length === 0 ? 'PASS' : `FAIL (${failed.map((c) => c.criterion).join('; ')})`} in ${((now() - began) / 1000).toFixed(1)} s`,
    );
    if (failed.length > 0 && process.env.CHAOS_VERBOSE) {
      for (const instance of instances)
        console.log(`--- instance ${instance.name} log ---\n${instance.log()}`);
    }
    return failed.length === 0 ? 0 : 1;
  } finally {
    await Promise.all(instances.map((instance) => stopInstance(instance).catch(() => null)));
    await library?.close().catch(() => undefined);
    await libraryPool?.end().catch(() => undefined);
    libraryRedis?.disconnect();
    await redis?.destroy().catch(() => undefined);
    await postgres?.destroy().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const code = await main().catch((error: unknown) => {
  console.error('chaos: run failed:', error);
  return 1;
});
process.exit(code);
