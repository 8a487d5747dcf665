import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheBackends,
  capturingLogger,
  type DatabaseBackend,
  pgliteBackend,
  postgresBackend,
  TEST_MASTER_KEY,
  uniqueId,
  untilListening,
} from '../../test/backends.js';
import { BYOKManager } from '../manager/byok-manager.js';
import type { RedisLike } from './types.js';

const apiKey = () => `sk-proj-${Math.random().toString(36).slice(2)}cachetest`;

/**
 * Every cache tier over the database it serves: PGlite with the in-process bus, PGlite with Redis,
 * and (with TEST_DATABASE_URL) real PostgreSQL without Redis, where LISTEN/NOTIFY carries invalidations.
 */
const suites: { name: string; database: DatabaseBackend; open: (typeof cacheBackends)[number]['open'] }[] = [
  ...cacheBackends.map((backend) => ({ ...backend, database: pgliteBackend })),
  ...(process.env.TEST_DATABASE_URL
    ? [{ name: 'postgres LISTEN/NOTIFY', database: postgresBackend, open: cacheBackends[0]!.open }]
    : []),
];

describe.each(suites)('key cache: $name', (backend) => {
  let client: unknown;
  let closeDb: () => Promise<void>;
  let redis: Redis | undefined;
  let keyPrefix: string;
  let closeCache: () => Promise<void>;
  const managers: BYOKManager[] = [];

  const newManager = async (ttl = 300) => {
    const manager = new BYOKManager({
      encryptionKey: TEST_MASTER_KEY,
      database: { client },
      cache: { ttl, ...(redis ? { redis: { client: redis, keyPrefix } } : {}) },
      logger: capturingLogger().logger,
    });
    managers.push(manager);
    await untilListening(manager);
    return manager;
  };

  beforeAll(async () => {
    ({ client, close: closeDb } = await backend.database.open());
    ({ redis, keyPrefix, close: closeCache } = await backend.open());
    // Migrations and the key derivation once, under the hook's longer timeout.
    await (await newManager()).context.ready();
  });
  afterAll(async () => {
    for (const manager of managers) await manager.close();
    await closeCache();
    await closeDb();
  });

  it('counts hits and misses and reports the hit rate', async () => {
    const manager = await newManager();
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: apiKey() } });
    for (let i = 0; i < 4; i += 1) await manager.getActiveKey(userId, 'openai');
    const stats = manager.context.cache.getStats();
    expect(stats.misses).toBe(1);
    expect(stats.hits).toBe(3);
    expect(stats.hitRate).toBeCloseTo(0.75);
    expect(stats.redis.enabled).toBe(Boolean(redis));
  });

  it('caches nothing with ttl 0', async () => {
    const manager = await newManager(0);
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: apiKey() } });
    for (let i = 0; i < 3; i += 1) await manager.getActiveKey(userId, 'openai');
    expect(manager.context.cache.getStats()).toMatchObject({ hits: 0, hitRate: 0, size: 0 });
  });

  it('serves a change at once on the instance that made it and on every other instance', async () => {
    const first = await newManager();
    const second = await newManager();
    const userId = uniqueId();
    const keyId = await first.addKey({ userId, provider: 'openai', keyData: { apiKey: apiKey() } });
    expect((await second.getActiveKey(userId, 'openai'))?.id).toBe(keyId);
    await first.revokeKey(keyId);
    expect(await first.getActiveKey(userId, 'openai')).toBeNull();
    const started = Date.now();
    while ((await second.getActiveKey(userId, 'openai')) !== null) {
      expect(Date.now() - started).toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });

  it('keeps only ciphertext in the cache', async () => {
    const manager = await newManager();
    const userId = uniqueId();
    const secret = apiKey();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: secret } });
    await manager.getActiveKey(userId, 'openai');
    const local = JSON.stringify(manager.context.cache.peek(`active:user:${userId}:openai:production`));
    expect(local).toContain('ck1:');
    expect(local).not.toContain(secret);
    if (!redis) return;
    const keys = await redis.keys(`${keyPrefix}*${userId}*`);
    expect(keys.length).toBeGreaterThan(0);
    // Entries the add invalidated stay tombstones for a while (fills cannot overwrite them); the rest are ciphertext rows.
    for (const key of keys) expect(await redis.get(key)).toMatch(/^(~invalidated|.*ck1:.*)$/);
    for (const key of keys) expect(await redis.get(key)).not.toContain(secret);
  });
});

describe('key cache with Redis unreachable', () => {
  it('answers from the database, never with an error', async () => {
    const { client, close } = await pgliteBackend.open();
    const deadRedis = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    deadRedis.on('error', () => undefined);
    await deadRedis.connect().catch(() => undefined);
    const manager = new BYOKManager({
      encryptionKey: TEST_MASTER_KEY,
      database: { client },
      cache: { redis: { client: deadRedis as unknown as RedisLike } },
      logger: capturingLogger().logger,
    });
    const userId = uniqueId();
    const secret = apiKey();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: secret } });
    expect((await manager.getActiveKey(userId, 'openai'))?.keyData.apiKey).toBe(secret);
    expect(manager.context.cache.getStats().redis).toMatchObject({ enabled: true, connected: false });
    await manager.close();
    deadRedis.disconnect();
    await close();
  });
});
