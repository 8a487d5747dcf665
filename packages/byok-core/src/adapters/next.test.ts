import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, uniqueId } from '../../test/backends.js';
import { openFakeSystem } from '../../test/fake-manager.js';
import type { BYOKSystem } from '../create-byok.js';
import type { FakeProviders } from '../testing/index.js';
import { createBYOKRouteHandlers, withBYOK } from './next.js';

const JWT_SECRET = 'next-adapter-test-secret-0123456789abcdef';
const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));

describe('Next.js App Router helpers', () => {
  let fake: FakeProviders;
  let system: BYOKSystem;
  let close: () => Promise<void>;
  const alice = uniqueId('alice');
  const bob = uniqueId('bob');
  const captured = capturingLogger();

  beforeAll(async () => {
    ({ fake, system, close } = await openFakeSystem({ logger: captured.logger }));
  });

  afterAll(() => close());

  describe('createBYOKRouteHandlers', () => {
    it('serves the REST API under the route base path, each user seeing only their own keys', async () => {
      const { GET, POST, PATCH, DELETE } = createBYOKRouteHandlers(system, {
        basePath: '/api/byok',
        auth: { jwtSecret: JWT_SECRET },
        metrics: { collectDefaultMetrics: false },
      });
      const call = async (handler: typeof GET, method: string, path: string, user?: string, body?: unknown) =>
        handler(
          new Request(`http://localhost:3000/api/byok${path}`, {
            method,
            headers: {
              ...(user ? { authorization: `Bearer ${await token(user)}` } : {}),
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
            ...(body ? { body: JSON.stringify(body) } : {}),
          }),
          { params: Promise.resolve({ path: path.split('/').filter(Boolean) }) },
        );

      const created = await call(POST, 'POST', '/keys', alice, {
        provider: 'openai',
        keyData: { apiKey: 'sk-proj-alice-next-01' },
        alias: 'Alice',
      });
      expect(created.status).toBe(201);
      const { id } = ((await created.json()) as { key: { id: string } }).key;
      expect(JSON.stringify(await (await call(GET, 'GET', '/keys', alice)).json())).toContain(id);
      const listedForBob = await (await call(GET, 'GET', '/keys', bob)).text();
      expect(listedForBob).not.toContain(id);
      expect((await call(PATCH, 'PATCH', `/keys/${id}`, bob, { alias: 'mine now' })).status).toBe(404);
      expect((await call(DELETE, 'DELETE', `/keys/${id}`, bob)).status).toBe(404);
      expect((await call(GET, 'GET', '/keys')).status).toBe(401);
      expect((await call(PATCH, 'PATCH', `/keys/${id}`, alice, { alias: 'Renamed' })).status).toBe(200);
      expect((await call(DELETE, 'DELETE', `/keys/${id}`, alice)).status).toBeLessThan(300);
      expect(JSON.stringify(await (await call(GET, 'GET', '/keys', alice)).json())).not.toContain(
        'sk-proj-alice-next-01',
      );
    });

    it('forwards to a ready-made handler as it is', async () => {
      const seen: string[] = [];
      const handler = Object.assign(
        async (request: Request) => {
          seen.push(`${request.method} ${new URL(request.url).pathname}`);
          return new Response('ok');
        },
        { registry: undefined as never, openapi: () => ({}) },
      );
      const { GET, DELETE } = createBYOKRouteHandlers(handler);
      await GET(new Request('http://localhost/api/keys'), {});
      await DELETE(new Request('http://localhost/api/keys/1', { method: 'DELETE' }), {});
      expect(seen).toEqual(['GET /api/keys', 'DELETE /api/keys/1']);
    });
  });

  describe('withBYOK', () => {
    it("gives the route its user's AI config, 401 without a user, and a clean error body", async () => {
      await system.manager.addKey({
        userId: bob,
        provider: 'deepseek',
        keyData: { apiKey: 'sk-bobdeepseeknext02' },
      });
      const route = withBYOK(
        system.manager,
        (request) => request.headers.get('x-session-user'),
        async (_request, { userId, aiConfig, byokEnabled }) => {
          if (!byokEnabled) return Response.json({ userId, byokEnabled }, { status: 400 });
          const reply = await aiConfig.providers.deepseek?.complete('Hi', { includeUsage: true });
          return Response.json({ userId, reply: reply?.text, keyId: reply?.keyId, config: aiConfig });
        },
      );
      const forBob = await route(
        new Request('http://localhost/api/chat', { headers: { 'x-session-user': bob } }),
        {},
      );
      expect(forBob.status).toBe(200);
      const body = (await forBob.json()) as { userId: string; reply: string; config: unknown };
      expect(body.userId).toBe(bob);
      expect(body.reply).toBe('Hello from the fake provider.');
      expect(JSON.stringify(body.config)).not.toContain('sk-bobdeepseeknext02');
      expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-bobdeepseeknext02');

      const forAlice = await route(
        new Request('http://localhost/api/chat', { headers: { 'x-session-user': alice } }),
        {},
      );
      expect(await forAlice.json()).toEqual({ userId: alice, byokEnabled: false });
      const anonymous = await route(new Request('http://localhost/api/chat'), {});
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'Sign in to use your AI keys' },
      });

      const failing = withBYOK(
        system.manager,
        () => bob,
        () => {
          throw new Error('secret internal detail');
        },
      );
      const crashed = await failing(new Request('http://localhost/x'), {});
      expect(crashed.status).toBe(500);
      expect(await crashed.text()).not.toContain('secret internal detail');
      expect(captured.lines.join('')).not.toContain('secret internal detail');
    });
  });
});
