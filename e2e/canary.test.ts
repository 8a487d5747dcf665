import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { type BYOKSystem, createBYOKForStack2025, isBYOKError, ProviderType } from '@stack-2025/byok-core';
import { createGatewayHandler } from '@stack-2025/byok-core/gateway';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  createScratchDatabase,
  TEST_MASTER_KEY,
} from '../packages/byok-core/test/backends.js';

/*
 * DESIGN invariant 1: a canary credential written through every public path never shows up in
 * the database, Redis, a log line, the audit log or an error. (HTTP responses: see http-security.)
 */
const CANARY = `sk-proj-CANARY${randomBytes(12).toString('hex')}`;
const CANARY_2 = `sk-proj-CANARY${randomBytes(12).toString('hex')}`;
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const canaries = [CANARY, CANARY_2, TWILIO_TOKEN];
/** Any 12-character run of a canary's random part counts as a leak. */
const fragments = canaries.flatMap((c) => [c, c.slice(-12), c.slice(8, 20)]);
const userId = `user_canary_${randomBytes(4).toString('hex')}`;
const redisPattern = `byok:*${userId}*`;

describe('canary credential', () => {
  let system: BYOKSystem;
  let redis: Redis | undefined;
  const { logger, lines } = capturingLogger();
  const errors: unknown[] = [];
  let closeAll: () => Promise<void>;
  let fake: FakeProviders;
  /** Everything the gateway answered (status, headers, body), to search for the canary. */
  const gatewayAnswers: string[] = [];

  beforeAll(async () => {
    fake = await startFakeProviders();
    let client: unknown;
    if (process.env.TEST_DATABASE_URL) {
      const scratch = await createScratchDatabase();
      const pool = new pg.Pool({ connectionString: scratch.url });
      pool.on('error', () => undefined);
      client = pool;
      closeAll = async () => {
        await pool.end();
        await scratch.drop();
      };
    } else {
      const db = new PGlite();
      client = db;
      closeAll = () => db.close();
    }
    if (process.env.TEST_REDIS_URL) redis = new Redis(process.env.TEST_REDIS_URL);
    system = await createBYOKForStack2025({
      encryptionKey: TEST_MASTER_KEY,
      postgresClient: client,
      redisClient: redis,
      logger,
      providers: { openai: { baseUrl: fake.baseUrls.openai } },
    });
  });

  afterAll(async () => {
    await fake.close();
    await system.close();
    if (redis) {
      const keys = await redis.keys(redisPattern);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await closeAll();
  });

  const capture = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      errors.push(error);
    }
  };

  it('goes through every public write and read path', async () => {
    const manager = system.manager.withDebug(true);
    const keyId = await manager.addKey({
      userId,
      provider: ProviderType.OPENAI,
      keyData: { apiKey: CANARY },
      alias: 'canary',
    });
    expect((await manager.getActiveKey(userId, ProviderType.OPENAI))?.keyData.apiKey).toBe(CANARY);
    await manager.updateKey(keyId, { keyData: { apiKey: CANARY_2 } });
    expect((await manager.getActiveKey(userId, ProviderType.OPENAI))?.keyData.apiKey).toBe(CANARY_2);
    expect(await manager.getDecryptedApiKey(keyId)).toBe(CANARY_2);
    const twilioId = await manager.addKey({
      userId,
      provider: ProviderType.TWILIO,
      keyData: { accountSid: `AC${'ab'.repeat(16)}`, authToken: TWILIO_TOKEN },
    });
    await manager.getActiveKey(userId, ProviderType.TWILIO);
    await manager.updateKey(twilioId, { enabled: false });
    await manager.revokeKey(twilioId);
    await manager.context.access.flush();

    // Through the gateway: plain, streamed, an upstream that echoes the Authorization header back,
    // and a 401 that quotes the key (the fake quotes it whole).
    const gateway = createGatewayHandler({ system });
    const { token } = await manager.createGatewayToken({ userId, name: 'canary app' });
    const ask = async (body: Record<string, unknown>) => {
      const response = await gateway(
        new Request('http://gateway.test/v1/chat/completions', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'hi' }], ...body }),
        }),
      );
      gatewayAnswers.push(
        `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`,
      );
      return response.status;
    };
    expect(await ask({})).toBe(200);
    expect(await ask({ stream: true })).toBe(200);
    fake.setBehavior(CANARY_2, 'echo');
    expect(await ask({})).toBe(200);
    expect(await ask({ stream: true })).toBe(200);
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${CANARY_2}`)).toBe(true);
    fake.setBehavior(CANARY_2, 'invalid');
    expect(await ask({})).toBe(401);
    await manager.context.usageWriter.flush();
    await gateway.close();

    // Error paths that receive the canary as input.
    await capture(manager.addKey({ userId, provider: ProviderType.ANTHROPIC, keyData: { apiKey: CANARY } }));
    await capture(
      manager.addKey({ userId, provider: ProviderType.OPENAI, keyData: { apiKey: `${CANARY} with space` } }),
    );
    await capture(
      manager.addKey({
        userId,
        provider: ProviderType.OPENAI,
        keyData: { apiKey: CANARY, [CANARY]: CANARY },
      }),
    );
    await capture(manager.addKey({ userId, provider: 'nope' as ProviderType, keyData: { apiKey: CANARY } }));
    await capture(manager.updateKey(keyId, { keyData: { token: CANARY } }));
    await capture(manager.updateKey(twilioId, { keyData: { apiKey: CANARY } }));
    await capture(
      manager.addKey({ userId: CANARY, provider: ProviderType.OPENAI, keyData: { apiKey: 'short' } }),
    );
    expect(errors.length).toBe(7);
    expect(errors.every(isBYOKError)).toBe(true);

    await expect(system.manager.audit.verifyChain()).resolves.toMatchObject({ ok: true });
  });

  it('is found in no table', async () => {
    const db = system.manager.context.db;
    const { rows: tables } = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'byok'",
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const { table_name } of tables) {
      const { rows } = await db.query<{ row: string }>(`SELECT t::text AS row FROM byok.${table_name} t`);
      for (const { row } of rows) for (const fragment of fragments) expect(row).not.toContain(fragment);
    }
  });

  it.runIf(Boolean(process.env.TEST_REDIS_URL))('is found in no Redis key or value', async () => {
    const keys = await (redis as Redis).keys(redisPattern);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = (await (redis as Redis).get(key)) ?? '';
      for (const fragment of fragments) expect(`${key} ${value}`).not.toContain(fragment);
    }
  });

  it('is found in no gateway answer (status, headers, body)', () => {
    expect(gatewayAnswers).toHaveLength(5);
    expect(gatewayAnswers.join('\n')).toContain('[redacted]');
    for (const answer of gatewayAnswers)
      for (const fragment of fragments) expect(answer).not.toContain(fragment);
  });

  it('is found in no log line, audit entry or error', async () => {
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) for (const fragment of fragments) expect(line).not.toContain(fragment);
    const audit = JSON.stringify(await system.manager.audit.list({ limit: 1000 }));
    for (const fragment of fragments) expect(audit).not.toContain(fragment);
    for (const error of errors) {
      const text = `${(error as Error).message} ${JSON.stringify(error)} ${(error as Error).stack}`;
      for (const fragment of fragments) expect(text).not.toContain(fragment);
    }
  });
});
