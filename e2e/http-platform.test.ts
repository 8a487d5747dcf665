import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  call,
  createHttpFixture,
  expectError,
  type HttpFixture,
  jsonOf,
  MASTER_KEY,
  openaiKey,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

let fx: HttpFixture;
beforeAll(async () => {
  fx = await createHttpFixture({ metrics: { collectDefaultMetrics: true } });
});
afterAll(async () => {
  await fx.close();
});

describe('GET /health.happy', () => {
  it('answers ok without a token', async () => {
    const res = await fx.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

const admin = { token: ADMIN_TOKEN };

describe('GET /health/byok.happy', () => {
  it('answers 200 healthy with each check of validateBYOKHealth, to the service token', async () => {
    const res = await fx.call('GET', '/health/byok', admin);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      status: 'healthy',
      checks: {
        database: { status: 'pass' },
        encryption: { status: 'pass' },
        cache: { status: 'pass' },
        validation: { status: 'pass' },
      },
    });
    expect(Date.parse(res.json.timestamp)).not.toBeNaN();
    expect(JSON.stringify(res.json)).not.toContain(MASTER_KEY);
  });
});

describe('GET /health/ready.happy', () => {
  it('answers 200 ready when healthy', async () => {
    const res = await fx.call('GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ready' });
  });
});

describe('GET /health/byok.security', () => {
  it('answers 401 without the service token: the fingerprint and counts are not public', async () => {
    for (const token of [undefined, await tokenFor(uid()), 'not-a-token']) {
      const res = await fx.call('GET', '/health/byok', { token: token ?? null });
      expectError(res, 401, 'UNAUTHENTICATED');
      expect(res.text).not.toMatch(/fingerprint|checks|validation/i);
    }
    // The public probes say up/ready and nothing else.
    expect((await fx.call('GET', '/health')).json).toEqual({ status: 'ok' });
    expect((await fx.call('GET', '/health/ready')).json).toEqual({ status: 'ready' });
  });
});

describe('GET /health/byok.error (degraded)', { timeout: 120_000 }, () => {
  /** One key of a new user with `failures` failed validations (an outage answer). */
  const failingTenant = async (fx2: HttpFixture, failures: number): Promise<void> => {
    const token = await tokenFor(uid());
    const key = await fx2.call('POST', '/api/keys', {
      token,
      body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
    });
    for (let i = 0; i < failures; i++) {
      await fx2.system.database.db.query(
        `INSERT INTO byok.key_validations (key_id, is_valid, status, health_score, response_time_ms)
         VALUES ($1, false, 'outage', 50, 10)`,
        [key.json.key.id],
      );
    }
  };

  it('stays 200 when one tenant’s keys all fail, 503 degraded when a provider fails across tenants; /health/ready stays 200', async () => {
    const degraded = await createHttpFixture({ rateLimit: { writesPerMinute: 1000 } });
    try {
      await failingTenant(degraded, 40);
      const noisy = await degraded.call('GET', '/health/byok', admin);
      expect(noisy.status, noisy.text).toBe(200);
      expect(noisy.json.checks.validation).toMatchObject({ status: 'pass', details: { failed: 40 } });
      await failingTenant(degraded, 2);
      await failingTenant(degraded, 2);
      const res = await degraded.call('GET', '/health/byok', admin);
      expect(res.status).toBe(503);
      expect(res.json).toMatchObject({
        status: 'degraded',
        message: expect.stringContaining('Provider validation failed across tenants'),
        checks: { validation: { status: 'warn' }, database: { status: 'pass' } },
      });
      const ready = await degraded.call('GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ status: 'ready' });
    } finally {
      await degraded.close();
    }
  });
});

describe('GET /health/byok.error', () => {
  it('answers 503 "ENCRYPTION_MASTER_KEY not configured" without a master key; credential routes 503', async () => {
    const bare = await createHttpFixture({ encryptionKey: null });
    try {
      const res = await bare.call('GET', '/health/byok', admin);
      expect(res.status).toBe(503);
      expect((await bare.call('GET', '/health/ready')).json).toEqual({ status: 'not_ready' });
      expect((await bare.call('GET', '/health/ready')).status).toBe(503);
      expect(res.json).toMatchObject({
        status: 'unhealthy',
        message: 'ENCRYPTION_MASTER_KEY not configured',
        checks: {
          encryption: { status: 'fail', message: 'ENCRYPTION_MASTER_KEY not configured' },
          database: { status: 'pass' },
        },
      });
      const token = await tokenFor(uid());
      const add = await bare.call('POST', '/api/keys', {
        token,
        body: { provider: 'openai', keyData: { apiKey: openaiKey() } },
      });
      expectError(add, 503, 'ENCRYPTION_NOT_CONFIGURED');
      expect(add.json.error.message).toBe('ENCRYPTION_MASTER_KEY not configured');
      expectError(await bare.call('GET', '/api/keys', { token }), 503, 'ENCRYPTION_NOT_CONFIGURED');
      // Every change is audited, and audit entries are sealed under a key derived from the master
      // key: without one, no change can be recorded, so none is made.
      expectError(
        await bare.call('POST', '/api/workspaces', { token, body: { name: 'w' } }),
        503,
        'ENCRYPTION_NOT_CONFIGURED',
      );
    } finally {
      await bare.close();
    }
  });
});

describe('GET /health/byok.security', () => {
  it('answers a failing custom check with a generic 500, never its message', async () => {
    const broken = await createHttpFixture({
      health: async () => {
        throw new Error('db password is hunter2');
      },
    });
    try {
      const res = await broken.call('GET', '/health/byok', admin);
      expectError(res, 500, 'INTERNAL_ERROR');
      expect(res.json.error.message).toBe('Internal server error');
      expect(res.text).not.toContain('hunter2');
    } finally {
      await broken.close();
    }
  });
});

describe('GET /metrics.happy', () => {
  it('counts requests by route pattern, never by raw path', async () => {
    const token = await tokenFor(uid());
    await fx.call('GET', '/api/keys/key_abcdefabcdef', { token });
    await fx.call('GET', '/nowhere/else');
    const res = await fx.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(
      /byok_http_requests_total\{method="GET",route="\/api\/keys\/:id",status="404"\} \d+/,
    );
    expect(res.text).toMatch(/byok_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(res.text).toContain('process_cpu_seconds_total');
    expect(res.text).not.toContain('key_abcdefabcdef');
    expect(res.text).not.toContain('nowhere');
  });

  it('serves the library’s metrics with the HTTP ones: validations, decryption errors, token usage', async () => {
    const userId = uid();
    const token = await tokenFor(userId);
    const apiKey = openaiKey();
    const key = await fx.call('POST', '/api/keys', {
      token,
      body: { provider: 'openai', keyData: { apiKey } },
    });
    await fx.system.manager.recordUsage({
      keyId: key.json.key.id,
      provider: 'openai',
      inputTokens: 120,
      outputTokens: 30,
    });
    fx.system.metrics.onValidation({ provider: 'openai', isValid: false, reason: 'invalid_key' });
    const res = await fx.call('GET', '/metrics');
    expect(res.status).toBe(200);
    for (const name of [
      'ai_provider_validation_success_total',
      'ai_provider_validation_failure_total',
      'api_key_decryption_errors_total',
      'token_usage_daily',
      'byok_http_requests_total',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).toMatch(/token_usage_daily\{provider="openai",type="input"\} \d+/);
    expect(res.text).toMatch(
      /ai_provider_validation_failure_total\{provider="openai",reason="invalid_key"\} \d+/,
    );
    expect(res.text).not.toContain(apiKey);
    expect(res.text).not.toContain(userId);
    expect(res.text).not.toContain(key.json.key.id);
  });
});

describe('GET /api/openapi.json.happy', () => {
  it('is OpenAPI 3.1 generated from the route schemas, with strict bodies', async () => {
    const res = await fx.call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const paths = Object.keys(res.json.paths);
    for (const path of [
      '/api/me',
      '/api/providers',
      '/api/keys',
      '/api/keys/{id}',
      '/api/keys/{id}/revoke',
      '/api/workspaces',
      '/api/workspaces/{id}/members',
      '/api/workspaces/{id}/members/{userId}',
      '/api/workspaces/{id}/ai-providers',
      '/api/workspaces/{id}/ai-providers/{keyId}',
      '/api/audit',
      '/api/keys/{id}/test',
      '/api/keys/validate-all',
      '/api/keys/test-credential',
      '/api/workspaces/{id}/ai-providers/{keyId}/test',
      '/api/workspaces/{id}/ai-providers/validate-all',
      '/api/usage',
      '/api/usage/analytics',
      '/api/fallback-chains/{provider}',
      '/api/alerts',
      '/api/alerts/{id}',
      '/health',
      '/health/byok',
      '/health/ready',
      '/metrics',
    ]) {
      expect(paths).toContain(path);
    }
    const create = res.json.components.schemas.CreateKeyInput;
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(expect.arrayContaining(['provider', 'keyData']));
    expect(res.json.components.schemas.Key.properties).toHaveProperty('keyHint');
    expect(res.json.components.schemas.Key.properties).not.toHaveProperty('keyData');
    expect(res.json.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(res.json).toEqual(fx.handler.openapi());
  });
});

describe('GET /api/docs.happy', () => {
  it('renders a self-contained HTML reference from the document', async () => {
    const res = await fx.call('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('/api/workspaces/{id}/ai-providers/{keyId}');
    expect(res.text).toContain('CreateKeyInput');
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('request errors.error', () => {
  it('answers 415 for a non-JSON body and a JSON body without a content type', async () => {
    const token = await tokenFor(uid());
    const text = await fx.call('POST', '/api/keys', {
      token,
      rawBody: 'provider=openai',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const untyped = await fx.call('POST', '/api/keys', { token, rawBody: '{"provider":"openai"}' });
    expectError(untyped, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 for malformed JSON and invalid UTF-8', async () => {
    const token = await tokenFor(uid());
    const headers = { 'content-type': 'application/json' };
    expectError(
      await fx.call('POST', '/api/keys', { token, rawBody: '{"provider":', headers }),
      400,
      'INVALID_INPUT',
    );
    expectError(
      await fx.call('POST', '/api/keys', { token, rawBody: new Uint8Array([0x7b, 0xff, 0x7d]), headers }),
      400,
      'INVALID_INPUT',
    );
  });

  it('answers 413 while reading a streamed body, whatever Content-Length says', async () => {
    const token = await tokenFor(uid());
    const chunk = new TextEncoder().encode(`"${'a'.repeat(16 * 1024)}",`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"alias":['));
        if (sent > 200) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const response = await fx.handler(
      new Request('http://127.0.0.1/api/keys', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(sent).toBeLessThan(20);
    const declared = await fx.call('POST', '/api/keys', {
      token,
      rawBody: 'x',
      headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
    });
    expectError(declared, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 404 NOT_FOUND for an unknown route, with a request id', async () => {
    const res = await fx.call('GET', '/nothing/here');
    expectError(res, 404, 'NOT_FOUND');
  });

  it('keeps a sane incoming x-request-id and replaces a bad one', async () => {
    expect(
      (await fx.call('GET', '/health', { headers: { 'x-request-id': 'abc-123' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('abc-123');
    const bad = await fx.call('GET', '/health', { headers: { 'x-request-id': 'a b<script>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('rate limit.security', () => {
  it('answers 429 with Retry-After after the per-user write limit; reads and other users go on', async () => {
    const limited = await createHttpFixture({ rateLimit: { writesPerMinute: 3 } });
    try {
      const alice = await tokenFor(uid());
      const bob = await tokenFor(uid());
      const body = { name: 'w' };
      for (let i = 0; i < 3; i++)
        expect((await limited.call('POST', '/api/workspaces', { token: alice, body })).status).toBe(201);
      const refused = await limited.call('POST', '/api/workspaces', { token: alice, body });
      expectError(refused, 429, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await limited.call('GET', '/api/workspaces', { token: alice })).json.workspaces).toHaveLength(
        3,
      );
      expect((await limited.call('POST', '/api/workspaces', { token: bob, body })).status).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it.skipIf(!process.env.TEST_REDIS_URL)('shares the count between handlers through Redis', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(process.env.TEST_REDIS_URL as string, { maxRetriesPerRequest: 1 });
    await new Promise((resolve) => redis.once('ready', resolve));
    const keyPrefix = `byoktest:rl:${uid('p')}:`;
    const a = await createHttpFixture({ rateLimit: { writesPerMinute: 2, redis, keyPrefix } });
    const b = await createHttpFixture({ rateLimit: { writesPerMinute: 2, redis, keyPrefix } });
    try {
      const token = await tokenFor(uid());
      const body = { name: 'w' };
      expect((await a.call('POST', '/api/workspaces', { token, body })).status).toBe(201);
      expect((await b.call('POST', '/api/workspaces', { token, body })).status).toBe(201);
      expectError(await a.call('POST', '/api/workspaces', { token, body }), 429, 'RATE_LIMITED');
      expectError(await b.call('POST', '/api/workspaces', { token, body }), 429, 'RATE_LIMITED');
      const keys = await redis.keys(`${keyPrefix}*`);
      expect(keys).toHaveLength(1);
      expect(await redis.pttl(keys[0] as string)).toBeGreaterThan(0);
    } finally {
      await a.close();
      await b.close();
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});

describe('JWKS auth.security', () => {
  let jwksServer: Server;
  let jwksUrl: string;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  let jwksFx: HttpFixture;
  type SigningKey = Parameters<SignJWT['sign']>[0];

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec1', alg: 'ES256', use: 'sig' },
    ];
    jwksServer = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
    jwksFx = await createHttpFixture({ auth: { jwksUrl, issuer: 'https://idp.test', audience: 'byok' } });
  });
  afterAll(async () => {
    await jwksFx.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const sign = (
    alg: 'RS256' | 'ES256',
    key: SigningKey,
    claims: { sub?: string; exp?: number; iss?: string; aud?: string } = {},
  ) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg, kid: alg === 'RS256' ? 'rsa1' : 'ec1' });
    jwt.setSubject(claims.sub ?? 'jwks-user');
    jwt.setIssuer(claims.iss ?? 'https://idp.test').setAudience(claims.aud ?? 'byok');
    if (claims.exp !== 0) jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 60);
    return jwt.sign(key);
  };

  it('accepts RS256 and ES256 tokens from the JWKS', async () => {
    expect(
      (await jwksFx.call('GET', '/api/me', { token: await sign('RS256', rsa.privateKey) })).json.userId,
    ).toBe('jwks-user');
    expect((await jwksFx.call('GET', '/api/me', { token: await sign('ES256', ec.privateKey) })).status).toBe(
      200,
    );
  });

  it('refuses another key, wrong issuer or audience, no exp, HS256 and alg none', async () => {
    const stranger = await generateKeyPair('RS256');
    const bad = [
      await sign('RS256', stranger.privateKey),
      await sign('RS256', rsa.privateKey, { iss: 'https://evil.test' }),
      await sign('RS256', rsa.privateKey, { aud: 'other' }),
      await sign('RS256', rsa.privateKey, { exp: 0 }),
      await tokenFor('jwks-user'),
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","exp":9999999999}').toString('base64url')}.`,
    ];
    for (const token of bad)
      expectError(await call(jwksFx.handler, 'GET', '/api/me', { token }), 401, 'UNAUTHENTICATED');
  });
});

describe('mounting.happy', () => {
  it('mounts in Express through a Node request listener, and as a Next.js-style route handler', async () => {
    const express = (await import('express')).default;
    const { getRequestListener } = await import('@hono/node-server');
    const app = express();
    app.use(
      getRequestListener((request, env) =>
        fx.handler(request, { remoteAddress: env.incoming.socket.remoteAddress }),
      ),
    );
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const user = uid();
      const res = await fetch(`${base}/api/workspaces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenFor(user)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'via express' }),
      });
      expect(res.status).toBe(201);
      const [entry] = await fx.system.audit.list({
        owner: { type: 'workspace', id: (await jsonOf(res)).workspace.id },
      });
      expect(entry?.context).toMatchObject({ ip: '127.0.0.1' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Next.js App Router: `export const GET = handler; export const POST = handler;`
    const GET = fx.handler;
    expect((await GET(new Request('http://127.0.0.1/health'))).status).toBe(200);
  });
});
