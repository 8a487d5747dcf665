import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger, type Logger } from '../src/logging/index.js';

/** A database the suites run against: in-memory PGlite always, real PostgreSQL when TEST_DATABASE_URL is set. */
export interface DatabaseBackend {
  name: string;
  /** A fresh, empty database for one test file. */
  open(): Promise<{ client: unknown; url?: string; close(): Promise<void> }>;
}

const requireInCi = (variable: string) => {
  if (process.env.CI === 'true' && !process.env[variable]) {
    throw new Error(`${variable} must be set in CI so that the real-server suites run`);
  }
};

requireInCi('TEST_DATABASE_URL');
requireInCi('TEST_REDIS_URL');

export const pgliteBackend: DatabaseBackend = {
  name: 'pglite',
  async open() {
    const db = new PGlite();
    return { client: db, close: () => db.close() };
  },
};

/** Creates a throw-away database on the real server, so that test files never see each other's rows. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const name = `byok_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

export const postgresBackend: DatabaseBackend = {
  name: 'postgres',
  async open() {
    const scratch = await createScratchDatabase();
    const pool = new pg.Pool({ connectionString: scratch.url, max: 8 });
    // Connections ended by the final DROP DATABASE … WITH (FORCE) report an error; nothing to do.
    pool.on('error', () => undefined);
    return {
      client: pool,
      url: scratch.url,
      async close() {
        await pool.end();
        await scratch.drop();
      },
    };
  },
};

export const databaseBackends: DatabaseBackend[] = process.env.TEST_DATABASE_URL
  ? [pgliteBackend, postgresBackend]
  : [pgliteBackend];

/** Cache back ends: the in-process LRU always, Redis as well when TEST_REDIS_URL is set. */
export interface CacheBackend {
  name: string;
  open(): Promise<{ redis?: Redis; keyPrefix: string; close(): Promise<void> }>;
}

export const cacheBackends: CacheBackend[] = [
  { name: 'in-process', open: async () => ({ keyPrefix: 'none', close: async () => undefined }) },
  ...(process.env.TEST_REDIS_URL
    ? [
        {
          name: 'redis',
          async open() {
            const redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
            await new Promise<void>((resolve, reject) => {
              redis.once('ready', () => resolve());
              redis.once('error', reject);
            });
            const keyPrefix = `byoktest:${randomBytes(4).toString('hex')}:`;
            return {
              redis,
              keyPrefix,
              async close() {
                const keys = await redis.keys(`${keyPrefix}*`);
                if (keys.length) await redis.del(...keys);
                redis.disconnect();
              },
            };
          },
        },
      ]
    : []),
];

/** A logger at debug level whose lines are kept in memory, for tests that search the logs. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

/** A fixed master key per test run; the KEK is derived once per key per process. */
export const TEST_MASTER_KEY = 'test-master-key-0123456789abcdef-0123456789';
export const OTHER_MASTER_KEY = 'other-master-key-0123456789abcdef-987654321';

export const uniqueId = (prefix = 'user'): string => `${prefix}_${randomBytes(5).toString('hex')}`;

/** Resolves once a manager's invalidation bus vouches that it hears every invalidation (a new instance does not, at first). */
export async function untilListening(
  manager: { context: { cache: { getStats(): { invalidation?: { listening: boolean } } } } },
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!manager.context.cache.getStats().invalidation?.listening) {
    if (Date.now() - started > timeoutMs) throw new Error('the invalidation bus never started listening');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
