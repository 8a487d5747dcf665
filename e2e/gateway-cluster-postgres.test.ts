/**
 * Two gateway instances on one PostgreSQL and no Redis: the system's invalidation bus is then
 * PostgreSQL LISTEN/NOTIFY, and a token revoked (or narrowed, or deleted) on one instance is refused
 * by the other within a second, although the other holds the token's row in its cache.
 */
import { type BYOKSystem, createBYOKForStack2025, createLogger } from '@stack-2025/byok-core';
import { createGatewayHandler, type GatewayHandler } from '@stack-2025/byok-core/gateway';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';
import { MASTER_KEY, openaiKey, uid } from './gateway-support.js';

const enabled = Boolean(process.env.TEST_DATABASE_URL);

describe.runIf(enabled)('two gateway instances on PostgreSQL alone.cluster', () => {
  let fake: FakeProviders;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const pools: pg.Pool[] = [];
  const systems: BYOKSystem[] = [];
  const gateways: GatewayHandler[] = [];

  beforeAll(async () => {
    fake = await startFakeProviders();
    scratch = await createScratchDatabase();
    for (const name of ['gw-a', 'gw-b']) {
      const pool = new pg.Pool({ connectionString: scratch.url, max: 5, application_name: name });
      pool.on('error', () => undefined);
      const system = await createBYOKForStack2025({
        encryptionKey: MASTER_KEY,
        postgresClient: pool,
        providers: { openai: { baseUrl: fake.baseUrls.openai } },
        logger: createLogger({ level: 'silent' }),
      });
      pools.push(pool);
      systems.push(system);
      gateways.push(createGatewayHandler({ system }));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    for (const system of systems) await system.close();
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

  /** Asks B until it stops answering 200 (or 2 s pass); the status and how long it took. */
  const untilRefused = async (gateway: GatewayHandler, token: string, since: number) => {
    let status = 200;
    let probes = 0;
    while (status === 200 && performance.now() - since < 2000) {
      status = await ask(gateway, token);
      probes += 1;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { status, elapsedMs: performance.now() - since, probes };
  };

  /** An owner with a key and a token that B has already served (so B caches the token's row). */
  const primed = async (prefix: string) => {
    const [a, b] = systems as [BYOKSystem, BYOKSystem];
    const userId = uid(prefix);
    await a.manager.addKey({ userId, provider: 'openai', keyData: { apiKey: openaiKey() } });
    const { id, token } = await a.manager.createGatewayToken({ userId, name: prefix });
    expect(await ask(gateways[1] as GatewayHandler, token)).toBe(200);
    expect(await ask(gateways[1] as GatewayHandler, token)).toBe(200);
    // B's cache is trusted (it listens), so the second request was served from it.
    expect(b.cache.getStats().invalidation).toMatchObject({ bus: 'postgres', listening: true });
    return { userId, id, token };
  };

  it('both instances carry invalidations on PostgreSQL LISTEN/NOTIFY, not Redis', () => {
    for (const system of systems) {
      expect(system.redis).toBeUndefined();
      expect(system.cache.getStats().invalidation?.bus).toBe('postgres');
    }
  });

  it('a token revoked on A is refused by B within 1 s', async () => {
    const { userId, id, token } = await primed('pg_revoke');
    const hitsBefore = (systems[1] as BYOKSystem).cache.getStats().hits;
    expect(await ask(gateways[1] as GatewayHandler, token)).toBe(200);
    expect((systems[1] as BYOKSystem).cache.getStats().hits).toBeGreaterThan(hitsBefore);
    await (systems[0] as BYOKSystem).manager.revokeGatewayToken(id, userId);
    const revokedAt = performance.now();
    const { status, elapsedMs } = await untilRefused(gateways[1] as GatewayHandler, token, revokedAt);
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
    expect(await ask(gateways[0] as GatewayHandler, token)).toBe(401);
    expect(await ask(gateways[1] as GatewayHandler, token)).toBe(401);
  });

  it('a token narrowed on A (another provider only) is refused by B within 1 s', async () => {
    const { userId, id, token } = await primed('pg_narrow');
    await (systems[0] as BYOKSystem).manager.updateGatewayToken(id, userId, {
      allowedProviders: ['anthropic'],
    });
    const changedAt = performance.now();
    const { status, elapsedMs } = await untilRefused(gateways[1] as GatewayHandler, token, changedAt);
    expect(status).toBe(403);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('a token deleted on A is refused by B within 1 s', async () => {
    const { userId, id, token } = await primed('pg_delete');
    await (systems[0] as BYOKSystem).manager.deleteGatewayToken(id, userId);
    const deletedAt = performance.now();
    const { status, elapsedMs } = await untilRefused(gateways[1] as GatewayHandler, token, deletedAt);
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
