/**
 * Two `byok serve` processes on one real PostgreSQL and one Redis: they start at once and migrate
 * once, and a key revoked through one is refused everywhere within a second.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type BYOKSystem, createBYOKForStack2025, createLogger } from '@stack-2025/byok-core';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  jsonOf,
  MASTER_KEY,
  openaiKey,
  REPO_ROOT,
  type SpawnedServer,
  spawnServer,
  tempDir,
  uid,
  waitFor,
} from '../apps/byok-server/test/helpers.js';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';

const enabled = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

describe.skipIf(!enabled)('two servers on one PostgreSQL and Redis', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let servers: SpawnedServer[] = [];
  let pool: pg.Pool;
  let redis: Redis;
  let library: BYOKSystem;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    dir = await tempDir();
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: scratch.url,
      REDIS_URL: process.env.TEST_REDIS_URL,
      BYOK_ENCRYPTION_KEY: MASTER_KEY,
      BYOK_ADMIN_TOKEN: ADMIN_TOKEN,
      BYOK_CONNECTION_POOL_SIZE: '4',
    };
    servers = await Promise.all([spawnServer(env, dir.path), spawnServer(env, dir.path)]);
    pool = new pg.Pool({ connectionString: scratch.url, max: 2 });
    redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
    library = await createBYOKForStack2025({
      encryptionKey: MASTER_KEY,
      decryptionKeys: [],
      postgresClient: pool,
      redisClient: redis,
      logger: createLogger({ level: 'silent' }),
    });
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await library?.close();
    await pool?.end();
    redis?.disconnect();
    await scratch?.drop();
    await dir?.remove();
    expect(codes).toEqual(servers.map(() => 0));
  });

  it('applies each migration exactly once although both started at once', async () => {
    const files = (await readdir(join(REPO_ROOT, 'packages/byok-core/src/store/migrations'))).filter((f) =>
      f.endsWith('.sql'),
    );
    const { rows } = await pool.query<{ version: number; n: string }>(
      'SELECT version, count(*) AS n FROM byok.schema_migrations GROUP BY version ORDER BY version',
    );
    expect(rows.map((r) => Number(r.n))).toEqual(files.map(() => 1));
    expect(rows).toHaveLength(files.length);
  });

  it('refuses a key revoked through one server on the other, and in the library, within one second', async () => {
    const [a, b] = servers as [SpawnedServer, SpawnedServer];
    const user = uid('cluster');
    const headers = {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-byok-user-id': user,
      'content-type': 'application/json',
    };
    const created = await fetch(`${a.url}/api/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ provider: 'openai', keyData: { apiKey: openaiKey() } }),
    });
    expect(created.status).toBe(201);
    const keyId = (await jsonOf(created)).key.id as string;
    const onB = await fetch(`${b.url}/api/keys/${keyId}`, { headers });
    expect((await jsonOf(onB)).key.status).toBe('active');
    // Warm the library's cache (local LRU and Redis) with the active key.
    expect((await library.manager.getActiveKey(user, 'openai'))?.id).toBe(keyId);
    expect((await library.manager.getActiveKey(user, 'openai'))?.id).toBe(keyId);

    const revoked = await fetch(`${a.url}/api/keys/${keyId}/revoke`, { method: 'POST', headers });
    expect(revoked.status).toBe(200);
    const [httpDelay, libraryDelay] = await Promise.all([
      waitFor(async () => {
        const res = await fetch(`${b.url}/api/keys/${keyId}`, { headers });
        const reEnable = await fetch(`${b.url}/api/keys/${keyId}`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ enabled: true }),
        });
        return (await jsonOf(res)).key.status === 'revoked' && reEnable.status === 409;
      }, 1000),
      waitFor(async () => (await library.manager.getActiveKey(user, 'openai')) === null, 1000, 5),
    ]);
    console.log(
      `revocation seen by the other server after ${httpDelay.toFixed(1)} ms; by a cached library instance after ${libraryDelay.toFixed(1)} ms`,
    );
    expect(httpDelay).toBeLessThan(1000);
    expect(libraryDelay).toBeLessThan(1000);
  });

  it('counts writes for the rate limit in Redis, shared by both servers', async () => {
    const [a, b] = servers as [SpawnedServer, SpawnedServer];
    const user = uid('limited');
    const headers = {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-byok-user-id': user,
      'content-type': 'application/json',
    };
    const body = JSON.stringify({ name: 'w' });
    expect((await fetch(`${a.url}/api/workspaces`, { method: 'POST', headers, body })).status).toBe(201);
    expect((await fetch(`${b.url}/api/workspaces`, { method: 'POST', headers, body })).status).toBe(201);
    // The write counter of this user (`byok:ratelimit:w:<user>`): one key, counted by both servers.
    const keys = await redis.keys(`byok:ratelimit:w:${user}`);
    expect(keys).toHaveLength(1);
    expect(await redis.get(keys[0] as string)).toBe('2');
  });
});
