/**
 * Small HTTP manners: 405 with `Allow` for a known path and a wrong method (every documented path),
 * the unknown-provider error naming the valid providers, and `x-request-id` on every answer of the
 * running service — API, operations, docs, demo sign-in and dashboard alike.
 */
import { join } from 'node:path';
import { createLogger, ProviderType } from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/byok-server/src/config.js';
import { type RunningServer, startServer } from '../apps/byok-server/src/server.js';
import {
  ADMIN_TOKEN,
  createHttpFixture,
  expectError,
  type HttpFixture,
  MASTER_KEY,
  tempDir,
  tokenFor,
  uid,
} from '../apps/byok-server/test/helpers.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

type Paths = Record<string, Record<string, unknown>>;

/** `/api/keys/{id}` → a concrete path (`/api/keys/x_1`) and a matcher for concrete paths. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, 'x_1');
const matcher = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);

describe('405 Method Not Allowed', () => {
  let fx: HttpFixture;
  let paths: Paths;
  beforeAll(async () => {
    fx = await createHttpFixture({ rateLimit: false });
    paths = (fx.handler.openapi() as { paths: Paths }).paths;
  });
  afterAll(async () => {
    await fx.close();
  });

  it('PUT /api/keys answers 405 in the error shape, with Allow: GET, HEAD, POST', async () => {
    const res = await fx.call('PUT', '/api/keys', { token: await tokenFor(uid()), body: {} });
    expectError(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(res.json.error.message).toContain('GET, HEAD, POST');
  });

  it('every documented path answers 405 to every undocumented method, listing exactly the documented ones', async () => {
    const templates = Object.keys(paths);
    expect(templates.length).toBeGreaterThan(15);
    let checked = 0;
    for (const template of templates) {
      const path = concrete(template);
      // Several templates can match one concrete path (`/keys/{id}` and `/keys/x`): Allow is their union.
      const documented = new Set(
        templates
          .filter((t) => matcher(t).test(path))
          .flatMap((t) => Object.keys(paths[t] ?? {}).map((m) => m.toUpperCase())),
      );
      const allow = METHODS.filter((m) => documented.has(m)).flatMap((m) =>
        m === 'GET' ? ['GET', 'HEAD'] : [m],
      );
      for (const method of METHODS.filter((m) => !documented.has(m))) {
        const res = await fx.call(method, path, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-byok-user-id': 'user_405' },
        });
        expectError(res, 405, 'METHOD_NOT_ALLOWED');
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow.join(', '));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('an unknown path is still 404, whatever the method', async () => {
    for (const method of METHODS) {
      const res = await fx.call(method, '/api/nothing-here', { token: await tokenFor(uid()) });
      expectError(res, 404, 'NOT_FOUND');
      expect(res.headers.get('allow')).toBeNull();
    }
    expectError(await fx.call('PUT', '/nowhere'), 404, 'NOT_FOUND');
  });

  it('an operations path outside the API base answers 405 too', async () => {
    const res = await fx.call('DELETE', '/health');
    expectError(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('unknown provider', () => {
  let fx: HttpFixture;
  beforeAll(async () => {
    fx = await createHttpFixture({ rateLimit: false });
  });
  afterAll(async () => {
    await fx.close();
  });

  const expectListsProviders = (message: string, providers: readonly string[]) => {
    for (const provider of providers) expect(message).toContain(provider);
  };

  it('adding a key for an unknown provider lists the valid ones, without echoing the value sent', async () => {
    const res = await fx.call('POST', '/api/keys', {
      token: await tokenFor(uid()),
      body: { provider: 'mistral-secretish', keyData: { apiKey: 'sk-whatever-0000000000' } },
    });
    expectError(res, 400, 'UNKNOWN_PROVIDER');
    expectListsProviders(res.json.error.message, Object.values(ProviderType));
    expect(res.text).not.toContain('mistral-secretish');
  });

  it('a usage filter with an unknown provider lists the valid ones', async () => {
    const res = await fx.call('GET', '/api/usage/analytics?providers=openai,acme', {
      token: await tokenFor(uid()),
    });
    expectError(res, 400, 'UNKNOWN_PROVIDER');
    expectListsProviders(res.json.error.message, Object.values(ProviderType));
  });

  it('a provider this server does not enable names the enabled ones', { timeout: 90_000 }, async () => {
    const limited = await createHttpFixture({
      rateLimit: false,
      systemOptions: { enabledProviders: [ProviderType.OPENAI, ProviderType.ANTHROPIC] },
    });
    try {
      const res = await limited.call('POST', '/api/keys', {
        token: await tokenFor(uid()),
        body: { provider: 'deepgram', keyData: { apiKey: 'dg-0123456789abcdef0123456789abcdef' } },
      });
      expectError(res, 400, 'UNKNOWN_PROVIDER');
      expect(res.json.error.message).toContain('enabled: openai, anthropic');
    } finally {
      await limited.close();
    }
  });
});

describe('x-request-id on every answer of the running service', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer;
  let paths: Paths;
  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(
      loadConfig(
        {
          PORT: '0',
          HOST: '127.0.0.1',
          BYOK_DATA_DIR: join(dir.path, 'data'),
          BYOK_ENCRYPTION_KEY: MASTER_KEY,
          BYOK_ADMIN_TOKEN: ADMIN_TOKEN,
          BYOK_ENABLE_VALIDATION: 'false',
          BYOK_RATE_LIMIT_WRITES_PER_MINUTE: '0',
        },
        { container: false },
      ),
      { logger: createLogger({ level: 'silent' }), drainMs: 500 },
    );
    paths = ((await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Paths }).paths;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dir?.remove();
  });

  const expectId = async (method: string, path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, { method, ...init });
    await res.arrayBuffer();
    expect(res.headers.get('x-request-id'), `${method} ${path} → ${res.status}`).toMatch(
      /^[A-Za-z0-9._:-]{1,128}$/,
    );
    return res;
  };

  it('every documented route and method, with and without a token', async () => {
    let count = 0;
    for (const [template, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        const upper = method.toUpperCase();
        const body = upper === 'GET' || upper === 'DELETE' ? undefined : '{}';
        const headers = body ? { 'content-type': 'application/json' } : undefined;
        await expectId(upper, concrete(template), { body, headers });
        await expectId(upper, concrete(template), {
          body,
          headers: { ...headers, authorization: `Bearer ${ADMIN_TOKEN}`, 'x-byok-user-id': 'user_rid' },
        });
        count += 2;
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  it('the demo sign-in (GET, POST, a wrong method), docs, dashboard and unknown paths', async () => {
    await expectId('GET', '/api/auth/demo');
    const signIn = await expectId('POST', '/api/auth/demo', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(signIn.status).toBe(200);
    const wrong = await expectId('PUT', '/api/auth/demo');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    const tooBig = await expectId('POST', '/api/auth/demo', { body: 'x'.repeat(2000) });
    expect(tooBig.status).toBe(413);
    for (const path of ['/api/openapi.json', '/api/docs', '/', '/index.html', '/keys', '/no/such/file.js'])
      await expectId('GET', path);
    await expectId('PUT', '/api/keys');
    await expectId('POST', '/nowhere');
  });

  it('keeps a sane incoming id, on the demo sign-in as on the API', async () => {
    for (const path of ['/api/auth/demo', '/health', '/']) {
      const res = await fetch(`${server.url}${path}`, { headers: { 'x-request-id': 'trace-42.a:b' } });
      await res.arrayBuffer();
      expect(res.headers.get('x-request-id'), path).toBe('trace-42.a:b');
    }
  });
});
