import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type CallResult,
  createHttpFixture,
  expectError,
  type HttpFixture,
  openaiKey,
  tokenFor,
  uid,
  waitFor,
} from '../apps/byok-server/test/helpers.js';
import { freePort } from '../packages/byok-core/test/private-services.js';

/** One request through the handler as if it came from `address` (what the Node server passes). */
async function from(
  fx: HttpFixture,
  address: string | undefined,
  path: string,
  headers: Record<string, string> = {},
): Promise<CallResult> {
  const response = await fx.handler(
    new Request(`http://127.0.0.1${path}`, { headers }),
    address ? { remoteAddress: address } : undefined,
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const randomAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.7`;

describe('read limits.security', { timeout: 120_000 }, () => {
  it('answers 429 with Retry-After past the per-user read limit; other users go on', async () => {
    const fx = await createHttpFixture({ rateLimit: { readsPerMinute: 5 } });
    try {
      const alice = await tokenFor(uid());
      for (let i = 0; i < 5; i++)
        expect((await fx.call('GET', '/api/keys', { token: alice })).status).toBe(200);
      const refused = await fx.call('GET', '/api/keys', { token: alice });
      expectError(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await fx.call('GET', '/api/keys', { token: await tokenFor(uid()) })).status).toBe(200);
      // Public operations routes are not counted.
      expect((await fx.call('GET', '/health')).status).toBe(200);
    } finally {
      await fx.close();
    }
  });
});

describe('failed authentication limits.security', { timeout: 120_000 }, () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await createHttpFixture({
      rateLimit: { authFailuresPerMinute: 5, authFailuresPerTokenPerMinute: 3 },
    });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('throttles service-token guessing per address, before the token is compared', async () => {
    const attacker = randomAddress();
    for (let i = 0; i < 5; i++) {
      const guess = await from(fx, attacker, '/api/me', bearer(`guess-${i}-${uid()}`));
      expectError(guess, 401, 'UNAUTHENTICATED');
    }
    const sixth = await from(fx, attacker, '/api/me', bearer(`guess-6-${uid()}`));
    expectError(sixth, 429, 'RATE_LIMITED');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Now even the right token is refused from that address: a guess that hits is never confirmed.
    expectError(await from(fx, attacker, '/api/me', bearer(ADMIN_TOKEN)), 429, 'RATE_LIMITED');
    // Another address is not affected, and success does not count.
    const honest = randomAddress();
    for (let i = 0; i < 8; i++)
      expect((await from(fx, honest, '/api/me', bearer(ADMIN_TOKEN))).status).toBe(200);
    // Requests with no token count as failures too.
    const noToken = randomAddress();
    for (let i = 0; i < 5; i++) expectError(await from(fx, noToken, '/api/me'), 401, 'UNAUTHENTICATED');
    expectError(await from(fx, noToken, '/api/me'), 429, 'RATE_LIMITED');
  });

  it('throttles one bad token replayed from many addresses', async () => {
    const expired = await tokenFor(uid(), { expiresAt: Math.floor(Date.now() / 1000) - 3600 });
    for (let i = 0; i < 3; i++)
      expectError(await from(fx, randomAddress(), '/api/keys', bearer(expired)), 401, 'UNAUTHENTICATED');
    expectError(await from(fx, randomAddress(), '/api/keys', bearer(expired)), 429, 'RATE_LIMITED');
    // A good token from the same (fresh) addresses still works.
    expect((await from(fx, randomAddress(), '/api/keys', bearer(await tokenFor(uid())))).status).toBe(200);
  });

  it('takes the address from X-Forwarded-For only when trustProxy says so', async () => {
    const behindProxy = await createHttpFixture({
      trustProxy: true,
      rateLimit: { authFailuresPerMinute: 2 },
    });
    const direct = await createHttpFixture({ rateLimit: { authFailuresPerMinute: 2 } });
    try {
      const proxy = randomAddress();
      // Behind a trusted proxy: each forwarded client has its own count.
      for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
        for (let i = 0; i < 2; i++) {
          const res = await from(behindProxy, proxy, '/api/me', { 'x-forwarded-for': client });
          expect(res.status).toBe(401);
        }
      }
      expect((await from(behindProxy, proxy, '/api/me', { 'x-forwarded-for': '203.0.113.1' })).status).toBe(
        429,
      );
      // The proxy appends the address it saw: what the client put before it does not count.
      for (let i = 0; i < 3; i++) {
        const spoofed = await from(behindProxy, proxy, '/api/me', {
          'x-forwarded-for': `192.0.2.${i}, 203.0.113.2`,
        });
        expect(spoofed.status).toBe(429);
      }
      // Not trusted: a forged header does not give an attacker fresh counts.
      const attacker = randomAddress();
      for (let i = 0; i < 2; i++)
        await from(direct, attacker, '/api/me', { 'x-forwarded-for': `198.51.100.${i}` });
      expect((await from(direct, attacker, '/api/me', { 'x-forwarded-for': '198.51.100.99' })).status).toBe(
        429,
      );
    } finally {
      await behindProxy.close();
      await direct.close();
    }
  });
});

/** A private redis-server is started (and killed) here; the shared one is never touched. */
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

describe.skipIf(!hasRedisServer)('rate limits without Redis.security', { timeout: 120_000 }, () => {
  let redisProcess: ChildProcess | undefined;
  let port: number;

  const startRedis = async () => {
    redisProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
      stdio: 'ignore',
    });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    await waitFor(async () => {
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    }, 10_000);
    probe.disconnect();
  };

  beforeAll(async () => {
    port = await freePort();
    await startRedis();
  });
  afterAll(() => {
    redisProcess?.kill('SIGKILL');
  });

  it('shares counts through Redis and keeps limiting in process while Redis is down', async () => {
    const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    await new Promise((resolve) => redis.once('ready', resolve));
    const keyPrefix = `byoktest:rl:${uid('p')}:`;
    const options = { rateLimit: { readsPerMinute: 4, redis, keyPrefix } };
    const a = await createHttpFixture(options);
    const b = await createHttpFixture(options);
    try {
      const alice = await tokenFor(uid());
      expect((await a.call('GET', '/api/keys', { token: alice })).status).toBe(200);
      expect((await b.call('GET', '/api/keys', { token: alice })).status).toBe(200);
      expect((await a.call('GET', '/api/keys', { token: alice })).status).toBe(200);
      expect((await b.call('GET', '/api/keys', { token: alice })).status).toBe(200);
      expectError(await a.call('GET', '/api/keys', { token: alice }), 429, 'RATE_LIMITED');
      expect((await redis.keys(`${keyPrefix}*`)).length).toBe(1);

      // Redis killed: no error, no free pass — each instance counts on its own.
      redisProcess?.kill('SIGKILL');
      await waitFor(async () => redis.status !== 'ready', 5000);
      const bob = await tokenFor(uid());
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await a.call('GET', '/api/keys', { token: bob })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await a.close();
      await b.close();
      redis.disconnect();
    }
  });
});

describe('quotas.security', { timeout: 120_000 }, () => {
  it('answers 403 QUOTA_EXCEEDED past the per-owner key quota, in the error shape', async () => {
    const fx = await createHttpFixture({ systemOptions: { quotas: { maxKeysPerOwner: 2 } } });
    try {
      const token = await tokenFor(uid());
      const body = () => ({ provider: 'openai', keyData: { apiKey: openaiKey() } });
      expect((await fx.call('POST', '/api/keys', { token, body: body() })).status).toBe(201);
      expect((await fx.call('POST', '/api/keys', { token, body: body() })).status).toBe(201);
      const refused = await fx.call('POST', '/api/keys', { token, body: body() });
      expectError(refused, 403, 'QUOTA_EXCEEDED');
      expect(refused.json.error.message).toMatch(/2 keys/);
      expect((await fx.call('GET', '/api/keys', { token })).json.keys).toHaveLength(2);
    } finally {
      await fx.close();
    }
  });
});

describe('usage on a key that is not active.security', { timeout: 120_000 }, () => {
  it('answers 409 KEY_NOT_ACTIVE for a revoked, disabled or deleted key and records nothing', async () => {
    const fx = await createHttpFixture();
    try {
      const token = await tokenFor(uid());
      const addKey = async () =>
        (
          await fx.call('POST', '/api/keys', {
            token,
            body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
          })
        ).json.key.id as string;
      const usage = (keyId: string) =>
        fx.call('POST', '/api/usage', { token, body: { keyId, provider: 'openai', inputTokens: 10 } });
      const active = await addKey();
      expect((await usage(active)).status).toBe(201);

      const revoked = await addKey();
      expect((await fx.call('POST', `/api/keys/${revoked}/revoke`, { token, body: {} })).status).toBe(200);
      expectError(await usage(revoked), 409, 'KEY_NOT_ACTIVE');

      const disabled = await addKey();
      expect(
        (await fx.call('PATCH', `/api/keys/${disabled}`, { token, body: { enabled: false } })).status,
      ).toBe(200);
      expectError(await usage(disabled), 409, 'KEY_NOT_ACTIVE');

      const deleted = await addKey();
      expect((await fx.call('DELETE', `/api/keys/${deleted}`, { token })).status).toBe(204);
      expectError(await usage(deleted), 409, 'KEY_NOT_ACTIVE');

      // Another user learns nothing: someone else's deleted key is simply not found.
      const other = await tokenFor(uid());
      const foreign = await fx.call('POST', '/api/usage', {
        token: other,
        body: { keyId: deleted, provider: 'openai', inputTokens: 1 },
      });
      expectError(foreign, 404, 'KEY_NOT_FOUND');

      const { rows } = await fx.system.database.db.query<{ key_id: string }>(
        'SELECT key_id FROM byok.key_usage WHERE key_id = ANY($1)',
        [[active, revoked, disabled, deleted]],
      );
      expect(rows.map((r) => r.key_id)).toEqual([active]);
    } finally {
      await fx.close();
    }
  });
});
