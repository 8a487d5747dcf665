/**
 * Two gateway instances on one PostgreSQL and one Redis: a token revoked on one is refused by the
 * other within a second (the key cache's invalidation), and the budget is shared through Redis.
 */
import { type BYOKSystem, createBYOKForStack2025 } from '@stack-2025/byok-core';
import { createGatewayHandler, type GatewayHandler } from '@stack-2025/byok-core/gateway';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';
import { MASTER_KEY, openaiKey, uid } from './gateway-support.js';

const enabled = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL);

describe.runIf(enabled)('two gateway instances.cluster', () => {
  let fake: FakeProviders;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const pools: pg.Pool[] = [];
  const redises: Redis[] = [];
  const systems: BYOKSystem[] = [];
  const gateways: GatewayHandler[] = [];

  beforeAll(async () => {
    fake = await startFakeProviders();
    scratch = await createScratchDatabase();
    for (let i = 0; i < 2; i++) {
      const pool = new pg.Pool({ connectionString: scratch.url, max: 5 });
      pool.on('error', () => undefined);
      const redis = new Redis(process.env.TEST_REDIS_URL as string, { keyPrefix: undefined });
      const system = await createBYOKForStack2025({
        encryptionKey: MASTER_KEY,
        postgresClient: pool,
        redisClient: redis,
        providers: { openai: { baseUrl: fake.baseUrls.openai } },
      });
      pools.push(pool);
      redises.push(redis);
      systems.push(system);
      gateways.push(createGatewayHandler({ system, redis }));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    for (const system of systems) await system.close();
    for (const redis of redises) redis.disconnect();
    for (const pool of pools) await pool.end();
    await scratch?.drop();
    await fake?.close();
  });

  const ask = (gateway: GatewayHandler, token: string) =>
    gateway(
      new Request('http://gateway.test/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-6-luna', messages: [{ role: 'user', content: 'hi' }] }),
      }),
    ).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  it('a token revoked on one instance is refused by the other within 1 s', async () => {
    const [a, b] = gateways as [GatewayHandler, GatewayHandler];
    const userId = uid('cluster');
    await (systems[0] as BYOKSystem).manager.addKey({
      userId,
      provider: 'openai',
      keyData: { apiKey: openaiKey() },
    });
    const { id, token } = await (systems[0] as BYOKSystem).manager.createGatewayToken({ userId, name: 'c' });
    expect(await ask(b, token)).toBe(200); // B now holds the token's row in its cache
    expect(await ask(b, token)).toBe(200);
    await (systems[0] as BYOKSystem).manager.revokeGatewayToken(id, userId);
    const revokedAt = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - revokedAt < 2000) {
      status = await ask(b, token);
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(401);
    expect(performance.now() - revokedAt).toBeLessThan(1000);
    expect(await ask(a, token)).toBe(401);
  });

  it('shares the budget: 50 concurrent requests over both instances against a budget for 10', async () => {
    const userId = uid('cluster_budget');
    const secret = openaiKey();
    const system = systems[0] as BYOKSystem;
    await system.manager.addKey({ userId, provider: 'openai', keyData: { apiKey: secret } });
    // One request first, so both instances know what a request costs.
    const { id, token } = await system.manager.createGatewayToken({ userId, name: 'b' });
    expect(await ask(gateways[0] as GatewayHandler, token)).toBe(200);
    await system.manager.context.usageWriter.flush();
    const { rows } = await pools[0]!.query<{ cost_usd: string }>(
      'SELECT cost_usd::text FROM byok.gateway_token_spend WHERE token_id = $1',
      [id],
    );
    const cost = Number(rows[0]?.cost_usd);
    expect(cost).toBeGreaterThan(0);
    await system.manager.updateGatewayToken(id, userId, { monthlyBudgetUsd: cost * 11 });
    expect(await ask(gateways[1] as GatewayHandler, token)).toBe(200);
    // The answer goes out before its cost reaches the shared counter (off the response path): the
    // "9 left" below starts once both priming requests are counted there.
    const spendKey = `byok:gw:spend-e8:${id}:${new Date().toISOString().slice(0, 7)}-01`;
    await vi.waitFor(async () =>
      expect(Number(await (redises[0] as Redis).get(spendKey))).toBe(Math.round(cost * 2 * 1e8)),
    );
    fake.clear();
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ask(gateways[i % 2] as GatewayHandler, token)),
    );
    const forwarded = fake.requests.filter((r) => r.headers.authorization === `Bearer ${secret}`).length;
    // 9 left in the budget after the two priming requests; at most one more per instance.
    expect(forwarded).toBeGreaterThanOrEqual(9);
    expect(forwarded).toBeLessThanOrEqual(11);
    expect(statuses.filter((s) => s === 200)).toHaveLength(forwarded);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - forwarded);
  });
});
