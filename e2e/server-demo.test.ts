/**
 * The dashboard's demo sign-in: `GET|POST /api/auth/demo` outside production (a short-lived token
 * for `demo_user`, seeded once with keys, a fallback chain and two weeks of usage), 404 in
 * production, and the development JWT secret it signs with.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@stack-2025/byok-core';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devJwtSecretPath, ensureJwtSecret, loadConfig } from '../apps/byok-server/src/config.js';
import { DEMO_KEYS, DEMO_USER_ID } from '../apps/byok-server/src/demo.js';
import { type RunningServer, startServer } from '../apps/byok-server/src/server.js';
import { ADMIN_TOKEN, JWT_SECRET, jsonOf, MASTER_KEY, tempDir } from '../apps/byok-server/test/helpers.js';

const quiet = createLogger({ level: 'silent' });

async function start(dataDir: string, env: Record<string, string> = {}) {
  return startServer(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        BYOK_DATA_DIR: dataDir,
        BYOK_ENCRYPTION_KEY: MASTER_KEY,
        BYOK_ENABLE_VALIDATION: 'false',
        ...env,
      },
      { container: false },
    ),
    { logger: quiet, drainMs: 500 },
  );
}

const authed = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('demo sign-in (development)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer;
  beforeAll(async () => {
    dir = await tempDir();
    server = await start(join(dir.path, 'data'));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dir.remove();
  });

  it('GET says it is available, without a token', async () => {
    const res = await fetch(`${server.url}/api/auth/demo`);
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ available: true, userId: DEMO_USER_ID });
  });

  it('POST answers a one-hour HS256 token for demo_user that the API accepts', async () => {
    const res = await fetch(`${server.url}/api/auth/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await jsonOf(res);
    expect(body).toMatchObject({ token: expect.any(String), userId: DEMO_USER_ID });
    const claims = decodeJwt(body.token);
    expect(claims.sub).toBe(DEMO_USER_ID);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    expect(Date.parse(body.expiresAt)).toBe((claims.exp as number) * 1000);
    const me = await fetch(`${server.url}/api/me`, authed(body.token));
    expect((await jsonOf(me)).userId).toBe(DEMO_USER_ID);
  });

  it('seeds the demo user once: fake keys, a fallback chain and two weeks of usage with an unpriced model', async () => {
    const sign = async () =>
      (await jsonOf(await fetch(`${server.url}/api/auth/demo`, { method: 'POST' }))).token as string;
    const token = await sign();
    await Promise.all([sign(), sign()]);
    const keys = (await jsonOf(await fetch(`${server.url}/api/keys`, authed(token)))).keys;
    expect(keys).toHaveLength(DEMO_KEYS.length);
    expect(keys.map((k: { provider: string }) => k.provider).sort()).toEqual(
      ['anthropic', 'deepgram', 'openai', 'openai'].sort(),
    );
    const text = JSON.stringify(keys);
    for (const key of DEMO_KEYS) expect(text).not.toContain(key.apiKey);
    expect(keys.every((k: { keyHint: string }) => /…/.test(k.keyHint))).toBe(true);
    const chain = (await jsonOf(await fetch(`${server.url}/api/fallback-chains/openai`, authed(token))))
      .chain;
    expect(chain).toMatchObject({ configured: true, fallbackSequence: [expect.stringMatching(/^key_/)] });
    const usage = await jsonOf(
      await fetch(`${server.url}/api/usage/analytics?timeRange=30d&groupBy=day`, authed(token)),
    );
    const days = usage.series.filter((d: { requests: number }) => d.requests > 0);
    expect(days.length).toBeGreaterThanOrEqual(13);
    expect(days.length).toBeLessThanOrEqual(15);
    expect(usage.totals.costUsd).toBeGreaterThan(0);
    expect(usage.totals.unpricedRequests).toBeGreaterThan(0);
    expect(usage.byProvider.map((p: { provider: string }) => p.provider).sort()).toEqual([
      'anthropic',
      'deepgram',
      'openai',
    ]);
  });

  it('signs with a generated 0600 secret in the data folder, reused after a restart', async () => {
    const path = devJwtSecretPath(join(dir.path, 'data'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const token = (await jsonOf(await fetch(`${server.url}/api/auth/demo`, { method: 'POST' }))).token;
    await server.close();
    server = await start(join(dir.path, 'data'));
    expect((await fetch(`${server.url}/api/me`, authed(token))).status).toBe(200);
    // Still seeded once.
    expect((await jsonOf(await fetch(`${server.url}/api/keys`, authed(token)))).keys).toHaveLength(
      DEMO_KEYS.length,
    );
  });

  it('refuses a large body and other methods', async () => {
    const big = await fetch(`${server.url}/api/auth/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
    const other = await fetch(`${server.url}/api/auth/demo`, { method: 'DELETE' });
    expect(other.status).toBe(405);
    expect(other.headers.get('allow')).toBe('GET, HEAD, POST');
  });
});

describe('demo sign-in (production)', () => {
  it('answers 404 to GET and POST, seeds nothing, and generates no JWT secret', {
    timeout: 60_000,
  }, async () => {
    const dir = await tempDir();
    const dataDir = join(dir.path, 'data');
    const server = await start(dataDir, { NODE_ENV: 'production', BYOK_ADMIN_TOKEN: ADMIN_TOKEN });
    try {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${server.url}/api/auth/demo`, { method });
        expect(res.status).toBe(404);
        const body = await jsonOf(res);
        expect(body.error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
      }
      const keys = await fetch(`${server.url}/api/keys`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-byok-user-id': DEMO_USER_ID },
      });
      expect((await jsonOf(keys)).keys).toEqual([]);
      await expect(stat(devJwtSecretPath(dataDir))).rejects.toThrow();
    } finally {
      await server.close();
      await dir.remove();
    }
  });

  it('ensureJwtSecret never replaces a configured secret', async () => {
    const config = loadConfig({ BYOK_JWT_SECRET: JWT_SECRET, BYOK_DATA_DIR: '/nonexistent/x' });
    const resolved = await ensureJwtSecret(config, quiet);
    expect(resolved.auth.jwtSecret).toBe(JWT_SECRET);
    expect(resolved.jwtSecretSource).toBe('env');
  });
});
