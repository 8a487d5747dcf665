/**
 * Validation figures, each beside a baseline measured in the same run:
 *  - 1,000 stored keys validated (decrypt, probe, one transaction each: key_validations row, key
 *    update, audit entry) against the fake provider answering in 50 ms, 50 at a time, vs the ideal
 *    1,000 / 50 × 50 ms = 1 s, and vs 1,000 bare fetches of the same fake at the same concurrency;
 *  - a provider that never answers: what one validation (and 50 at once) costs vs the timeout.
 * On PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL) when set, and on the embedded PGlite.
 * Run: node --conditions=@stack-2025/source --import tsx bench/validation.ts
 */
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { BYOKManager, createLogger } from '@stack-2025/byok-core';
import { startFakeProviders } from '@stack-2025/byok-core/testing';
import pg from 'pg';
import { KeyValidator } from '../packages/byok-core/src/validation/index.js';
import { report, scratchDatabase } from './support.js';

const KEYS = Number(process.env.BENCH_VALIDATION_KEYS ?? 1000);
const CONCURRENCY = 50;
const DELAY_MS = 50;
const HANG_TIMEOUT_MS = 1000;
const MASTER_KEY = 'bench-validation-master-key-0123456789abcdef';

const fake = await startFakeProviders();
const silent = createLogger({ level: 'warn' });
const rows: Parameters<typeof report>[0] = [];

/** Bare fetches of the same slow fake endpoint at the same concurrency: the network + server floor. */
async function rawFetchBaseline(keys: string[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < keys.length) {
        const apiKey = keys[next++] as string;
        const response = await fetch(`${fake.baseUrls.openai}/models`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        await response.text();
      }
    }),
  );
  return performance.now() - started;
}

async function benchOn(name: string, client: unknown): Promise<void> {
  const manager = new BYOKManager({
    encryptionKey: MASTER_KEY,
    database: { client },
    logger: silent,
    providers: { openai: { baseUrl: fake.baseUrls.openai } },
    validation: { parallelValidation: CONCURRENCY, timeout: 10_000 },
    // One owner with KEYS keys is the point of this bench: past the default quotas on purpose.
    quotas: { maxKeysPerOwner: KEYS + 100, maxKeysPerValidateAll: KEYS + 100 },
  });
  await manager.ready();
  const validator = new KeyValidator({
    db: manager.context.db,
    keys: manager.keys,
    audit: manager.context.audit,
    cache: manager.context.cache,
    logger: silent,
    options: manager.context.options,
    ready: () => manager.ready(),
  });

  // 1,000 keys of one owner, each answered after 50 ms.
  const owner = `bench_${name}`;
  const secrets = Array.from(
    { length: KEYS },
    (_, i) => `sk-bench-${name}-${i.toString().padStart(5, '0')}-slowanswer`,
  );
  for (const apiKey of secrets) fake.setBehavior(apiKey, { kind: 'slow', delayMs: DELAY_MS });
  let seeded = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (seeded < secrets.length) {
        const apiKey = secrets[seeded++] as string;
        await manager.addKey({ userId: owner, provider: 'openai', keyData: { apiKey } });
      }
    }),
  );

  // Warm-up (connections, JIT, the DEK cache) on a second owner, then the measured runs.
  const warm = `${owner}_warm`;
  for (let i = 0; i < CONCURRENCY; i += 1) {
    await manager.addKey({
      userId: warm,
      provider: 'openai',
      keyData: { apiKey: `sk-bench-${name}-warm-${i}-xxxxxx` },
    });
  }
  await validator.validateAllKeys(warm, { concurrency: CONCURRENCY });
  const rawMs = await rawFetchBaseline(secrets);
  fake.clear();
  const started = performance.now();
  const results = await validator.validateAllKeys(owner, { concurrency: CONCURRENCY });
  const elapsedMs = performance.now() - started;
  if (results.length !== KEYS || results.some((r) => !r.isValid) || fake.requests.length !== KEYS) {
    throw new Error(
      `expected ${KEYS} valid results and requests, got ${results.length} / ${fake.requests.length}`,
    );
  }
  const idealMs = (KEYS / CONCURRENCY) * DELAY_MS;
  rows.push({
    figure: `${name}: validate ${KEYS} keys, ${CONCURRENCY} at a time, fake answers in ${DELAY_MS} ms`,
    value: `${elapsedMs.toFixed(0)} ms`,
    baseline: `ideal ${idealMs.toFixed(0)} ms`,
    ratio: elapsedMs / idealMs,
    goal: '<= 1.5x',
  });
  rows.push({
    figure: `${name}: same, vs bare fetches of the same fake`,
    value: `${elapsedMs.toFixed(0)} ms`,
    baseline: `raw fetch ${rawMs.toFixed(0)} ms`,
    ratio: elapsedMs / rawMs,
    goal: '(overhead of decrypt + store + audit)',
  });

  // A provider that never answers.
  const hanging = new KeyValidator({
    db: manager.context.db,
    keys: manager.keys,
    audit: manager.context.audit,
    cache: manager.context.cache,
    logger: silent,
    options: {
      ...manager.context.options,
      validation: { timeout: HANG_TIMEOUT_MS, parallelValidation: CONCURRENCY },
    },
  });
  const hangOwner = `${owner}_hang`;
  const hangIds: string[] = [];
  for (let i = 0; i < CONCURRENCY; i += 1) {
    hangIds.push(
      await manager.addKey({
        userId: hangOwner,
        provider: 'openai',
        keyData: { apiKey: `sk-bench-hang-${name}-${i}-xxxxxx` },
      }),
    );
  }
  const oneStarted = performance.now();
  const one = await hanging.testKey(hangIds[0] as string);
  const oneMs = performance.now() - oneStarted;
  if (one.status !== 'timeout') throw new Error(`expected a timeout, got ${one.status}`);
  rows.push({
    figure: `${name}: one validation against a provider that never answers`,
    value: `${oneMs.toFixed(0)} ms`,
    baseline: `timeout ${HANG_TIMEOUT_MS} ms`,
    ratio: oneMs / HANG_TIMEOUT_MS,
    goal: '<= 1.1x',
  });
  const manyStarted = performance.now();
  const many = await hanging.validateAllKeys(hangOwner, { concurrency: CONCURRENCY });
  const manyMs = performance.now() - manyStarted;
  if (many.some((r) => r.status !== 'timeout')) throw new Error('expected only timeouts');
  rows.push({
    figure: `${name}: ${CONCURRENCY} such validations at once`,
    value: `${manyMs.toFixed(0)} ms`,
    baseline: `timeout ${HANG_TIMEOUT_MS} ms`,
    ratio: manyMs / HANG_TIMEOUT_MS,
    goal: '<= 1.1x',
  });
  await manager.close();
}

try {
  if (process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL) {
    const scratch = await scratchDatabase();
    const pool = new pg.Pool({ connectionString: scratch.url, max: 20 });
    pool.on('error', () => undefined);
    try {
      await benchOn('postgres', pool);
    } finally {
      await pool.end();
      await scratch.drop();
    }
  }
  const pglite = new PGlite();
  try {
    await benchOn('pglite', pglite);
  } finally {
    await pglite.close();
  }
  report(rows);
} finally {
  await fake.close();
}
